#!/usr/bin/env bash
# The benchmark of issue 6, whole: builds Release, starts nginx answering a fixed 202 (the HTTP ceiling
# of the machine), then for each store (SQLite with default durability, PostgreSQL with
# synchronous_commit=on on its own initdb server) runs every scenario against a fresh replyd, and prints
# the markdown tables of BENCHMARKS.md. Every run is bounded in count and in time.
#
#   bench/run.sh                 full run (DURATION seconds per scenario, depth with 1 and 10 million jobs)
#   bench/run.sh --quick         a few seconds per scenario, depth with 100,000 jobs: checks the harness
#
# Options: --duration S, --stores "sqlite postgres", --depth "1000000 10000000" (empty: no depth runs),
# --postgres-depth LIST (default: as --depth; filling PostgreSQL with 10 million jobs takes long),
# --build-dir DIR (default build-release), --no-build, --results FILE (JSON lines, default in the temp
# dir), --threads N (replyd --threads; default: one per core).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DURATION=10
STORES="sqlite postgres"
DEPTH="1000000 10000000"
PG_DEPTH=""
PG_DEPTH_SET=0
BUILD_DIR="$ROOT/build-release"
BUILD=1
RESULTS=""
SERVER_THREADS=""
QUICK=0

while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) QUICK=1; DURATION=3; DEPTH="100000"; shift ;;
    --duration) DURATION="$2"; shift 2 ;;
    --stores) STORES="$2"; shift 2 ;;
    --depth) DEPTH="$2"; shift 2 ;;
    --postgres-depth) PG_DEPTH="$2"; PG_DEPTH_SET=1; shift 2 ;;
    --build-dir) BUILD_DIR="$(realpath -m "$2")"; shift 2 ;;
    --no-build) BUILD=0; shift ;;
    --results) RESULTS="$(realpath -m "$2")"; shift 2 ;;
    --threads) SERVER_THREADS="$2"; shift 2 ;;
    -h|--help) sed -n 2,15p "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

# Bounds of every run: the scenario's duration, and a count no machine reaches in that time.
COUNT=$((DURATION * 200000))
WORKER_JOBS=$((DURATION * 40000))  # jobs pre-filled for the worker scenarios (they stop when drained)
[[ $QUICK == 1 ]] && WORKER_JOBS=50000

as_root() { if [[ $(id -u) == 0 ]]; then "$@"; else sudo "$@"; fi; }

if ! command -v nginx >/dev/null && [[ ! -x /usr/sbin/nginx ]]; then
  echo "== installing nginx (Debian package) for the HTTP ceiling"
  as_root apt-get install -y nginx-light >/dev/null 2>&1 || as_root apt-get install -y nginx
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

if [[ $BUILD == 1 ]]; then
  echo "== building Release in $BUILD_DIR"
  cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release -DREPLYD_TESTS=OFF >/dev/null
  ninja -C "$BUILD_DIR" replyd replyd-bench replyd-echo-worker replyd-prefill
fi
REPLYD="$BUILD_DIR/replyd"
BENCH="$BUILD_DIR/bench/replyd-bench"
ECHO_WORKER="$BUILD_DIR/bench/replyd-echo-worker"
PREFILL="$BUILD_DIR/bench/replyd-prefill"

WORK="$(mktemp -d /tmp/replyd-bench-XXXXXX)"
chmod 755 "$WORK"  # PostgreSQL runs as the postgres user when we are root
[[ -z "$RESULTS" ]] && RESULTS="$WORK/results.jsonl"
: >"$RESULTS"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Waits (bounded) until URL answers, or the process PID has died.
wait_http() {
  local url="$1" pid="$2"
  for _ in $(seq 1 300); do
    curl -s -o /dev/null "$url" && return 0
    kill -0 "$pid" 2>/dev/null || { echo "process $pid died before answering $url" >&2; return 1; }
    sleep 0.1
  done
  echo "$url did not answer within 30 s" >&2
  return 1
}

