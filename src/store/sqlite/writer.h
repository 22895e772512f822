// The writer: one thread that owns the only write connection and commits in groups. It takes every
// queued write operation (up to max_batch_ops), runs them in one BEGIN IMMEDIATE ... COMMIT (one fsync),
// and only after COMMIT returns answers each with its own result, then tells the change listener once
// about all changes of the batch.
//
// Failure handling: an operation's logical failure is just its answer. A database error inside one
// operation that is particular to it (a constraint, a value too big) rolls back, answers that operation
// with its error and runs the rest again. A storage failure (disk full, I/O error: Errc::unavailable),
// or a failure of BEGIN or COMMIT, rolls back and answers every operation of the batch with
// Errc::unavailable; the next batch tries again from scratch, so the store recovers when the disk does.
//
// Backpressure: admit() refuses an insert once max_pending_ops operations, or max_pending_bytes of
// payload and result bytes, are waiting; the other writes (which drain the backlog: lease, complete,
// fail, heartbeat, cancel, maintenance, ping) have a reserve of a quarter more, so that a flood of
// submits cannot lock the workers out.
#pragma once

#include "store/sqlite/checkpointer.h"
#include "store/sqlite/connection.h"
#include "store/store_metrics.h"
#include "store/sqlite/write_op.h"
#include "store/sqlite/write_transaction.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace replyd::store::sqlite {

struct WriterLimits {
  std::size_t max_pending_ops = 20'000;
  std::size_t max_pending_bytes = std::size_t{256} << 20;
  int max_batch_ops = 1'000;
};

using ChangeListener = UniqueFunction<void(const std::vector<JobChange>&)>;

class Writer {
 public:
  // Takes the configured and migrated write connection; `checkpointer` (may be null) gets its WAL hook.
  // `metrics` and `checkpointer` must outlive the writer. Starts the thread.
  Writer(std::unique_ptr<Connection> db, WriterLimits limits, StoreMetrics& metrics,
         Checkpointer* checkpointer);
  ~Writer();  // close()
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Reserves room for one operation: Errc::overloaded when the queue is full, Errc::shutting_down after
  // close(). After a success the caller must enqueue() exactly one operation with the same kind and bytes.
  // Thread-safe.
  Result<void> admit(OpKind kind, std::size_t bytes);
  // Queues an admitted operation. Thread-safe.
  void enqueue(std::unique_ptr<WriteOp> op);

  // Thread-safe; takes effect from the next batch. Waits for a call of the old listener in progress:
  // once it returns, the old listener is never called again.
  void set_change_listener(ChangeListener listener);
  // PRAGMA max_page_count, applied before the next batch (0: no limit). Tests use it to fill the disk.
  void set_max_page_count(std::int64_t pages);

  // Refuses new operations, runs every admitted one, stops the thread and closes the connection.
  // Idempotent; must not be called from the writer thread (a callback).
  void close();

 private:
  void run();
  // Runs the batch until it is committed (true) or every operation has its error; answers nothing.
  bool run_batch(std::vector<std::unique_ptr<WriteOp>>& batch);
  void apply_page_limit();

  std::unique_ptr<Connection> db_;
  std::unique_ptr<WriteTransaction> tx_;  // its statements are finalized before db_ closes
  WriterLimits limits_;
  StoreMetrics& metrics_;
  std::atomic<std::int64_t> requested_page_limit_{-1};

  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<WriteOp>> queue_;
  std::size_t pending_ops_ = 0;  // admitted, and their batch not yet done (being enqueued, queued or running)
  std::size_t pending_bytes_ = 0;
  bool closed_ = false;
  std::mutex listener_mutex_;  // held while the listener runs, and to replace it
  ChangeListener listener_;
  std::once_flag close_once_;
  std::thread thread_;
};

}  // namespace replyd::store::sqlite
