#include "store/sqlite/writer.h"

#include "store/thread_name.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

namespace replyd::store::sqlite {
namespace {

bool all_settled(const std::vector<std::unique_ptr<WriteOp>>& batch) {
  return std::all_of(batch.begin(), batch.end(), [](const auto& op) { return op->settled(); });
}

void settle_all(std::vector<std::unique_ptr<WriteOp>>& batch, const Error& error) {
  for (auto& op : batch) {
    if (!op->settled()) op->settle(error);
  }
}

}  // namespace

Writer::Writer(std::unique_ptr<Connection> db, WriterLimits limits, StoreMetrics& metrics,
               Checkpointer* checkpointer)
    : db_(std::move(db)), tx_(std::make_unique<WriteTransaction>(*db_)), limits_(limits), metrics_(metrics) {
  limits_.max_batch_ops = std::max(1, limits_.max_batch_ops);
  if (checkpointer != nullptr) sqlite3_wal_hook(db_->get(), &Checkpointer::wal_hook, checkpointer);
  thread_ = std::thread([this] {
    name_this_thread("replyd-writer");
    run();
  });
}

Writer::~Writer() { close(); }

Result<void> Writer::admit(OpKind kind, std::size_t bytes) {
  std::lock_guard lock(mutex_);
  if (closed_) return Error(Errc::shutting_down, "the store is closed");
  std::size_t max_ops = limits_.max_pending_ops;
  std::size_t max_bytes = limits_.max_pending_bytes;
  if (kind != OpKind::insert) {
    max_ops += max_ops / 4;
    max_bytes += max_bytes / 4;
  }
  // One operation bigger than the whole budget still goes through when nothing else waits.
  if (pending_ops_ >= max_ops || (pending_bytes_ > 0 && pending_bytes_ + bytes > max_bytes)) {
    return Error(Errc::overloaded,
                 fmt::format("the store's write queue is full ({} operations, {} bytes waiting)",
                             pending_ops_, pending_bytes_));
  }
  ++pending_ops_;
  pending_bytes_ += bytes;
  metrics_.pending_ops.set(static_cast<double>(pending_ops_));
  return {};
}

void Writer::enqueue(std::unique_ptr<WriteOp> op) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(op));
  }
  cv_.notify_one();
}

void Writer::set_change_listener(ChangeListener listener) {
  // Taking the call's lock waits for a call in progress, so that the caller may destroy what the old
  // listener points to as soon as this returns.
  std::lock_guard lock(listener_mutex_);
  listener_ = std::move(listener);
}

void Writer::set_max_page_count(std::int64_t pages) {
  requested_page_limit_ = std::max<std::int64_t>(0, pages);
}

void Writer::close() {
  std::call_once(close_once_, [this] {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    cv_.notify_one();
    thread_.join();
    tx_.reset();
    db_->close();
  });
}

void Writer::apply_page_limit() {
  std::int64_t pages = requested_page_limit_.exchange(-1);
  if (pages < 0) return;
  // 0 means no limit: SQLite's own ceiling (a page number is 32 bits).
  if (pages == 0) pages = 4'294'967'294;
  (void)db_->exec(fmt::format("PRAGMA max_page_count = {}", pages));
}

void Writer::run() {
  std::vector<std::unique_ptr<WriteOp>> batch;
  batch.reserve(static_cast<std::size_t>(limits_.max_batch_ops));
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      // An admitted operation counts as pending before it is queued, so closing waits for it too.
      cv_.wait(lock, [this] { return !queue_.empty() || (closed_ && pending_ops_ == 0); });
      if (queue_.empty()) return;
      while (!queue_.empty() && batch.size() < static_cast<std::size_t>(limits_.max_batch_ops)) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    apply_page_limit();
    const bool committed = run_batch(batch);

    // The room is given back before the answers go out, so that a caller who got its answer finds it.
    std::size_t bytes = 0;
    for (const auto& op : batch) bytes += op->bytes();
    {
      std::lock_guard lock(mutex_);
      pending_ops_ -= batch.size();
      pending_bytes_ -= bytes;
      metrics_.pending_ops.set(static_cast<double>(pending_ops_));
    }
    for (auto& op : batch) metrics_.count(op->kind(), op->answer());
    if (committed && !tx_->changes().empty()) {
      std::lock_guard lock(listener_mutex_);
      if (listener_) listener_(tx_->changes());
    }
    batch.clear();
  }
}

bool Writer::run_batch(std::vector<std::unique_ptr<WriteOp>>& batch) {
  const auto started = std::chrono::steady_clock::now();
  bool committed = false;
  while (!all_settled(batch)) {
    if (auto begun = tx_->begin(); !begun) {
      settle_all(batch, Error(Errc::unavailable, begun.error().detail()));
      break;
    }
    WriteOp* broken = nullptr;
    for (auto& op : batch) {
      if (op->settled()) continue;
      op->apply(*tx_);
      if (tx_->failed()) {
        broken = op.get();
        break;
      }
    }
    if (broken == nullptr && tx_->commit()) {
      committed = true;
      break;
    }
    const Error error = tx_->failure();
    tx_->rollback();
    if (broken != nullptr && error.code() != Errc::unavailable) {
      broken->settle(error);  // its own fault: the others run again without it
      continue;
    }
    // Nothing of this batch is stored, so nothing of it may be acknowledged.
    settle_all(batch, Error(Errc::unavailable, error.detail()));
  }
  if (committed) {
    metrics_.commit_seconds.observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    metrics_.batch_size.observe(static_cast<double>(batch.size()));
  }
  return committed;
}

}  // namespace replyd::store::sqlite