stop_pid() {
  local pid="$1"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  local kept=()
  for p in "${PIDS[@]}"; do [[ "$p" != "$pid" ]] && kept+=("$p"); done
  PIDS=("${kept[@]}")
}

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), kernel $(uname -r)"
echo "== load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- nginx answering a fixed 202 ----
NGINX_PORT="$(free_port)"
mkdir -p "$WORK/nginx"
cat >"$WORK/nginx/nginx.conf" <<EOF
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 60s;
  client_body_temp_path $WORK/nginx/body;
  client_body_buffer_size 64k;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / { default_type application/json; return 202 '{"status":"queued"}'; }
  }
}
EOF
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
wait_http "http://127.0.0.1:$NGINX_PORT/" "$NGINX_PID"

# Runs replyd-bench; its JSON line goes to the results with the store named.
bench() {
  local store="$1"
  shift
  local line
  line="$("$BENCH" --json "$@" || true)"
  if [[ -z "$line" ]]; then
    echo "   replyd-bench $* printed nothing" >&2
    return 0
  fi
  echo "${line%\}},\"store\":\"$store\"}" >>"$RESULTS"
  python3 "$ROOT/bench/report.py" --line "$line"
}

echo "== nginx fixed 202"
NGINX_WORKERS=($(pgrep -P "$NGINX_PID" || true))
NGINX_PID_ARGS=()
for pid in "$NGINX_PID" "${NGINX_WORKERS[@]}"; do NGINX_PID_ARGS+=(--pid "$pid"); done
bench nginx --url "http://127.0.0.1:$NGINX_PORT" --scenario accept --label "accept c=32" -c 32 --threads 2 \
  -n "$COUNT" -d "$DURATION" "${NGINX_PID_ARGS[@]}"
stop_pid "$NGINX_PID"

# ---- PostgreSQL on its own initdb server ----
PG_BIN=/usr/lib/postgresql/15/bin
[[ -x "$PG_BIN/initdb" ]] || PG_BIN="$(dirname "$(command -v initdb)")"
PG_PORT=""
start_postgres() {
  local dir="$WORK/pg"
  mkdir -p "$dir"
  local run=()
  if [[ $(id -u) == 0 ]]; then
    chown postgres: "$dir"
    run=(runuser -u postgres --)
  fi
  "${run[@]}" "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-locale --no-sync \
    --no-instructions >"$WORK/initdb.log" 2>&1
  PG_PORT="$(free_port)"
  "${run[@]}" "$PG_BIN/postgres" -D "$dir/data" -p "$PG_PORT" -k "$dir" -c listen_addresses=127.0.0.1 \
    -c fsync=on -c synchronous_commit=on -c max_connections=200 -c shared_buffers=256MB \
    -c checkpoint_timeout=1h -c max_wal_size=8GB >"$WORK/postgres.log" 2>&1 &
  PG_PID=$!
  PIDS+=("$PG_PID")
  for _ in $(seq 1 300); do
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" && return 0
    sleep 0.1
  done
  echo "PostgreSQL did not start:" >&2
  tail -20 "$WORK/postgres.log" >&2
  return 1
}

# Sets STORE_URI to a fresh, empty store for the next server (a variable, not output: a command
# substitution would run in a subshell and lose the count).
RUN_SEQ=0
STORE_URI=""
fresh_store() {
  local store="$1"
  RUN_SEQ=$((RUN_SEQ + 1))
  if [[ "$store" == sqlite ]]; then
    STORE_URI="sqlite:$WORK/sqlite-$RUN_SEQ/replyd.db"
  else
    "$PG_BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c "CREATE DATABASE bench_$RUN_SEQ" >/dev/null
    STORE_URI="postgres://postgres@127.0.0.1:$PG_PORT/bench_$RUN_SEQ"
  fi
}

