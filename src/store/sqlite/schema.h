// The SQLite schema, versioned with PRAGMA user_version: migration N brings a database from version N-1
// to N. Each migration is a named SQL constant in schema.cpp, applied in its own transaction.
//
// Layout: `jobs` holds the hot state row of each job (INTEGER PRIMARY KEY seq, 16-byte BLOB id);
// payload and result bytes live in `payloads` and `results`, keyed by seq, so that a heartbeat or a
// state change never rewrites them. `queue_counts` keeps per-(queue, state) counts and
// `finished_counts` per-(queue, second) counts of jobs reaching a terminal state; both are updated in
// the transaction of every change, so queue statistics never scan `jobs`.
#pragma once

#include "store/sqlite/connection.h"

#include <span>
#include <string_view>

namespace replyd::store::sqlite {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// The version this binary writes.
inline constexpr int kSchemaVersion = 3;

// All migrations, in version order (1..kSchemaVersion).
std::span<const Migration> migrations();

// Brings the database to kSchemaVersion. Throws std::runtime_error when a migration fails or the
// database was written by a newer binary (user_version > kSchemaVersion).
void migrate(Connection& db);

}  // namespace replyd::store::sqlite
