// The writer thread: owns the write connection and commits in groups. It takes every pending write op
// (up to max_batch_ops), runs them in one transaction (write_batch.h), and only after the COMMIT
// succeeded answers each op with its own result, then tells the change listener.
//
// While the database is unreachable the writer answers every op at once with Errc::unavailable and
// reconnects in the background with exponential backoff; nothing queues up without bound, and past
// the pending limits an op is refused with Errc::overloaded.
//
// Thread-safety: submit() may be called from any thread; close() from one non-store thread.
#pragma once

#include "store/postgres/change_sink.h"
#include "store/postgres/pg_connection.h"
#include "store/store_metrics.h"
#include "store/postgres/reconnect_backoff.h"
#include "store/responder.h"
#include "store/postgres/write_batch.h"
#include "store/postgres/write_ops.h"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace replyd::store::postgres {

struct WriterOptions {
  ConnectOptions connect;
  WriterIdentity identity;
  bool synchronous_commit = true;  // false: synchronous_commit=off, the documented weaker mode
  std::size_t max_pending_ops = 20'000;
  std::size_t max_pending_bytes = std::size_t{256} << 20;
  int max_batch_ops = 1'000;
  ReconnectBackoff::Duration backoff_first{50};
  ReconnectBackoff::Duration backoff_cap{2'000};
};

// Opens the writer's connection (pipeline mode, statements prepared, session settings applied).
Result<std::unique_ptr<PgConnection>> open_writer_connection(const WriterOptions& options);

class PgWriter {
 public:
  // Starts the thread. `conn` is the first connection (may be null: the thread connects). `metrics`,
  // `sink` and `responder` must outlive the writer.
  PgWriter(WriterOptions options, std::unique_ptr<PgConnection> conn, StoreMetrics& metrics,
           ChangeSink& sink, Responder& responder);
  ~PgWriter();  // close()
  PgWriter(const PgWriter&) = delete;
  PgWriter& operator=(const PgWriter&) = delete;

  // Queues `op`; its callback runs on the writer thread (or the responder's for a refusal).
  void submit(WriteOp op);
  // Runs (or fails) every op accepted so far, then stops the thread and closes the connection.
  void close();

 private:
  void run();
  // True when a usable connection exists, connecting first if the backoff allows.
  bool connected(std::string& why_not);
  void execute(std::vector<WriteOp>& batch);
  void answer_all(std::vector<WriteOp>& batch, const Error& error);
  void refuse(WriteOp op, Error error);

  WriterOptions options_;
  std::unique_ptr<PgConnection> conn_;  // writer thread only
  StoreMetrics& metrics_;
  ChangeSink& sink_;
  Responder& responder_;
  ReconnectBackoff backoff_;
  std::chrono::steady_clock::time_point next_connect_{};  // writer thread only
  std::string last_connect_error_;

  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<WriteOp> queue_;
  std::size_t pending_ops_ = 0;  // queued or in the running batch
  std::size_t pending_bytes_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace replyd::store::postgres
