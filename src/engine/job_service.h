// The job service: every use case of the HTTP API as one awaitable call (submit, get, wait, result,
// cancel, list, queue stats, lease, heartbeat, complete, fail). It validates what the store cannot
// (queue names, option ranges), applies the engine's policies (lease TTL, retry backoff, retention,
// idempotency expiry), publishes committed changes to the notifier, and holds long-polls.
//
// Errors are values (`Result`); the Errc values each call may return are listed per call, besides
// Errc::unavailable / overloaded / shutting_down / internal from the store (see store/job_store.h).
//
// Thread-safety: every member may be called concurrently from coroutines on any strand; each call
// resumes its caller on the caller's own executor.
#pragma once

#include "core/clock.h"
#include "core/job.h"
#include "core/metrics.h"
#include "core/result.h"
#include "engine/engine_options.h"
#include "engine/lease_waitlist.h"
#include "engine/notifier.h"
#include "engine/reply_estimator.h"
#include "store/job_store.h"

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <optional>
#include <string>

namespace replyd::engine {

struct SubmitRequest {
  JobSpec spec;  // queue and options; max_attempts <= 0 and ttl of zero mean "the default"
  Blob payload;
  std::optional<std::string> idempotency_key;
};

struct SubmitOutcome {
  Job job;
  bool replayed = false;  // an earlier submit with the same Idempotency-Key and request
  std::optional<TimePoint> idempotency_expires_at;
};

class JobService {
 public:
  // Installs the change listener on `store`. `store`, `notifier`, `clock` and `metrics` must outlive
  // the service.
  JobService(store::JobStore& store, Notifier& notifier, const Clock& clock, EngineOptions options,
             metrics::Registry& metrics);
  ~JobService();

  // Stores a new queued job durably. invalid_argument (queue name, option ranges),
  // idempotency_mismatch (same key, another request), payload_too_large is the HTTP layer's.
  boost::asio::awaitable<Result<SubmitOutcome>> submit(SubmitRequest request);

  // not_found.
  boost::asio::awaitable<Result<Job>> get(JobId id);
  // The job once it is terminal, or as it is when `max_wait` (capped by options) has passed, the
  // service stops, or the caller is cancelled. not_found.
  boost::asio::awaitable<Result<Job>> wait_finished(JobId id, Duration max_wait);
  // The job once its version is greater than `after_version` (any change, progress included), or as it
  // is after `max_wait`. For event streams. not_found.
  boost::asio::awaitable<Result<Job>> wait_newer(JobId id, std::int64_t after_version, Duration max_wait);

  // not_found; not_ready (result) until the job has succeeded.
  boost::asio::awaitable<Result<Blob>> result(JobId id);
  boost::asio::awaitable<Result<Blob>> payload(JobId id);

  // not_found; invalid_state for a succeeded or failed job.
  boost::asio::awaitable<Result<store::CancelOutcome>> cancel(JobId id);

  boost::asio::awaitable<Result<store::JobPage>> list(store::ListQuery query);
  boost::asio::awaitable<Result<std::vector<store::QueueStats>>> queues();

  // Leases up to `max_jobs` jobs, waiting up to `wait` (capped) for one to become available. An empty
  // batch after the wait is not an error. invalid_argument (queue name, max_jobs).
  boost::asio::awaitable<Result<store::LeaseBatch>> lease(std::string queue, int max_jobs, Duration wait);
  // not_found, lease_lost.
  boost::asio::awaitable<Result<Job>> heartbeat(JobId id, std::string lease_token, std::optional<Progress> progress);
  boost::asio::awaitable<Result<Job>> complete(JobId id, std::string lease_token, Blob result);
  boost::asio::awaitable<Result<Job>> fail(JobId id, std::string lease_token, std::string error, bool retryable);

  // Ok when the store answers (for /readyz).
  boost::asio::awaitable<Result<void>> ready();

  // The integer Retry-After for a job's status at this moment.
  int retry_after_seconds(const Job& job) const;

  // Ends every wait (long-polls, streams, lease waits) with the current state; later waits return at
  // once. Thread-safe; called when the server begins to stop.
  void shutdown();
  bool stopping() const { return stopping_.load(); }

  const EngineOptions& options() const { return options_; }
  const Clock& clock() const { return clock_; }
  store::JobStore& store() { return store_; }
  Notifier& notifier() { return notifier_; }

 private:
  struct Metrics;
  class ActiveWaits;

  boost::asio::awaitable<Result<Job>> wait_until(JobId id, Duration max_wait, std::int64_t after_version,
                                                 bool terminal_only);
  void on_changes(const std::vector<store::JobChange>& changes);
  void count_finished(const Job& job);
  Duration capped_wait(Duration wait) const;

  store::JobStore& store_;
  Notifier& notifier_;
  const Clock& clock_;
  EngineOptions options_;
  LeaseWaitList lease_waiters_;
  ReplyEstimator estimator_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<ActiveWaits> active_waits_;
  std::atomic<bool> stopping_{false};
};

}  // namespace replyd::engine
