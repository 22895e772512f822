// The SQL of the SQLite store, as named constants (prepared once per connection). Rows of `jobs` are
// always read with the column list kJobColumns, in its order (job_row.h decodes it).
#pragma once

#include <string_view>

namespace replyd::store::sqlite::sql {

// The SQL text is laid out by hand, one clause per line where it helps.
// clang-format off
// Adjacent string literals are the only way to splice one column list into many constants.
#define REPLYD_JOB_COLUMNS                                                                                  \
  "seq, id, queue, state, priority, attempt, max_attempts, cancel_requested, progress_current, "            \
  "progress_total, progress_message, created_at, updated_at, run_at, started_at, finished_at, expires_at, " \
  "timeout_us, ttl_us, lease_token, lease_expires_at, attempt_deadline, error_type, error_title, "          \
  "error_status, error_detail, payload_content_type, payload_size, result_content_type, result_size, "      \
  "callback_url, version, filename"

inline constexpr std::string_view kJobColumns = REPLYD_JOB_COLUMNS;

// ---- reads (reader connections, and the writer inside its transaction) ----

inline constexpr std::string_view kJobById = "SELECT " REPLYD_JOB_COLUMNS " FROM jobs WHERE id = ?1";
inline constexpr std::string_view kJobBySeq = "SELECT " REPLYD_JOB_COLUMNS " FROM jobs WHERE seq = ?1";

inline constexpr std::string_view kPayloadById =
    "SELECT j.payload_content_type, p.bytes FROM jobs j LEFT JOIN payloads p ON p.seq = j.seq "
    "WHERE j.id = ?1";
inline constexpr std::string_view kResultById =
    "SELECT j.state, j.result_content_type, r.bytes FROM jobs j LEFT JOIN results r ON r.seq = j.seq "
    "WHERE j.id = ?1";
inline constexpr std::string_view kPayloadBySeq = "SELECT bytes FROM payloads WHERE seq = ?1";

// Lists, newest first: one statement per filter so that each uses its own index. ?1 = before_seq,
// ?2 = limit, ?3 = queue and/or ?4 = state.
inline constexpr std::string_view kListAll =
    "SELECT " REPLYD_JOB_COLUMNS " FROM jobs WHERE seq < ?1 ORDER BY seq DESC LIMIT ?2";
inline constexpr std::string_view kListByQueue =
    "SELECT " REPLYD_JOB_COLUMNS " FROM jobs INDEXED BY jobs_by_queue WHERE queue = ?3 AND seq < ?1 "
    "ORDER BY seq DESC LIMIT ?2";
inline constexpr std::string_view kListByState =
    "SELECT " REPLYD_JOB_COLUMNS " FROM jobs INDEXED BY jobs_by_state WHERE state = ?4 AND seq < ?1 "
    "ORDER BY seq DESC LIMIT ?2";
inline constexpr std::string_view kListByQueueAndState =
    "SELECT " REPLYD_JOB_COLUMNS " FROM jobs INDEXED BY jobs_by_queue_state "
    "WHERE queue = ?3 AND state = ?4 AND seq < ?1 ORDER BY seq DESC LIMIT ?2";

// Queue statistics: the maintained counts, the first-inserted due queued job of a queue, and jobs
// finished per queue in a window of seconds [?1, ?2].
inline constexpr std::string_view kQueueCounts =
    "SELECT queue, state, count FROM queue_counts WHERE count <> 0 ORDER BY queue, state";
inline constexpr std::string_view kOldestDueQueued =
    "SELECT created_at FROM jobs INDEXED BY jobs_by_queue_state "
    "WHERE queue = ?1 AND state = 0 AND run_at <= ?2 ORDER BY seq LIMIT 1";
inline constexpr std::string_view kFinishedInWindow =
    "SELECT queue, sum(count) FROM finished_counts WHERE second BETWEEN ?1 AND ?2 GROUP BY queue";

// ---- writes (the writer connection only) ----

inline constexpr std::string_view kBegin = "BEGIN IMMEDIATE";
inline constexpr std::string_view kCommit = "COMMIT";
inline constexpr std::string_view kRollback = "ROLLBACK";

inline constexpr std::string_view kInsertJob =
    "INSERT INTO jobs (id, queue, state, priority, attempt, max_attempts, cancel_requested, "
    "progress_current, progress_total, progress_message, created_at, updated_at, run_at, started_at, "
    "finished_at, expires_at, timeout_us, ttl_us, lease_token, lease_expires_at, attempt_deadline, "
    "error_type, error_title, error_status, error_detail, payload_content_type, payload_size, "
    "result_content_type, result_size, callback_url, version, filename) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, "
    "?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32)";
inline constexpr std::string_view kInsertPayload = "INSERT INTO payloads (seq, bytes) VALUES (?1, ?2)";
inline constexpr std::string_view kInsertResult =
    "INSERT OR REPLACE INTO results (seq, bytes) VALUES (?1, ?2)";

// Every mutable column of a state change (queue, priority, id and the spec never change).
inline constexpr std::string_view kUpdateJob =
    "UPDATE jobs SET state = ?2, attempt = ?3, cancel_requested = ?4, progress_current = ?5, "
    "progress_total = ?6, progress_message = ?7, updated_at = ?8, run_at = ?9, started_at = ?10, "
    "finished_at = ?11, expires_at = ?12, lease_token = ?13, lease_expires_at = ?14, attempt_deadline = ?15, "
    "error_type = ?16, error_title = ?17, error_status = ?18, error_detail = ?19, result_content_type = ?20, "
    "result_size = ?21, version = ?22 WHERE seq = ?1";
// A heartbeat touches only these, so only the lease-expiry index is rewritten.
inline constexpr std::string_view kUpdateHeartbeat =
    "UPDATE jobs SET progress_current = ?2, progress_total = ?3, progress_message = ?4, updated_at = ?5, "
    "lease_expires_at = ?6, version = ?7 WHERE seq = ?1";

inline constexpr std::string_view kLeaseCandidates =
    "SELECT " REPLYD_JOB_COLUMNS " FROM jobs INDEXED BY jobs_lease WHERE queue = ?1 AND state = 0 "
    "AND run_at <= ?2 ORDER BY priority DESC, run_at, seq LIMIT ?3";
inline constexpr std::string_view kNextDue =
    "SELECT run_at FROM jobs INDEXED BY jobs_next_due WHERE queue = ?1 AND state = 0 AND run_at > ?2 "
    "ORDER BY run_at LIMIT 1";
inline constexpr std::string_view kExpiredLeases =
    "SELECT " REPLYD_JOB_COLUMNS " FROM jobs INDEXED BY jobs_lease_expiry WHERE state = 1 "
    "AND lease_expires_at <= ?1 ORDER BY lease_expires_at LIMIT ?2";
inline constexpr std::string_view kRetentionOver =
    "SELECT seq, queue, state FROM jobs INDEXED BY jobs_retention WHERE state >= 2 AND expires_at <= ?1 "
    "ORDER BY expires_at LIMIT ?2";

inline constexpr std::string_view kDeleteJob = "DELETE FROM jobs WHERE seq = ?1";
inline constexpr std::string_view kDeletePayload = "DELETE FROM payloads WHERE seq = ?1";
inline constexpr std::string_view kDeleteResult = "DELETE FROM results WHERE seq = ?1";

inline constexpr std::string_view kFindIdempotencyKey =
    "SELECT body_hash, job_seq, expires_at FROM idempotency_keys WHERE queue = ?1 AND key = ?2";
inline constexpr std::string_view kPutIdempotencyKey =
    "INSERT OR REPLACE INTO idempotency_keys (queue, key, body_hash, job_seq, expires_at) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
inline constexpr std::string_view kPurgeIdempotencyKeys =
    "DELETE FROM idempotency_keys WHERE (queue, key) IN (SELECT queue, key FROM idempotency_keys "
    "INDEXED BY idempotency_keys_expiry WHERE expires_at <= ?1 LIMIT ?2)";

inline constexpr std::string_view kAddQueueCount =
    "INSERT INTO queue_counts (queue, state, count) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (queue, state) DO UPDATE SET count = count + excluded.count";
inline constexpr std::string_view kAddFinishedCount =
    "INSERT INTO finished_counts (queue, second, count) VALUES (?1, ?2, ?3) "
    "ON CONFLICT (queue, second) DO UPDATE SET count = count + excluded.count";
inline constexpr std::string_view kPurgeFinishedCounts = "DELETE FROM finished_counts WHERE second < ?1";

// ping: a real (tiny) write, so that a full or read-only disk makes the store not ready.
inline constexpr std::string_view kProbe =
    "INSERT INTO probe (id, writes) VALUES (1, 1) ON CONFLICT (id) DO UPDATE SET writes = writes + 1";

#undef REPLYD_JOB_COLUMNS
// clang-format on

}  // namespace replyd::store::sqlite::sql
