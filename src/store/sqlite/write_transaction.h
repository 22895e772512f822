// One group-commit transaction on the writer connection, and the data access that write operations
// use inside it. Owned and used by the writer thread only.
//
// Every method that touches the database returns the database error as a Result *and* marks the
// transaction failed (failed()/failure()): an operation simply returns the error it got, and the writer
// then knows the batch must roll back. Logical outcomes (a missing job, a lost lease) are decided by the
// operations before they write anything, so they never fail the transaction.
#pragma once

#include "core/job.h"
#include "core/result.h"
#include "store/job_store.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/counter_deltas.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace replyd::store::sqlite {

class WriteTransaction {
 public:
  // Prepares every write statement on `db`, which must outlive this object.
  explicit WriteTransaction(Connection& db);

  // ---- batch control (the writer) ----
  // BEGIN IMMEDIATE; forgets the changes and counter deltas of an earlier attempt.
  Result<void> begin();
  // Writes the counter deltas, then COMMIT (the durable fsync with synchronous=FULL).
  Result<void> commit();
  // Rolls back if a transaction is still open (SQLite may already have rolled back after an I/O error).
  void rollback();
  bool failed() const { return failure_.has_value(); }
  const Error& failure() const { return *failure_; }
  // The changes made so far in this transaction, for the change listener once committed.
  const std::vector<JobChange>& changes() const { return changes_; }

  // ---- jobs ----
  // The job with this id, or nullopt.
  Result<std::optional<Job>> find(const JobId& id);
  Result<std::optional<Job>> find(std::int64_t seq);
  // Inserts a new job with its payload; returns the job with its seq.
  Result<Job> insert(Job job, std::string_view payload);
  // Writes back every mutable column of `job`, which was in `old_state` when loaded, and accounts for
  // the state change (counts, finished counts, change listener).
  Result<void> save(const Job& job, JobState old_state);
  // Writes back only the heartbeat columns (lease expiry, progress, updated_at, version).
  Result<void> save_heartbeat(const Job& job);
  Result<void> put_result(std::int64_t seq, std::string_view bytes);
  Result<std::string> payload(std::int64_t seq);

  // ---- the background and lease queries ----
  // Due queued jobs of `queue` in lease order: priority DESC, run_at, seq.
  Result<std::vector<Job>> lease_candidates(std::string_view queue, TimePoint now, int limit);
  // The earliest run_at after `now` among the queue's queued jobs.
  Result<std::optional<TimePoint>> next_due(std::string_view queue, TimePoint now);
  // Running jobs whose lease ran out at `now`, the oldest expiry first.
  Result<std::vector<Job>> expired_leases(TimePoint now, int limit);
  // Deletes up to `limit` finished jobs past expires_at, with their payload and result; returns how many.
  Result<std::int64_t> purge_jobs(TimePoint now, int limit);
  Result<std::int64_t> purge_idempotency_keys(TimePoint now, int limit);
  // Forgets finished counts older than `before` (they only serve the last minute's throughput).
  Result<void> purge_finished_counts(TimePoint before);

  // ---- idempotency keys ----
  struct StoredKey {
    std::string body_hash;
    std::int64_t job_seq = 0;
    TimePoint expires_at{};
  };
  Result<std::optional<StoredKey>> find_key(std::string_view queue, std::string_view key);
  Result<void> put_key(std::string_view queue, const IdempotencyKey& key, std::int64_t job_seq);

  // ---- webhook deliveries (write_transaction_deliveries.cpp) ----
  // Due deliveries for a claim, claimed with the request's token and expiry.
  Result<std::vector<WebhookDelivery>> claim_deliveries(const ClaimDeliveriesRequest& request);
  // Applies one report; false when the delivery is no longer claimed with the report's token.
  Result<bool> report_delivery(const DeliveryReport& report);

  // A trivial write (ping).
  Result<void> probe();

 private:
  // Records a database error as the transaction's failure and returns it.
  Error fail(int rc, std::string_view context);
  // Runs a statement that returns no rows.
  Result<void> run(Statement& s, std::string_view context);
  Result<std::vector<Job>> select_jobs(Statement& s, std::string_view context);
  Result<std::optional<Job>> select_one(Statement& s, std::string_view context);
  Result<void> write_counters();
  void account(const Job& job, JobState old_state, bool created);
  // Creates the job's webhook delivery when it just became terminal and has a callback URL.
  Result<void> create_delivery(const Job& job, JobState old_state);

  Connection& db_;
  std::optional<Error> failure_;
  std::vector<JobChange> changes_;
  CounterDeltas deltas_;

  Statement begin_, commit_, rollback_;
  Statement job_by_id_, job_by_seq_, insert_job_, insert_payload_, insert_result_, payload_by_seq_;
  Statement update_job_, update_heartbeat_;
  Statement lease_candidates_, next_due_, expired_leases_, retention_over_;
  Statement delete_job_, delete_payload_, delete_result_;
  Statement find_key_, put_key_, purge_keys_;
  Statement add_queue_count_, add_finished_count_, purge_finished_counts_, probe_;
  Statement insert_delivery_, due_deliveries_, claim_delivery_, report_delivery_, delete_delivery_;
};

}  // namespace replyd::store::sqlite
