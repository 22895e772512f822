// A small pool of reader threads, each with its own read-only connection and prepared statements
// (a ReadContext), serving reads in arrival order.
#pragma once

#include "core/unique_function.h"
#include "store/sqlite/read_context.h"
#include "store/responder.h"

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace replyd::store::sqlite {

class ReaderPool {
 public:
  // A read: called with a context on a reader thread, or with nullptr (on the responder thread) when
  // the pool was closed, to answer Errc::shutting_down.
  using Task = UniqueFunction<void(ReadContext*)>;

  // Opens `threads` read-only connections to `path` (throws std::runtime_error on failure) and starts.
  // `responder` must outlive the pool.
  ReaderPool(const std::string& path, int threads, int cache_kib, Responder& responder);
  ~ReaderPool();  // close()
  ReaderPool(const ReaderPool&) = delete;
  ReaderPool& operator=(const ReaderPool&) = delete;

  // Thread-safe.
  void post(Task task);

  // Refuses new reads, runs the queued ones, stops the threads and closes the connections. Idempotent;
  // must not be called from a reader thread.
  void close();

 private:
  void run(ReadContext& context);

  Responder& responder_;
  std::vector<std::unique_ptr<ReadContext>> contexts_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Task> tasks_;
  bool closed_ = false;
  std::once_flag close_once_;
  std::vector<std::thread> threads_;
};

}  // namespace replyd::store::sqlite
