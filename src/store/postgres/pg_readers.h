// The reader threads: each owns a connection in pipeline mode and serves get, get_payload, get_result,
// list and queue_stats. A thread takes every waiting read (up to a group size) and sends them all
// before reading any answer, so a burst of status polls costs one round trip, not one per poll.
//
// A lost connection answers the reads in flight with Errc::unavailable; the thread reconnects with
// backoff when the next read comes, answering Errc::unavailable at once meanwhile.
//
// Thread-safety: submit() from any thread; close() from one non-store thread.
#pragma once

#include "store/postgres/pg_connection.h"
#include "store/store_metrics.h"
#include "store/postgres/read_ops.h"
#include "store/postgres/reconnect_backoff.h"
#include "store/responder.h"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace replyd::store::postgres {

struct ReaderOptions {
  ConnectOptions connect;
  int threads = 2;
  std::size_t max_pending = 20'000;  // reads waiting past this are refused with Errc::overloaded
  ReconnectBackoff::Duration backoff_first{50};
  ReconnectBackoff::Duration backoff_cap{2'000};
};

class PgReaders {
 public:
  // Starts the threads; each connects on its first read. `metrics` and `responder` must outlive this.
  PgReaders(ReaderOptions options, StoreMetrics& metrics, Responder& responder);
  ~PgReaders();  // close()
  PgReaders(const PgReaders&) = delete;
  PgReaders& operator=(const PgReaders&) = delete;

  void submit(ReadOp op);
  // Answers every read accepted so far, then stops the threads.
  void close();

 private:
  void run();
  void serve(std::unique_ptr<PgConnection>& conn, ReconnectBackoff& backoff,
             std::chrono::steady_clock::time_point& next_connect, std::vector<ReadOp>& group);

  ReaderOptions options_;
  StoreMetrics& metrics_;
  Responder& responder_;

  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<ReadOp> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace replyd::store::postgres
