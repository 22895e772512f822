#include "store/postgres/pg_readers.h"

#include "store/postgres/pg_sql.h"

#include <spdlog/spdlog.h>

namespace replyd::store::postgres {
namespace {

// Reads sent in one round trip by one thread; the rest wait for the next thread.
constexpr std::size_t kMaxGroup = 64;

}  // namespace

PgReaders::PgReaders(ReaderOptions options, StoreMetrics& metrics, Responder& responder)
    : options_(std::move(options)), metrics_(metrics), responder_(responder) {
  for (int i = 0; i < std::max(1, options_.threads); ++i) threads_.emplace_back([this] { run(); });
}

PgReaders::~PgReaders() { close(); }

void PgReaders::close() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void PgReaders::submit(ReadOp op) {
  std::unique_lock lock(mutex_);
  std::optional<Error> refusal;
  if (stopping_)
    refusal = Error(Errc::shutting_down, "the store is closed");
  else if (queue_.size() >= options_.max_pending)
    refusal = Error(Errc::overloaded, "too many store reads are pending");
  if (refusal) {
    lock.unlock();
    responder_.post([this, op = std::move(op), error = std::move(*refusal)]() mutable {
      OpKind kind = kind_of(op);
      answer_read(op, error);
      metrics_.count(kind, error.code());
    });
    return;
  }
  queue_.push_back(std::move(op));
  lock.unlock();
  cv_.notify_one();
}

void PgReaders::run() {
  std::unique_ptr<PgConnection> conn;
  ReconnectBackoff backoff(options_.backoff_first, options_.backoff_cap);
  std::chrono::steady_clock::time_point next_connect{};
  std::vector<ReadOp> group;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [this] { return !queue_.empty() || stopping_; });
      if (queue_.empty()) return;
      while (!queue_.empty() && group.size() < kMaxGroup) {
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    // Leave the rest to another reader.
    cv_.notify_one();
    serve(conn, backoff, next_connect, group);
    group.clear();
  }
}

void PgReaders::serve(std::unique_ptr<PgConnection>& conn, ReconnectBackoff& backoff,
                      std::chrono::steady_clock::time_point& next_connect, std::vector<ReadOp>& group) {
  if (conn && !conn->check_idle()) conn.reset();
  if (!conn && std::chrono::steady_clock::now() >= next_connect) {
    auto opened = open_pipeline(options_.connect, {}, sql::kReaderStatements);
    if (opened) {
      conn = std::move(*opened);
      backoff.reset();
    } else {
      next_connect = std::chrono::steady_clock::now() + backoff.next();
      spdlog::warn("postgres reader: {}", opened.error().detail());
    }
  }
  if (!conn) {
    for (ReadOp& op : group) {
      OpKind kind = kind_of(op);
      answer_read(op, Error(Errc::unavailable, "database unavailable"));
      metrics_.count(kind, Errc::unavailable);
    }
    return;
  }
  for (const ReadOp& op : group) send_read(*conn, op);
  for (ReadOp& op : group) {
    OpKind kind = kind_of(op);
    metrics_.count(kind, finish_read(*conn, op));
  }
  if (!conn->usable()) next_connect = std::chrono::steady_clock::now();
}

}  // namespace replyd::store::postgres
