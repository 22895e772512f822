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
#include "engine/progress_board.h"
#include "engine/queue_watch.h"
#include "engine/reply_estimator.h"
#include "store/job_store.h"

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <memory>
#include <mutex>
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

  // not_found. The progress is the latest this node received, even when it is not stored yet.
  boost::asio::awaitable<Result<Job>> get(JobId id);
  // The same with the job's event id (see progress_board.h). not_found.
  boost::asio::awaitable<Result<JobView>> view(JobId id);
  // The job once it is terminal, or as it is when `max_wait` (capped by options) has passed, the
  // service stops, or the caller is cancelled. not_found.
  boost::asio::awaitable<Result<Job>> wait_finished(JobId id, Duration max_wait);
  // The job once its event id is greater than `after_event_id` (any change, progress kept in memory
  // included) or it is terminal, or as it is after `max_wait`. not_found; shutting_down when the
  // caller was cancelled (nobody is left to see the answer).
  boost::asio::awaitable<Result<JobView>> wait_newer(JobId id, std::int64_t after_event_id, Duration max_wait);

  // How a wait_for_change ended: the condition holds (or the service is stopping), `max_wait` passed,
  // or the caller was cancelled (the client left; it must return without awaiting anything else).
  enum class WaitEnd { ready, timed_out, cancelled };
  // Waits until the job is terminal or, unless `terminal_only`, its event id is greater than
  // `after_event_id`. It holds no copy of the job while it waits, so that thousands of parked
  // long-polls and streams cost little memory: the caller reads the job afterwards. not_found.
  boost::asio::awaitable<Result<WaitEnd>> wait_for_change(JobId id, std::int64_t after_event_id, bool terminal_only,
                                                          Duration max_wait);

  // Starts gathering the changes of `queue` (empty: every queue) for an event stream whose coroutine
  // runs on `strand`. invalid_argument for a malformed queue name.
  Result<std::unique_ptr<QueueWatch>> watch_queue(const std::string& queue, boost::asio::any_io_executor strand);
  // What `watch` gathered, once there is something, or after `max_wait` (capped), at shutdown or on
  // cancellation (then possibly nothing). Call from the watch's strand, one call at a time.
  boost::asio::awaitable<QueueChanges> next_changes(QueueWatch& watch, Duration max_wait);

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
  // not_found, lease_lost. A heartbeat with progress may be answered from memory (ProgressBoard) when
  // the job's last write is recent: the progress is published to the notifier at once and stored
  // within options().progress_persist_interval (by a later heartbeat, a flush timer on the caller's
  // executor, or before complete / fail), so a job costs at most about one progress write per interval.
  boost::asio::awaitable<Result<Job>> heartbeat(JobId id, std::string lease_token, std::optional<Progress> progress);
  boost::asio::awaitable<Result<Job>> complete(JobId id, std::string lease_token, Blob result);
  // Completes several leased jobs at once (the batch form): the items share the store's group commits.
  // One Result per item, in order, each not_found or lease_lost on its own; `now` is set here. The
  // caller bounds the batch size; an empty batch answers an empty vector.
  boost::asio::awaitable<std::vector<Result<Job>>> complete_batch(std::vector<store::CompleteRequest> items);
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

  boost::asio::awaitable<Result<bool>> change_is_ready(JobId id, std::int64_t after_event_id, bool terminal_only);
  boost::asio::awaitable<Result<Job>> store_heartbeat(store::HeartbeatRequest request);
  boost::asio::awaitable<void> flush_progress_at(JobId id, std::string lease_token, TimePoint due);
  boost::asio::awaitable<void> store_progress(JobId id, std::string lease_token, ProgressBoard::Pending pending);
  void on_changes(const std::vector<store::JobChange>& changes);
  void count_finished(const Job& job);
  Duration capped_wait(Duration wait) const;

  store::JobStore& store_;
  Notifier& notifier_;
  const Clock& clock_;
  EngineOptions options_;
  LeaseWaitList lease_waiters_;
  ReplyEstimator estimator_;
  ProgressBoard progress_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<ActiveWaits> active_waits_;
  // What the store's change listener calls through: null once this service is destroyed.
  struct ListenerLink {
    std::mutex mutex;
    JobService* service = nullptr;
  };
  std::shared_ptr<ListenerLink> listener_link_;
  std::atomic<bool> stopping_{false};
};

}  // namespace replyd::engine
