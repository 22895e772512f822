// JobStore: where jobs live. One interface, two implementations (sqlite/, postgres/), one contract
// test suite (contract/) that both pass.
//
// Every operation is asynchronous: it returns at once and later calls its callback exactly once, on a
// thread of the store's own (never on the caller's stack, never on an I/O thread of the server), with
// the operation's own `Result`. A callback must not block; it typically posts to an executor. Writes
// are grouped: many operations share one transaction and one durable commit, and a write's callback
// runs only after that commit (so a submit is acknowledged only once its job is durable).
//
// The store has no clock: callers pass `now`. State changes apply the pure rules of core/lifecycle.h
// inside the write transaction, so they are atomic per job.
//
// Errors every operation may return: Errc::unavailable (cannot reach or write the database: disk full,
// I/O error, connection lost), Errc::overloaded (the write queue is full; nothing was done),
// Errc::shutting_down (after close()), Errc::internal (unexpected database error).
//
// Thread-safety: all member functions may be called from any thread concurrently.
#pragma once

#include "core/job.h"
#include "core/result.h"
#include "core/retry_policy.h"
#include "core/unique_function.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace replyd::store {

template <class T>
using Callback = UniqueFunction<void(Result<T>)>;

// ---- submit ----

struct IdempotencyKey {
  std::string key;         // scoped per queue (and per client once authentication exists)
  std::string body_hash;   // a digest of the request that the key must always come with
  TimePoint expires_at{};  // the key is forgotten after this
};

struct NewJob {
  JobSpec spec;
  Blob payload;
  std::optional<IdempotencyKey> idempotency;
};

struct InsertOutcome {
  Job job;
  bool replayed = false;  // an earlier job with the same idempotency key and hash was returned
};

// ---- worker protocol ----

struct LeaseRequest {
  std::string queue;
  int max_jobs = 1;
  TimePoint now{};
  Duration lease_ttl{};
};

struct LeaseGrant {
  Job job;  // running, with its new lease_token
  Blob payload;
};

struct LeaseBatch {
  std::vector<LeaseGrant> grants;  // highest priority first, then oldest run_at, then oldest job
  // The earliest run_at among the queue's queued jobs that were not yet due (delayed or backing off),
  // so a waiting worker knows when to ask again without being woken.
  std::optional<TimePoint> next_due;
};

struct HeartbeatRequest {
  JobId id;
  std::string lease_token;
  TimePoint now{};
  Duration lease_ttl{};
  std::optional<Progress> progress;
};

struct CompleteRequest {
  JobId id;
  std::string lease_token;
  TimePoint now{};
  Blob result;
};

struct FailRequest {
  JobId id;
  std::string lease_token;
  TimePoint now{};
  Problem error;
  bool retryable = true;
  RetryPolicy retry;
  double jitter = 0;  // uniform in [0, 1)
};

// ---- reads ----

struct ListQuery {
  std::optional<std::string> queue;
  std::optional<JobState> state;
  int limit = 50;
  std::optional<std::int64_t> before_seq;  // cursor: only jobs with seq < before_seq (newest first)
};

struct JobPage {
  std::vector<Job> jobs;                    // newest first
  std::optional<std::int64_t> next_cursor;  // before_seq for the next page; absent on the last page
};

struct QueueStats {
  std::string queue;
  std::array<std::int64_t, kJobStateCount> counts{};  // indexed by JobState
  std::optional<TimePoint> oldest_queued_created_at;  // among due queued jobs
  std::int64_t finished_last_minute = 0;              // jobs that reached a terminal state in [now-60s, now]
};

// ---- background duties ----

struct ExpireRequest {
  TimePoint now{};
  int limit = 500;
  RetryPolicy retry;
  std::uint64_t jitter_seed = 0;  // jitter per job = unit_from_seed(seed, job seq)
};

struct PurgeRequest {
  TimePoint now{};
  int limit = 500;
};

// ---- webhook deliveries ----

// The one delivery of a finished job's event to its callback URL. It is created in the transaction
// that makes the job terminal (when the job has a callback_url), so no event is lost if the process
// dies right after; it is deleted with the job by retention.
struct WebhookDelivery {
  JobId job_id;
  std::string queue;
  JobState job_state = JobState::succeeded;  // the terminal state the event announces
  TimePoint created_at{};                    // the job's finished_at: the event time, start of the retry window
  CallbackStatus status;                     // url, state, attempts, last error, next attempt, delivered_at
  std::string claim_token;                   // set while delivering
  std::optional<TimePoint> claim_expires_at;
};

// Claims up to `limit` deliveries that are due at `now`: pending with next_attempt_at <= now, or
// delivering with a claim that expired (its node died or stalled). Each becomes delivering with
// `claim_token` until now + claim_ttl; with several nodes, a delivery is claimed by one at a time.
struct ClaimDeliveriesRequest {
  TimePoint now{};
  int limit = 32;
  Duration claim_ttl{};
  std::string claim_token;
};

