// The SQL of the PostgreSQL store, as named prepared statements (each connection prepares the set it
// uses once, at connect). Rows of `jobs` are always read with the column list of kJobColumns, in its
// order (pg_job_row.h decodes it); parameters $1..$32 of an insert are those columns without seq.
#pragma once

#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_delivery_sql.h"

#include <array>

namespace replyd::store::postgres::sql {

// Adjacent string literals are the only way to splice one column list into many constants.
#define REPLYD_PG_JOB_COLUMNS                                                                               \
  "seq, id, queue, state, priority, attempt, max_attempts, cancel_requested, progress_current, "            \
  "progress_total, progress_message, created_at, updated_at, run_at, started_at, finished_at, expires_at, " \
  "timeout_us, ttl_us, lease_token, lease_expires_at, attempt_deadline, error_type, error_title, "          \
  "error_status, error_detail, payload_content_type, payload_size, result_content_type, result_size, "      \
  "callback_url, version, filename"
#define REPLYD_PG_INSERT_COLUMNS                                                                            \
  "id, queue, state, priority, attempt, max_attempts, cancel_requested, progress_current, progress_total, " \
  "progress_message, created_at, updated_at, run_at, started_at, finished_at, expires_at, timeout_us, "     \
  "ttl_us, lease_token, lease_expires_at, attempt_deadline, error_type, error_title, error_status, "        \
  "error_detail, payload_content_type, payload_size, result_content_type, result_size, callback_url, "      \
  "version, filename"
#define REPLYD_PG_INSERT_VALUES                                                                           \
  "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, " \
  "$23, "                                                                                                 \
  "$24, $25, $26, $27, $28, $29, $30, $31, $32"

inline constexpr int kJobColumnCount = 33;
inline constexpr std::string_view kChannel = "replyd_changes";

// ---- transactions ----

inline constexpr Statement kBegin{"begin", "BEGIN"};
inline constexpr Statement kCommit{"commit", "COMMIT"};
inline constexpr Statement kRollback{"rollback", "ROLLBACK"};

// ---- reads (reader connections) ----

inline constexpr Statement kJobById{"job_by_id", "SELECT " REPLYD_PG_JOB_COLUMNS " FROM jobs WHERE id = $1"};
// Binary results: content type, bytes (NULL if the row is missing).
inline constexpr Statement kPayloadById{
    "payload_by_id",
    "SELECT j.payload_content_type, p.bytes FROM jobs j LEFT JOIN job_payloads p ON p.job_id = j.id "
    "WHERE j.id = $1"};
// Binary results: state (int2), content type, bytes.
inline constexpr Statement kResultById{
    "result_by_id",
    "SELECT j.state, j.result_content_type, r.bytes FROM jobs j LEFT JOIN job_results r ON r.job_id = j.id "
    "WHERE j.id = $1"};

// Lists, newest first, one statement per filter so that each uses its index. $1 = before_seq,
// $2 = limit, then queue and/or state.
inline constexpr Statement kListAll{
    "list_all", "SELECT " REPLYD_PG_JOB_COLUMNS " FROM jobs WHERE seq < $1 ORDER BY seq DESC LIMIT $2"};
inline constexpr Statement kListByQueue{"list_by_queue", "SELECT " REPLYD_PG_JOB_COLUMNS
                                                         " FROM jobs WHERE queue = $3 AND seq < $1 "
                                                         "ORDER BY seq DESC LIMIT $2"};
inline constexpr Statement kListByState{"list_by_state", "SELECT " REPLYD_PG_JOB_COLUMNS
                                                         " FROM jobs WHERE state = $3 AND seq < $1 "
                                                         "ORDER BY seq DESC LIMIT $2"};
inline constexpr Statement kListByQueueAndState{"list_by_queue_state",
                                                "SELECT " REPLYD_PG_JOB_COLUMNS
                                                " FROM jobs WHERE queue = $3 AND state = $4 AND seq < $1 "
                                                "ORDER BY seq DESC LIMIT $2"};

// Queue statistics: counts summed over shards; per queue with queued jobs, the created_at of its
// first-inserted due queued job ($1 = now); jobs finished per queue in the seconds [$1, $2].
inline constexpr Statement kQueueCounts{
    "queue_counts",
    "SELECT queue, state, sum(n)::bigint FROM queue_counts GROUP BY queue, state HAVING sum(n) <> 0 "
    "ORDER BY queue, state"};
inline constexpr Statement kOldestDueQueued{
    "oldest_due_queued",
    "SELECT q.queue, (SELECT j.created_at FROM jobs j WHERE j.queue = q.queue AND j.state = 0 "
    "AND j.run_at <= $1 ORDER BY j.seq LIMIT 1) FROM (SELECT DISTINCT queue FROM queue_counts "
    "WHERE state = 0 AND n <> 0) q"};
inline constexpr Statement kFinishedInWindow{
    "finished_in_window",
    "SELECT queue, sum(n)::bigint FROM finished_counts WHERE second BETWEEN $1 AND $2 GROUP BY queue"};

inline constexpr Statement kPing{"ping", "SELECT 1"};

// ---- writes (the writer connection, inside its transaction) ----

// $1..$32 the job, $33 the payload bytes (binary). Returns seq.
inline constexpr Statement kInsertJob{
    "insert_job",
    "WITH job AS (INSERT INTO jobs (" REPLYD_PG_INSERT_COLUMNS ") VALUES (" REPLYD_PG_INSERT_VALUES
    ") RETURNING seq), payload AS (INSERT INTO job_payloads (job_id, bytes) VALUES ($1, $33)) "
    "SELECT seq FROM job"};
// Like kInsertJob, but only if this job can claim the idempotency key $34 with body hash $35 until $36:
// the key is new, or its holder expired before $37 (now). Returns seq, or no row when a live key
// exists. A concurrent claim of the same key waits for the other transaction (unique index), so two
// nodes never both win.
inline constexpr Statement kInsertJobWithKey{
    "insert_job_with_key",
    "WITH claim AS (INSERT INTO idempotency_keys AS k (queue, key, body_hash, job_id, expires_at) "
    "VALUES ($2, $34, $35, $1, $36) ON CONFLICT (queue, key) DO UPDATE SET body_hash = EXCLUDED.body_hash, "
    "job_id = EXCLUDED.job_id, expires_at = EXCLUDED.expires_at WHERE k.expires_at <= $37 RETURNING job_id), "
    "job AS (INSERT INTO jobs (" REPLYD_PG_INSERT_COLUMNS ") SELECT " REPLYD_PG_INSERT_VALUES
    " WHERE EXISTS (SELECT 1 FROM claim) RETURNING seq), "
    "payload AS (INSERT INTO job_payloads (job_id, bytes) SELECT $1, $33 WHERE EXISTS (SELECT 1 FROM claim)) "
    "SELECT seq FROM job"};
// After kInsertJobWithKey (a later statement sees what it and concurrent commits wrote): the key's
// body hash, then the job that holds it.
inline constexpr Statement kKeyHolder{
    "key_holder",
    "SELECT body_hash, " REPLYD_PG_JOB_COLUMNS
    " FROM jobs, (SELECT body_hash, job_id FROM idempotency_keys WHERE queue = $1 AND key = $2) k "
    "WHERE jobs.id = k.job_id"};

// $1 = '{uuid,...}'. Locks in id order, so that two writers locking overlapping sets cannot deadlock.
inline constexpr Statement kLockJobs{"lock_jobs",
                                     "SELECT " REPLYD_PG_JOB_COLUMNS
                                     " FROM jobs WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE"};
inline constexpr Statement kLeaseCandidates{
    "lease_candidates", "SELECT " REPLYD_PG_JOB_COLUMNS
                        " FROM jobs WHERE queue = $1 AND state = 0 AND run_at <= $2 "
                        "ORDER BY priority DESC, run_at, seq LIMIT $3 FOR UPDATE SKIP LOCKED"};
inline constexpr Statement kNextDue{"next_due",
                                    "SELECT run_at FROM jobs WHERE queue = $1 AND state = 0 AND run_at > $2 "
                                    "ORDER BY run_at LIMIT 1"};
inline constexpr Statement kExpiredLeases{"expired_leases",
                                          "SELECT " REPLYD_PG_JOB_COLUMNS
                                          " FROM jobs WHERE state = 1 AND lease_expires_at <= $1 "
                                          "ORDER BY lease_expires_at LIMIT $2 FOR UPDATE SKIP LOCKED"};
// Binary results: job id (16 bytes), payload bytes.
inline constexpr Statement kPayloads{"payloads",
                                     "SELECT job_id, bytes FROM job_payloads WHERE job_id = ANY($1::uuid[])"};

// Every mutable column of a state change ($1 = id).
inline constexpr Statement kUpdateJob{
    "update_job",
    "UPDATE jobs SET state = $2, attempt = $3, cancel_requested = $4, progress_current = $5, "
    "progress_total = $6, progress_message = $7, updated_at = $8, run_at = $9, started_at = $10, "
    "finished_at = $11, expires_at = $12, lease_token = $13, lease_expires_at = $14, attempt_deadline = $15, "
    "error_type = $16, error_title = $17, error_status = $18, error_detail = $19, result_content_type = $20, "
    "result_size = $21, version = $22 WHERE id = $1"};
inline constexpr Statement kStoreResult{"store_result",
                                        "INSERT INTO job_results (job_id, bytes) VALUES ($1, $2) "
                                        "ON CONFLICT (job_id) DO UPDATE SET bytes = EXCLUDED.bytes"};

// Deletes up to $2 finished jobs past retention at $1, with their bytes and keys; returns queue, state
// of each. SKIP LOCKED: nodes purging at once each take different jobs.
inline constexpr Statement kPurgeJobs{
    "purge_jobs",
    "WITH doomed AS (SELECT id FROM jobs WHERE state >= 2 AND expires_at <= $1 ORDER BY expires_at "
    "LIMIT $2 FOR UPDATE SKIP LOCKED), "
    "p AS (DELETE FROM job_payloads WHERE job_id IN (SELECT id FROM doomed)), "
    "r AS (DELETE FROM job_results WHERE job_id IN (SELECT id FROM doomed)), "
    "k AS (DELETE FROM idempotency_keys WHERE job_id IN (SELECT id FROM doomed)), "
    "w AS (DELETE FROM webhook_deliveries WHERE job_id IN (SELECT id FROM doomed)) "
    "DELETE FROM jobs WHERE id IN (SELECT id FROM doomed) RETURNING queue, state"};
inline constexpr Statement kPurgeKeys{
    "purge_keys",
    "DELETE FROM idempotency_keys WHERE (queue, key) IN (SELECT queue, key FROM idempotency_keys "
    "WHERE expires_at <= $1 LIMIT $2 FOR UPDATE SKIP LOCKED)"};
inline constexpr Statement kPurgeFinishedCounts{"purge_finished_counts",
                                                "DELETE FROM finished_counts WHERE second < $1"};

// $1 queue, $2 state (or second), $3 shard, $4 delta.
inline constexpr Statement kAddQueueCount{
    "add_queue_count",
    "INSERT INTO queue_counts (queue, state, shard, n) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (queue, state, shard) DO UPDATE SET n = queue_counts.n + EXCLUDED.n"};
inline constexpr Statement kAddFinishedCount{
    "add_finished_count",
    "INSERT INTO finished_counts (queue, second, shard, n) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (queue, second, shard) DO UPDATE SET n = finished_counts.n + EXCLUDED.n"};

// Delivered to every LISTENing connection when (and only if) the transaction commits.
inline constexpr Statement kNotify{"notify", "SELECT pg_notify('replyd_changes', $1)"};

#undef REPLYD_PG_JOB_COLUMNS
#undef REPLYD_PG_INSERT_COLUMNS
#undef REPLYD_PG_INSERT_VALUES

inline constexpr std::array kReaderStatements{
    kJobById,     kPayloadById,         kResultById,  kListAll,         kListByQueue,
    kListByState, kListByQueueAndState, kQueueCounts, kOldestDueQueued, kFinishedInWindow,
    kPing,        kClaimDeliveries,     kReportDelivery, kDeliveryByJob};
inline constexpr std::array kWriterStatements{kBegin,
                                              kCommit,
                                              kRollback,
                                              kPing,
                                              kJobById,
                                              kInsertJob,
                                              kInsertJobWithKey,
                                              kKeyHolder,
                                              kLockJobs,
                                              kLeaseCandidates,
                                              kNextDue,
                                              kExpiredLeases,
                                              kPayloads,
                                              kUpdateJob,
                                              kStoreResult,
                                              kPurgeJobs,
                                              kPurgeKeys,
                                              kPurgeFinishedCounts,
                                              kAddQueueCount,
                                              kAddFinishedCount,
                                              kNotify,
                                              kInsertDelivery};

}  // namespace replyd::store::postgres::sql
