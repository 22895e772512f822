// The heartbeat thread of a worker loop: keeps the leases of every job the loop runs, whatever its
// handlers do (a handler may block for minutes), sends their progress, and tells each job's context
// when the server asks to cancel it, when its lease is lost (409) and when its lease ran out here.
// It owns one Client of its own.
#pragma once

#include "client/client.h"
#include "client/heartbeat_schedule.h"
#include "client/job_context.h"
#include "core/clock.h"

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace replyd::client {

class Heartbeater {
 public:
  // Starts the thread. Throws std::invalid_argument for a malformed URL.
  Heartbeater(std::string_view server_url, ClientOptions client_options, const Clock& clock,
              Duration min_spacing = HeartbeatSchedule::kDefaultMinSpacing);
  // Stops and joins the thread. Every context it returned must be gone or no longer used by then.
  ~Heartbeater();
  Heartbeater(const Heartbeater&) = delete;
  Heartbeater& operator=(const Heartbeater&) = delete;

  // Starts keeping the lease of `job` and returns its context. Thread-safe.
  std::shared_ptr<JobContext> track(const LeasedJob& job);
  // Stops heartbeating the job (before it is acknowledged); the answer of a heartbeat still in flight
  // is ignored. Thread-safe.
  void untrack(const std::string& job_id);
  // Requests a stop with `reason` on every tracked job. Thread-safe.
  void stop_all(StopReason reason);

 private:
  struct Entry {
    std::shared_ptr<JobContext> context;
    HeartbeatSchedule schedule;
    bool done = false;  // lease lost or expired: nothing more to send
  };

  void progress_reported(const std::string& job_id);
  void run();
  // Sends one heartbeat for `job_id` with the lock released; returns with it held again.
  void beat(std::unique_lock<std::mutex>& lock, const std::string& job_id);

  const Clock& clock_;
  const Duration min_spacing_;
  Client client_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::map<std::string, Entry> entries_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace replyd::client