// The outcome of one attempt. Applied only while the delivery is still claimed with `claim_token`
// (else it is skipped: another node took over after the claim expired). `attempts` is incremented.
struct DeliveryReport {
  JobId job_id;
  std::string claim_token;
  DeliveryState state = DeliveryState::pending;  // pending (retry at next_attempt_at) or a final state
  std::string error;                             // empty on success (the last error is kept)
  std::optional<TimePoint> next_attempt_at;      // when pending
  TimePoint now{};
};

// One committed change, as told to the change listener.
struct JobChange {
  JobId id;
  std::string queue;
  JobState state = JobState::queued;
  std::int64_t version = 0;
  bool created = false;  // the job was inserted by this change
  bool progress = false;  // a heartbeat (progress, lease extension): the state did not change
};

struct CancelOutcome {
  Job job;
  bool requested_only = false;  // running: a cancel was requested, the job is still running
};

class JobStore {
 public:
  virtual ~JobStore() = default;

  // Creates a queued job (lifecycle::create with a fresh random id) and stores its payload. With an
  // idempotency key that is known and unexpired: same body_hash -> the stored job, replayed = true;
  // other body_hash -> Errc::idempotency_mismatch. The callback runs after the durable commit.
  virtual void insert(NewJob job, TimePoint now, Callback<InsertOutcome> done) = 0;

  // The job, or Errc::not_found.
  virtual void get(JobId id, Callback<Job> done) = 0;

  // The payload or result bytes. Errc::not_found for an unknown job; result: Errc::not_ready unless
  // the job has succeeded.
  virtual void get_payload(JobId id, Callback<Blob> done) = 0;
  virtual void get_result(JobId id, Callback<Blob> done) = 0;

  virtual void list(ListQuery query, Callback<JobPage> done) = 0;

  // One entry per queue that has any job, sorted by name.
  virtual void queue_stats(TimePoint now, Callback<std::vector<QueueStats>> done) = 0;

  // Leases up to max_jobs due jobs of the queue (lifecycle::start_attempt with a fresh token each).
  // An empty batch is not an error.
  virtual void lease(LeaseRequest request, Callback<LeaseBatch> done) = 0;

  // lifecycle::heartbeat; the callback gets the updated job (cancel_requested, lease_expires_at).
  // Errc::not_found, Errc::lease_lost.
  virtual void heartbeat(HeartbeatRequest request, Callback<Job> done) = 0;

  // lifecycle::complete, storing the result bytes. Errc::not_found, Errc::lease_lost.
  virtual void complete(CompleteRequest request, Callback<Job> done) = 0;

  // lifecycle::fail. Errc::not_found, Errc::lease_lost.
  virtual void fail(FailRequest request, Callback<Job> done) = 0;

  // lifecycle::cancel. Errc::not_found, Errc::invalid_state.
  virtual void cancel(JobId id, TimePoint now, Callback<CancelOutcome> done) = 0;

  // lifecycle::expire_lease on up to `limit` jobs whose lease ran out; returns the changed jobs.
  virtual void expire_leases(ExpireRequest request, Callback<std::vector<Job>> done) = 0;

  // Deletes up to `limit` finished jobs past expires_at (with payload and result), and expired
  // idempotency keys; returns the number of jobs deleted.
  virtual void purge_expired(PurgeRequest request, Callback<std::int64_t> done) = 0;

  // Claims due webhook deliveries (see ClaimDeliveriesRequest); an empty list is not an error.
  virtual void claim_deliveries(ClaimDeliveriesRequest request, Callback<std::vector<WebhookDelivery>> done) = 0;

  // Records attempt outcomes, all in one transaction; returns how many were applied (reports whose
  // claim was lost are skipped).
  virtual void report_deliveries(std::vector<DeliveryReport> reports, Callback<std::int64_t> done) = 0;

  // The job's delivery, or nullopt when it has none (no callback, or not finished yet).
  virtual void get_delivery(JobId id, Callback<std::optional<WebhookDelivery>> done) = 0;

  // Ok when the store can read and write now (for /readyz).
  virtual void ping(Callback<void> done) = 0;

  // Called after every commit with the changes it made, in commit order, on a store thread; also for
  // changes made by other nodes sharing the database, when the store learns of them. Set it before the
  // first operation. Replacing it (an empty function clears it) waits for a call in progress: once this
  // returns, the old listener is never called again, so its owner may be destroyed. The listener must
  // not block, nor set the listener.
  virtual void set_change_listener(UniqueFunction<void(const std::vector<JobChange>&)> listener) = 0;

  // Finishes every operation already accepted, then stops the store's threads and closes the database.
  // Operations after close() fail with Errc::shutting_down. Blocking; call from a non-I/O thread.
  virtual void close() = 0;
};

}  // namespace replyd::store
