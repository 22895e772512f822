// A worker: leases jobs of one queue and runs a handler for each, on `concurrency` threads that each
// own a Client. It long-polls for leases, backs off (exponentially, with jitter, capped) while the
// server cannot be reached, keeps every lease alive from a separate heartbeat thread (so a handler may
// block), and acknowledges each outcome: complete, or fail (retryable or not). A lost lease (409)
// drops the outcome quietly (logged): the job is someone else's now.
//
//   client::WorkerLoop loop("http://127.0.0.1:8080", {.queue = "email", .concurrency = 4},
//                           [](const client::LeasedJob& job, client::JobContext& ctx) {
//                             ctx.progress(1, 2, "sending");
//                             return client::HandlerOutcome::success({"text/plain", "sent"});
//                           });
//   loop.run();  // until another thread calls loop.stop()
#pragma once

#include "client/client_options.h"
#include "client/heartbeat_schedule.h"
#include "client/job_context.h"
#include "client/worker_documents.h"
#include "core/clock.h"
#include "core/job.h"
#include "core/retry_policy.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace replyd::client {

class Client;
class Heartbeater;

struct HandlerOutcome {
  static HandlerOutcome success(Blob result) { return {true, std::move(result), {}, false}; }
  // `retryable`: the server may run the job again (if attempts are left); otherwise it fails for good.
  static HandlerOutcome failure(std::string error, bool retryable = true) {
    return {false, {}, std::move(error), retryable};
  }

  bool succeeded = false;
  Blob result;        // when succeeded
  std::string error;  // when not
  bool retryable = true;
};

// Runs one job. Called on a worker thread, one job at a time per thread; a handler shared by several
// threads must be thread-safe. An exception it throws fails the attempt (retryable) with its what().
using Handler = std::function<HandlerOutcome(const LeasedJob& job, JobContext& context)>;

struct WorkerOptions {
  std::string queue;
  int concurrency = 1;    // worker threads, each running one job at a time
  int lease_wait_s = 20;  // long-poll for a job this long per lease request
  int lease_batch = 1;    // jobs per lease request (> 1: the batch form), run one after the other
  ClientOptions client;
  // Backoff while leases fail (server down): base doubles per failure up to cap, full jitter.
  RetryPolicy backoff{std::chrono::milliseconds(200), std::chrono::seconds(10)};
  // How the loop waits out a backoff; empty: on a condition variable that stop() interrupts. Tests
  // inject a function that records the delay and returns at once.
  std::function<void(Duration)> backoff_wait;
  // The pause after an answer without jobs that came back well before lease_wait_s (lease_wait_s 0, or
  // a server that does not hold lease requests), so that an idle worker never polls in a tight loop.
  Duration idle_pause = std::chrono::seconds(1);
  // Attempts to deliver an outcome (complete or fail) while the server cannot be reached.
  int ack_attempts = 5;
  Duration min_heartbeat_spacing = HeartbeatSchedule::kDefaultMinSpacing;
  const Clock* clock = nullptr;  // empty: the system clock; must outlive the loop
};

struct WorkerStats {
  std::uint64_t leased = 0;
  std::uint64_t completed = 0;     // acknowledged with complete
  std::uint64_t failed = 0;        // acknowledged with fail
  std::uint64_t abandoned = 0;     // lease lost, or the outcome could not be delivered
  std::uint64_t lease_errors = 0;  // lease requests that failed
};

class WorkerLoop {
 public:
  // Throws std::invalid_argument for a malformed URL, an empty queue or concurrency < 1.
  WorkerLoop(std::string server_url, WorkerOptions options, Handler handler);
  // Stops gracefully (as stop()) and joins.
  ~WorkerLoop();
  WorkerLoop(const WorkerLoop&) = delete;
  WorkerLoop& operator=(const WorkerLoop&) = delete;

  // Starts the threads and returns. Call once.
  void start();
  // Blocks until every worker thread has returned (after stop() or stop_now()).
  void join();
  // start() then join().
  void run();

  // Thread-safe; returns at once. No new leases; the jobs being run finish and are acknowledged.
  void stop();
  // As stop(), and asks every running handler to stop (StopReason::shutdown); jobs leased but not yet
  // started are failed (retryable) without running.
  void stop_now();

  WorkerStats stats() const;

 private:
  void work(Client& client);
  void run_job(Client& client, const LeasedJob& job, JobContext& context);
  // Sends progress the handler reported but no heartbeat carried yet (before a successful outcome).
  void flush_progress(Client& client, const LeasedJob& job, JobContext& context);
  void acknowledge(Client& client, const LeasedJob& job, JobContext& context, HandlerOutcome outcome);
  void wait_backoff(Duration delay);

  std::string server_url_;
  WorkerOptions options_;
  Handler handler_;
  std::unique_ptr<Clock> own_clock_;
  const Clock* clock_;

  std::vector<std::unique_ptr<Client>> clients_;
  std::unique_ptr<Heartbeater> heartbeater_;
  std::vector<std::thread> threads_;

  std::mutex mutex_;
  std::condition_variable stop_cv_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> stopping_now_{false};
  bool joined_ = false;

  std::atomic<std::uint64_t> leased_{0}, completed_{0}, failed_{0}, abandoned_{0}, lease_errors_{0};
};

}  // namespace replyd::client
