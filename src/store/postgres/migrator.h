// Schema migrations: the embedded files of migrations.h, applied in path order, each once. A file's
// version is the number its name starts with ("0001_init.sql" is version 1); applied versions are
// recorded in the table schema_migrations.
#pragma once

#include "core/result.h"
#include "store/postgres/pg_connection.h"

#include <string>
#include <vector>

namespace replyd::store::postgres {

// Applies every embedded migration that schema_migrations does not list, each in its own transaction
// together with its record. Holds a session advisory lock meanwhile, so that several nodes starting at
// once apply each migration exactly once (the others wait, then find nothing to do). `conn` must not
// be in pipeline mode. Returns the names of the files applied now (empty when the schema was up to
// date). Errors: Errc::unavailable (database unreachable), Errc::internal (a migration failed: the
// detail names the file and the database's message; nothing of that file was applied).
Result<std::vector<std::string>> apply_migrations(PgConnection& conn);

}  // namespace replyd::store::postgres
