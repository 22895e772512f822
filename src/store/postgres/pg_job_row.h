// Converts between `Job` values and rows of the jobs table (the column list of sql::kJobColumns, in
// text form), and between job ids and PostgreSQL uuids.
#pragma once

#include "core/job.h"
#include "store/postgres/pg_params.h"

#include <libpq-fe.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace replyd::store::postgres {

// 32 hex digits, the shortest text PostgreSQL accepts as a uuid.
std::string uuid_text(const JobId& id);
// A uuid in PostgreSQL's text form (with or without dashes), or nullopt.
std::optional<JobId> parse_uuid_text(std::string_view text);
// A uuid in binary form (16 bytes), or nullopt.
std::optional<JobId> parse_uuid_binary(std::string_view bytes);
// A uuid[] literal: "{hex,hex,...}".
std::string uuid_array(std::span<const JobId> ids);

// Cells of a text-format result. A NULL cell reads as 0 or "".
std::int64_t cell_int(const PGresult* r, int row, int col);
std::optional<std::int64_t> cell_optional_int(const PGresult* r, int row, int col);
std::string_view cell_text(const PGresult* r, int row, int col);
bool cell_is_null(const PGresult* r, int row, int col);

// The job in columns [first_col, first_col + kJobColumnCount) of `row`.
Job decode_job(const PGresult* r, int row, int first_col = 0);

// False when a text field of the job contains a NUL byte, which a PostgreSQL text column cannot hold.
bool storable(const Job& job);

// Appends $1..$32 of sql::kInsertJob (every column but seq).
void encode_insert(PgParams& params, const Job& job);
// Appends $1..$22 of sql::kUpdateJob (the id, then every mutable column).
void encode_update(PgParams& params, const Job& job);

}  // namespace replyd::store::postgres
