// WAL checkpoints off the commit path. The writer connection has auto-checkpoint off; instead its WAL
// hook reports the WAL size after each commit, and this thread, with its own connection, copies the WAL
// back into the database (PASSIVE: never waits for, nor blocks, the writer or readers) each time the
// WAL grew by `passive_pages`. Every `truncate_every`-th time, or when the WAL is still over
// `truncate_pages` after a PASSIVE pass (readers kept it from finishing), it runs a TRUNCATE
// checkpoint, which waits up to its busy timeout for readers and the writer, then empties the WAL file
// so that it cannot grow without bound.
#pragma once

#include "store/sqlite/checkpoint_policy.h"
#include "store/sqlite/connection.h"
#include "store/store_metrics.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace replyd::store::sqlite {

class Checkpointer {
 public:
  // Opens its own read-write connection to `path` (throws std::runtime_error on failure) and starts.
  Checkpointer(const std::string& path, CheckpointPolicy policy, StoreMetrics& metrics);
  ~Checkpointer();  // close()
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // The writer's WAL hook: `pages` is the WAL size after a commit. Called on the writer thread only;
  // takes no lock unless a checkpoint is due.
  void wal_grew(int pages);
  // For sqlite3_wal_hook: `arg` is the Checkpointer.
  static int wal_hook(void* arg, sqlite3* db, const char* schema, int pages);

  // Stops the thread and closes the connection. Idempotent.
  void close();

 private:
  void run();
  void checkpoint(int mode, const char* mode_name);

  CheckpointPolicy policy_;
  StoreMetrics& metrics_;
  Connection db_;

  // Writer-thread state of wal_grew().
  int last_pages_ = 0;
  int trigger_pages_;

  std::mutex mutex_;
  std::condition_variable cv_;
  std::atomic<bool> requested_{false};
  bool stopping_ = false;
  int passes_ = 0;
  std::thread thread_;
};

}  // namespace replyd::store::sqlite
