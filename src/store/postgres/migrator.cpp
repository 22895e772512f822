#include "store/postgres/migrator.h"

#include "store/postgres/migrations.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <set>

namespace replyd::store::postgres {
namespace {

// "replyd" in ASCII, then 1: one lock for every replyd node on this database.
constexpr std::string_view kLock = "SELECT pg_advisory_lock(7090165316141907969)";
constexpr std::string_view kUnlock = "SELECT pg_advisory_unlock(7090165316141907969)";
constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, "
    "applied_at timestamptz NOT NULL DEFAULT now())";
constexpr std::string_view kAppliedVersions = "SELECT version FROM schema_migrations";

struct Migration {
  int version;
  std::string name;
  std::string_view sql;
};

std::vector<Migration> embedded_migrations() {
  std::vector<Migration> out;
  for (const EmbeddedFile& f : embedded_files()) {
    std::string_view name = f.path.substr(f.path.rfind('/') + 1);
    if (name.size() < 5 || name.substr(name.size() - 4) != ".sql") continue;
    int version = 0;
    auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), version);
    if (ec != std::errc() || end == name.data() || version <= 0) {
      throw std::logic_error(fmt::format("migration file {} does not start with its version", name));
    }
    // The name is recorded in schema_migrations as an SQL literal.
    if (name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") !=
        std::string_view::npos) {
      throw std::logic_error(
          fmt::format("migration file name {} has characters other than [A-Za-z0-9._-]", name));
    }
    out.push_back({version, std::string(name), f.data});
  }
  return out;
}

Result<void> exec(PgConnection& conn, std::string_view sql) {
  auto r = conn.exec(std::string(sql));
  if (!r) return r.error();
  return {};
}

Result<void> apply_one(PgConnection& conn, const Migration& m) {
  if (auto ok = exec(conn, "BEGIN"); !ok) return ok;
  auto applied = exec(conn, m.sql);
  if (applied) {
    applied = exec(conn, fmt::format("INSERT INTO schema_migrations (version, name) VALUES ({}, '{}')",
                                     m.version, m.name));
  }
  if (applied) applied = exec(conn, "COMMIT");
  if (!applied) {
    (void)exec(conn, "ROLLBACK");
    if (applied.error().code() == Errc::unavailable) return applied;
    return Error(Errc::internal, fmt::format("migration {} failed: {}", m.name, applied.error().detail()));
  }
  return {};
}

Result<std::vector<std::string>> migrate_locked(PgConnection& conn) {
  if (auto ok = exec(conn, kCreateTable); !ok) return ok.error();
  auto rows = conn.exec(std::string(kAppliedVersions));
  if (!rows) return rows.error();
  std::set<int> applied;
  for (int i = 0; i < PQntuples(rows->get()); ++i) applied.insert(std::atoi(PQgetvalue(rows->get(), i, 0)));

  std::vector<std::string> done;
  int newest_known = 0;
  for (const Migration& m : embedded_migrations()) {
    newest_known = std::max(newest_known, m.version);
    if (applied.count(m.version)) continue;
    if (auto ok = apply_one(conn, m); !ok) return ok.error();
    spdlog::info("postgres: applied migration {}", m.name);
    done.push_back(m.name);
  }
  if (!applied.empty() && *applied.rbegin() > newest_known) {
    // A newer replyd migrated this database; migrations only add, so this binary keeps working.
    spdlog::warn("postgres: the database has schema version {}, newer than this binary's {}",
                 *applied.rbegin(), newest_known);
  }
  return done;
}

}  // namespace

Result<std::vector<std::string>> apply_migrations(PgConnection& conn) {
  if (auto ok = exec(conn, kLock); !ok) return ok.error();
  auto result = migrate_locked(conn);
  if (conn.usable()) (void)exec(conn, kUnlock);
  return result;
}

}  // namespace replyd::store::postgres
