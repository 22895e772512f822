// A bounded load on several replyd nodes for multi-node black-box tests: submitter threads that each
// submit a fixed number of jobs, and worker threads that lease and complete them (the result is the
// payload, so a test can check it), spread over the nodes round-robin.
//
// Failures are part of what the tests provoke, and the threads react as a well-behaved client would:
//  - a node marked down (mark_down(), before the test kills it) is skipped; a request that fails
//    because it was cut is not an acknowledgement;
//  - a `503` (the database is away) is recorded, its Retry-After checked, and the thread then waits
//    for resume() — the event the test gives once the database is back — instead of hammering;
//  - any other unexpected answer or a transport error on a node that is not marked down is recorded
//    in unexpected(), for the test to assert empty.
//
// Thread-safety: every method may be called from any thread. The destructor stops and joins the threads.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace replyd::blackbox {

struct LoadOptions {
  std::string queue = "load";
  int submitters = 3;
  int jobs_per_submitter = 30;
  int workers = 3;
  int lease_wait_seconds = 1;  // Prefer: wait of the workers' lease long-polls
};

class JobLoad {
 public:
  // Starts the threads at once. `node_urls`: "http://127.0.0.1:PORT" of every node.
  JobLoad(std::vector<std::string> node_urls, LoadOptions options);
  ~JobLoad();
  JobLoad(const JobLoad&) = delete;
  JobLoad& operator=(const JobLoad&) = delete;

  // From now on no thread sends to node `node`.
  void mark_down(int node);
  // Releases the threads that are waiting after a 503.
  void resume();

  // Waits until at least `count` submits were acknowledged (202). False when `deadline` passes first.
  bool wait_acknowledged(std::size_t count, std::chrono::milliseconds deadline);
  // Waits until every submitter has made all its submits. False when `deadline` passes first.
  bool wait_submitters_done(std::chrono::milliseconds deadline);
  // Stops the workers (after their current request) and joins every thread.
  void stop();

  // Job id -> payload of every acknowledged submit.
  std::map<std::string, std::string> acknowledged() const;
  // Ids of the jobs a worker completed with 200.
  std::vector<std::string> completed() const;
  // How many requests were answered 503 (with a valid Retry-After: checked, else unexpected).
  std::size_t refusals() const { return refusals_; }
  // Descriptions of everything unexpected.
  std::vector<std::string> unexpected() const;

 private:
  void submit_loop(int index);
  void work_loop(int index);
  // The first node at or after `start` that is not marked down, or -1 when none is left.
  int pick_node(int start) const;
  // After a 503: waits for resume() (or stop()).
  void wait_for_resume(std::uint64_t seen);
  void record_unexpected(std::string what);

  std::vector<std::string> urls_;
  LoadOptions options_;
  std::vector<std::atomic<bool>> down_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> refusals_{0};

  mutable std::mutex mutex_;  // guards what follows
  std::condition_variable changed_;
  std::uint64_t resumes_ = 0;
  int submitters_done_ = 0;
  std::map<std::string, std::string> acknowledged_;
  std::vector<std::string> completed_;
  std::vector<std::string> unexpected_;

  std::vector<std::thread> threads_;
};

}  // namespace replyd::blackbox
