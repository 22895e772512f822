# Sourced by scripts/test.sh: starts one PostgreSQL 15 server for the whole test run (initdb in a
# temporary directory, a free port on 127.0.0.1, as the postgres user when root) and exports
# REPLYD_TEST_POSTGRES_URI, so that every PostgreSQL test creates its own database on it instead of
# paying for an initdb of its own. Tests that must stop the server (outages) still start their own.
# The server is stopped, and its directory removed, when the calling shell exits.

pg_bin=/usr/lib/postgresql/15/bin
pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/replyd-test-pg-XXXXXX")
pg_as=()
if [[ $(id -u) -eq 0 ]]; then
  chown postgres: "$pg_dir"
  pg_as=(runuser -u postgres --)
fi

stop_test_postgres() {
  "${pg_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
}
trap stop_test_postgres EXIT

"${pg_as[@]}" "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust -E UTF8 --no-locale --no-sync \
  --no-instructions >"$pg_dir/initdb.log" 2>&1 || { cat "$pg_dir/initdb.log"; exit 1; }

for attempt in 1 2 3; do
  pg_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  if "${pg_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 start -o \
      "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=400 -c checkpoint_timeout=1h -c max_wal_size=4GB" \
      >/dev/null; then
    break
  fi
  # The port may have been taken between the probe and the bind: try another one.
  ((attempt < 3)) || { tail -20 "$pg_dir/server.log"; exit 1; }
done

export REPLYD_TEST_POSTGRES_URI="postgres://postgres@127.0.0.1:$pg_port/postgres"
echo "test PostgreSQL server on 127.0.0.1:$pg_port ($pg_dir)"
