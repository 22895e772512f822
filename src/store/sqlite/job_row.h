// Encoding of a `Job` as a row of the `jobs` table: reading a row selected with sql::kJobColumns, and
// binding the parameters of sql::kInsertJob, sql::kUpdateJob and sql::kUpdateHeartbeat.
//
// Optional values are SQL NULL. Progress is present when progress_message is not NULL (an empty
// message is ''), an error when error_status is not NULL. Times are int64 microseconds since the epoch.
#pragma once

#include "core/job.h"
#include "store/sqlite/connection.h"

namespace replyd::store::sqlite {

// Decodes the current row of a statement that selected sql::kJobColumns first.
Job read_job(const Statement& s);

// Bind `job`'s columns. Text and blobs are bound without copying: `job` must outlive the step.
void bind_insert(Statement& s, const Job& job);
void bind_update(Statement& s, const Job& job);
void bind_heartbeat(Statement& s, const Job& job);

}  // namespace replyd::store::sqlite
