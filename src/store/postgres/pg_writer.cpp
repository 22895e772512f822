#include "store/postgres/pg_writer.h"

#include "store/postgres/pg_sql.h"

#include <spdlog/spdlog.h>

#include <array>

namespace replyd::store::postgres {
namespace {

// Set on every writer session. A commit is acknowledged only once it is durable (the server's default
// may be weaker); a lock held by a stuck session fails the batch instead of stalling it for long.
constexpr std::array<std::string_view, 3> kDurableSetup = {"SET synchronous_commit = on",
                                                           "SET lock_timeout = '10s'",
                                                           "SET idle_in_transaction_session_timeout = '60s'"};
constexpr std::array<std::string_view, 3> kRelaxedSetup = {"SET synchronous_commit = off",
                                                           "SET lock_timeout = '10s'",
                                                           "SET idle_in_transaction_session_timeout = '60s'"};

}  // namespace

Result<std::unique_ptr<PgConnection>> open_writer_connection(const WriterOptions& options) {
  return open_pipeline(options.connect, options.synchronous_commit ? kDurableSetup : kRelaxedSetup,
                       sql::kWriterStatements);
}

PgWriter::PgWriter(WriterOptions options, std::unique_ptr<PgConnection> conn, StoreMetrics& metrics,
                   ChangeSink& sink, Responder& responder)
    : options_(std::move(options)),
      conn_(std::move(conn)),
      metrics_(metrics),
      sink_(sink),
      responder_(responder),
      backoff_(options_.backoff_first, options_.backoff_cap) {
  thread_ = std::thread([this] { run(); });
}

PgWriter::~PgWriter() { close(); }

void PgWriter::close() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
  conn_.reset();
}

void PgWriter::refuse(WriteOp op, Error error) {
  responder_.post([this, op = std::move(op), error = std::move(error)]() mutable {
    OpKind kind = kind_of(op);
    metrics_.count(kind, answer(op, error));
  });
}

void PgWriter::submit(WriteOp op) {
  std::size_t bytes = bytes_of(op);
  std::unique_lock lock(mutex_);
  if (stopping_) {
    lock.unlock();
    refuse(std::move(op), Error(Errc::shutting_down, "the store is closed"));
    return;
  }
  // A lone op is accepted whatever its size, so that one large payload is never refused forever.
  if (pending_ops_ > 0 &&
      (pending_ops_ >= options_.max_pending_ops || pending_bytes_ + bytes > options_.max_pending_bytes)) {
    lock.unlock();
    refuse(std::move(op), Error(Errc::overloaded, "too many store writes are pending"));
    return;
  }
  queue_.push_back(std::move(op));
  ++pending_ops_;
  pending_bytes_ += bytes;
  metrics_.pending_ops.set(static_cast<double>(pending_ops_));
  lock.unlock();
  cv_.notify_one();
}

bool PgWriter::connected(std::string& why_not) {
  if (conn_ && conn_->check_idle()) return true;
  conn_.reset();
  if (std::chrono::steady_clock::now() < next_connect_) {
    why_not = last_connect_error_;
    return false;
  }
  auto conn = open_writer_connection(options_);
  if (!conn) {
    last_connect_error_ = conn.error().detail();
    why_not = last_connect_error_;
    next_connect_ = std::chrono::steady_clock::now() + backoff_.next();
    spdlog::warn("postgres writer: {}", last_connect_error_);
    return false;
  }
  spdlog::info("postgres writer: connected");
  conn_ = std::move(*conn);
  backoff_.reset();
  return true;
}

void PgWriter::run() {
  std::vector<WriteOp> batch;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      auto ready = [this] { return !queue_.empty() || stopping_; };
      if (conn_) {
        cv_.wait(lock, ready);
      } else {
        // Disconnected: reconnect when the backoff ends even without work, so the store (and /readyz)
        // recovers by itself.
        cv_.wait_until(lock, next_connect_, ready);
      }
      if (stopping_ && queue_.empty()) return;
      std::size_t n = std::min(queue_.size(), static_cast<std::size_t>(std::max(1, options_.max_batch_ops)));
      for (std::size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    std::string why_not;
    if (!connected(why_not)) {
      answer_all(batch, Error(Errc::unavailable, "database unavailable: " + why_not));
    } else if (!batch.empty()) {
      execute(batch);
    }
    std::size_t bytes = 0;
    for (const WriteOp& op : batch) bytes += bytes_of(op);
    {
      std::lock_guard lock(mutex_);
      pending_ops_ -= batch.size();
      pending_bytes_ -= bytes;
      metrics_.pending_ops.set(static_cast<double>(pending_ops_));
    }
    batch.clear();
  }
}

void PgWriter::execute(std::vector<WriteOp>& batch) {
  auto start = std::chrono::steady_clock::now();
  auto changes = WriteBatch(*conn_, options_.identity, batch).run();
  if (changes) {
    metrics_.commit_seconds.observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    metrics_.batch_size.observe(static_cast<double>(batch.size()));
  } else {
    spdlog::warn("postgres writer: batch of {} failed: {}", batch.size(), changes.error().detail());
  }
  if (!conn_->usable()) {
    // Lost mid-batch: try again at once (a restarted server is back already), then back off.
    conn_.reset();
    next_connect_ = std::chrono::steady_clock::now();
  }
  answer_all(batch, Error(Errc::internal, "the operation was not run"));
  if (changes) sink_.publish(*changes);
}

void PgWriter::answer_all(std::vector<WriteOp>& batch, const Error& error) {
  for (WriteOp& op : batch) metrics_.count(kind_of(op), answer(op, error));
}

}  // namespace replyd::store::postgres
