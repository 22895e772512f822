// The scenarios of the load generator (issue 6) as closed-loop client coroutines: each client sends its
// next request when the previous answer arrived, until the run's count or time bound is reached.
//
//   accept      POST a job -> 202
//   cycle-poll  POST -> 202, GET the Location every poll interval -> 303 -> GET the result
//   cycle-wait  POST with Prefer: respond-async, wait=N -> 303 (else long-poll the Location) -> GET result
//   cycle-sse   POST -> 202, GET the job's event stream until it ends -> GET the result
//   worker      lease -> complete, single form (batch 1) or batch form (lease?max=B, POST /v1/jobs:complete)
//   status      GET the status of jobs submitted before the measured part
//
// One operation is one submission, one full cycle, one completed job (worker) or one status read.
#pragma once

#include "common/connection.h"
#include "load/latency.h"

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace replyd::bench {

enum class Scenario { accept, cycle_poll, cycle_wait, cycle_sse, worker, status };

// nullopt-like: false when `name` is not a scenario.
bool parse_scenario(std::string_view name, Scenario& out);

struct ScenarioConfig {
  Scenario scenario = Scenario::accept;
  std::string queue = "bench";
  std::string payload;                                       // the body of every submission
  int batch = 1;                                             // worker: jobs per lease and per complete
  std::chrono::milliseconds poll_interval{5};                // cycle-poll
  int wait_seconds = 30;                                     // cycle-wait: Prefer: wait=N
  const std::vector<std::string>* status_ids = nullptr;      // status: the jobs to read
};

// Shared by every client of every thread: the run's bounds.
class RunBounds {
 public:
  RunBounds(std::uint64_t count, std::chrono::steady_clock::time_point deadline) : count_(count), deadline_(deadline) {}
  // Claims `n` operations; false once the count is used up or the deadline has passed.
  bool claim(std::uint64_t n = 1) {
    return std::chrono::steady_clock::now() < deadline_ && started_.fetch_add(n, std::memory_order_relaxed) < count_;
  }
  // True once the run's deadline is more than `grace` past: an operation still waiting for its job gives
  // up then (counted as an error), so that a run whose jobs never finish still ends.
  bool overdue(std::chrono::steady_clock::duration grace = std::chrono::seconds(10)) const {
    return std::chrono::steady_clock::now() > deadline_ + grace;
  }
  // Ends the run early (the worker scenario's queue is empty).
  void finish() { started_.store(count_, std::memory_order_relaxed); }

 private:
  std::uint64_t count_;
  std::chrono::steady_clock::time_point deadline_;
  std::atomic<std::uint64_t> started_{0};
};

// What the clients of one thread counted.
struct Tally {
  LatencyRecorder latency;  // per successful operation (worker: per lease-and-complete round)
  std::uint64_t ops = 0;
  std::uint64_t requests = 0;
  std::uint64_t errors = 0;
  std::string first_error;
  std::vector<std::string> job_ids;  // accept with collect_ids: the ids submitted
  bool collect_ids = false;
};

// Runs one client until `bounds` say stop.
boost::asio::awaitable<void> run_client(const ScenarioConfig& config, Connection& connection, RunBounds& bounds,
                                        Tally& tally);

}  // namespace replyd::bench
