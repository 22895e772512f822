// What a worker handler knows about its job while it runs, and how it reports back: progress, and
// whether it should stop (the server asked to cancel, the lease was lost or ran out, or the worker
// is shutting down). Shared by the handler's thread and the loop's heartbeat thread.
#pragma once

#include "client/worker_documents.h"
#include "core/clock.h"
#include "core/job.h"

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

namespace replyd::client {

enum class StopReason {
  none,
  cancel_requested,  // a heartbeat answer said cancel_requested: the fail that follows cancels the job
  lease_lost,        // the server answered 409: the job is someone else's now; its outcome is dropped
  lease_expired,     // the lease ran out here before a heartbeat could extend it (attempt deadline,
                     // or the server unreachable for too long)
  shutdown,          // the worker is stopping now (WorkerLoop::stop_now)
};

std::string_view to_string(StopReason reason);

// Thread-safe.
class JobContext {
 public:
  // `on_progress` is called (outside any lock of this object) after each progress() so the heartbeat
  // thread can send it soon; it must outlive the context.
  JobContext(std::string job_id, std::string lease_token, TimePoint lease_expires_at,
             std::function<void()> on_progress);
  JobContext(const JobContext&) = delete;
  JobContext& operator=(const JobContext&) = delete;

  const std::string& job_id() const { return job_id_; }
  const std::string& lease_token() const { return lease_token_; }

  // For the handler. Reports progress; it reaches the server with the next heartbeat, which comes
  // soon (at most a few per second). Only the latest report is sent.
  void progress(std::int64_t current, std::int64_t total, std::string message = {});
  // True once a heartbeat answer said the job was cancelled.
  bool cancel_requested() const;
  // True once the handler should give up (see StopReason); the handler then returns a failure.
  bool stop_requested() const;
  StopReason stop_reason() const;
  // Waits up to `timeout` and returns stop_requested(): at once when a stop comes meanwhile, so a
  // handler that sleeps between steps reacts to a cancel without delay.
  bool wait_for_stop(Duration timeout);
  // The lease's end as the server last stated it.
  TimePoint lease_expires_at() const;
  // Calls `fn` once, from whichever thread requests the stop, as soon as a stop is requested (at once,
  // on this thread, when one already was). Replaces an earlier callback; an empty one removes it.
  // When on_stop returns, the previous callback is not running and will not run, so its captures may
  // then be destroyed. `fn` must not call on_stop.
  void on_stop(std::function<void()> fn);

  // For the worker loop.
  // The progress not yet sent, if any; it counts as sent from now on.
  std::optional<Progress> take_progress();
  // Puts back progress whose heartbeat failed, unless newer progress came meanwhile.
  void restore_progress(Progress progress);
  void set_lease_expires_at(TimePoint t);
  // The first reason is kept; a cancel_requested reason also sets cancel_requested().
  void request_stop(StopReason reason);

 private:
  const std::string job_id_;
  const std::string lease_token_;
  const std::function<void()> on_progress_;

  mutable std::mutex mutex_;
  std::condition_variable stopped_cv_;
  std::optional<Progress> pending_progress_;
  bool cancel_requested_ = false;
  StopReason stop_reason_ = StopReason::none;
  TimePoint lease_expires_at_;

  // Held while a stop callback runs, so that on_stop() can wait for it.
  std::mutex callback_mutex_;
  std::function<void()> on_stop_;
};

}  // namespace replyd::client
