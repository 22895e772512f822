#include "store/sqlite/checkpointer.h"

#include "store/thread_name.h"

namespace replyd::store::sqlite {

Checkpointer::Checkpointer(const std::string& path, CheckpointPolicy policy, StoreMetrics& metrics)
    : policy_(std::move(policy)),
      metrics_(metrics),
      db_(path, SQLITE_OPEN_READWRITE, policy_.truncate_busy_timeout_ms),
      trigger_pages_(policy_.passive_pages),
      thread_([this] {
        name_this_thread("replyd-ckpt");
        run();
      }) {}

Checkpointer::~Checkpointer() { close(); }

int Checkpointer::wal_hook(void* arg, sqlite3*, const char*, int pages) {
  static_cast<Checkpointer*>(arg)->wal_grew(pages);
  return SQLITE_OK;
}

void Checkpointer::wal_grew(int pages) {
  // A smaller WAL than last time means the writer restarted it from the beginning.
  if (pages < last_pages_) trigger_pages_ = policy_.passive_pages;
  last_pages_ = pages;
  if (pages < trigger_pages_) return;
  trigger_pages_ = pages + policy_.passive_pages;
  if (!requested_.exchange(true)) {
    // Taking the lock orders this wake-up after the thread's check of requested_, so it is not lost.
    { std::lock_guard lock(mutex_); }
    cv_.notify_one();
  }
}

void Checkpointer::close() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_one();
  thread_.join();
  db_.close();
}

void Checkpointer::run() {
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [this] { return stopping_ || requested_.load(); });
      if (stopping_) return;
    }
    requested_ = false;
    checkpoint(SQLITE_CHECKPOINT_PASSIVE, "passive");
  }
}

void Checkpointer::checkpoint(int mode, const char* mode_name) {
  // A connection opens the WAL only when it first reads the database; until then SQLite treats a
  // checkpoint on it as one on a database not in WAL mode: it does nothing and answers SQLITE_OK with
  // -1 pages. Reading the schema version opens the WAL (a no-op once it is open).
  (void)db_.query_int64("PRAGMA schema_version");
  int log_pages = -1;
  int copied_pages = -1;
  int rc = sqlite3_wal_checkpoint_v2(db_.get(), nullptr, mode, &log_pages, &copied_pages);
  const bool complete = rc == SQLITE_OK && log_pages >= 0 && copied_pages >= log_pages;
  const bool busy = rc == SQLITE_OK || (rc & 0xff) == SQLITE_BUSY;
  metrics_.count_checkpoint(mode_name, complete ? "ok" : (busy ? "busy" : "error"));
  if (policy_.on_checkpoint) policy_.on_checkpoint(mode_name, complete);
  if (mode != SQLITE_CHECKPOINT_PASSIVE) return;
  ++passes_;
  if (passes_ % policy_.truncate_every == 0 || (!complete && log_pages > policy_.truncate_pages)) {
    checkpoint(SQLITE_CHECKPOINT_TRUNCATE, "truncate");
  }
}

}  // namespace replyd::store::sqlite
