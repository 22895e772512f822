// A thread that answers operations the store refuses at once (overloaded, shutting down), so that a
// callback never runs on the caller's stack even when no other store thread can take it. It lives as
// long as the store, after close() too.
#pragma once

#include "core/unique_function.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace replyd::store {

class Responder {
 public:
  Responder();
  // Runs every task posted so far (and any they post), then joins the thread.
  ~Responder();
  Responder(const Responder&) = delete;
  Responder& operator=(const Responder&) = delete;

  // Runs `task` soon on the responder thread. Thread-safe.
  void post(UniqueFunction<void()> task);

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<UniqueFunction<void()>> tasks_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace replyd::store