SERVER_PID=""
SERVER_URL=""
start_replyd() {
  local uri="$1"
  local port
  port="$(free_port)"
  local threads=()
  [[ -n "$SERVER_THREADS" ]] && threads=(--threads "$SERVER_THREADS")
  "$REPLYD" serve --listen "127.0.0.1:$port" --store "$uri" --log-level warn "${threads[@]}" \
    >>"$WORK/replyd.log" 2>&1 &
  SERVER_PID=$!
  PIDS+=("$SERVER_PID")
  SERVER_URL="http://127.0.0.1:$port"
  wait_http "$SERVER_URL/healthz" "$SERVER_PID"
}

WORKER_PID=""
start_echo_worker() {
  "$ECHO_WORKER" --url "$SERVER_URL" --queue bench --loops 4 --batch 32 >>"$WORK/worker.log" 2>&1 &
  WORKER_PID=$!
  PIDS+=("$WORKER_PID")
}

# One scenario on a fresh server (and a fresh echo worker for the cycles): peak RSS is this run's.
scenario() {
  local store="$1" uri="$2" with_worker="$3"
  shift 3
  start_replyd "$uri"
  local pids=(--pid "$SERVER_PID")
  if [[ "$with_worker" == worker ]]; then
    start_echo_worker
    pids+=(--pid "$WORKER_PID")
  fi
  bench "$store" --url "$SERVER_URL" -d "$DURATION" "${pids[@]}" "$@"
  if [[ -n "$WORKER_PID" ]]; then
    stop_pid "$WORKER_PID"
    WORKER_PID=""
  fi
  stop_pid "$SERVER_PID"
}

run_store() {
  local store="$1"
  echo "== $store"
  fresh_store "$store"
  scenario "$store" "$STORE_URI" none --scenario accept --label "accept c=32" -c 32 --threads 2 -n "$COUNT"
  fresh_store "$store"
  scenario "$store" "$STORE_URI" worker --scenario cycle-poll --label "cycle-poll c=32" -c 32 -n "$COUNT"
  fresh_store "$store"
  scenario "$store" "$STORE_URI" worker --scenario cycle-wait --label "cycle-wait c=32" -c 32 -n "$COUNT"
  fresh_store "$store"
  scenario "$store" "$STORE_URI" worker --scenario cycle-wait --label "cycle-wait c=1" -c 1 -n "$COUNT"
  fresh_store "$store"
  scenario "$store" "$STORE_URI" worker --scenario cycle-sse --label "cycle-sse c=32" -c 32 -n "$COUNT"
  fresh_store "$store"
  scenario "$store" "$STORE_URI" none --scenario status --label "status c=32" -c 32 --prefill 10000 -n "$COUNT"

  local uri
  for batch in 1 64; do
    fresh_store "$store"
    uri="$STORE_URI"
    "$PREFILL" --store "$uri" --queue bench -n "$WORKER_JOBS" >/dev/null
    local c=16
    [[ $batch -gt 1 ]] && c=4
    scenario "$store" "$uri" none --scenario worker --label "worker batch=$batch c=$c" -c "$c" --batch "$batch" \
      -n "$WORKER_JOBS"
  done

  local depths="$DEPTH"
  [[ "$store" == postgres && $PG_DEPTH_SET == 1 ]] && depths="$PG_DEPTH"
  for depth in $depths; do
    echo "   pre-filling $depth queued jobs ($store)"
    fresh_store "$store"
    uri="$STORE_URI"
    "$PREFILL" --store "$uri" --queue depth -n "$depth"
    scenario "$store" "$uri" none --scenario accept --label "depth $depth: accept c=32" -c 32 --threads 2 -n "$COUNT" \
      --queue accepted
    scenario "$store" "$uri" worker --scenario cycle-wait --label "depth $depth: cycle-wait c=32" -c 32 -n "$COUNT"
    scenario "$store" "$uri" none --scenario status --label "depth $depth: status c=32" -c 32 --prefill 10000 -n "$COUNT" \
      --queue accepted
  done
}

for store in $STORES; do
  if [[ "$store" == postgres ]]; then
    if ! start_postgres; then
      echo "== postgres: skipped (server did not start)"
      continue
    fi
  fi
  run_store "$store"
done

echo
echo "== load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
python3 "$ROOT/bench/report.py" "$RESULTS"
