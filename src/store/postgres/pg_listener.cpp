#include "store/postgres/pg_listener.h"

#include "store/postgres/change_notification.h"
#include "store/postgres/pg_sql.h"

#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <stdexcept>

namespace replyd::store::postgres {

Result<std::unique_ptr<PgConnection>> PgListener::listen(const ConnectOptions& options) {
  auto conn = PgConnection::open(options);
  if (!conn) return conn;
  if (auto ok = (*conn)->exec("LISTEN " + std::string(sql::kChannel)); !ok) return ok.error();
  return conn;
}

Result<std::unique_ptr<PgListener>> PgListener::start(ListenerOptions options, ChangeSink& sink) {
  auto conn = listen(options.connect);
  if (!conn) return conn.error();
  return std::unique_ptr<PgListener>(new PgListener(std::move(options), sink, std::move(*conn)));
}

PgListener::PgListener(ListenerOptions options, ChangeSink& sink, std::unique_ptr<PgConnection> conn)
    : options_(std::move(options)), sink_(sink), conn_(std::move(conn)) {
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) throw std::runtime_error("eventfd failed");
  thread_ = std::thread([this] { run(); });
}

PgListener::~PgListener() {
  close();
  ::close(wake_fd_);
}

void PgListener::close() {
  if (stopping_.exchange(true)) {
    if (thread_.joinable()) thread_.join();
    return;
  }
  std::uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof(one));
  if (thread_.joinable()) thread_.join();
  conn_.reset();
}

void PgListener::pause(ReconnectBackoff::Duration d) {
  pollfd fd{wake_fd_, POLLIN, 0};
  ::poll(&fd, 1, static_cast<int>(d.count()));
}

void PgListener::deliver() {
  while (PGnotify* n = PQnotifies(conn_->raw())) {
    auto notification = decode_notification(n->extra ? n->extra : "");
    PQfreemem(n);
    if (!notification) {
      spdlog::warn("postgres listener: ignored a malformed notification");
      continue;
    }
    if (notification->node_id != options_.node_id) sink_.publish(notification->changes);
  }
}

void PgListener::run() {
  ReconnectBackoff backoff(options_.backoff_first, options_.backoff_cap);
  while (!stopping_) {
    if (!conn_) {
      auto conn = listen(options_.connect);
      if (!conn) {
        pause(backoff.next());
        continue;
      }
      spdlog::info("postgres listener: listening again");
      conn_ = std::move(*conn);
      backoff.reset();
    }
    // Keepalives (set on every connection) detect a silent peer; the timeout only bounds each wait.
    bool alive = conn_->wait_input(wake_fd_, std::chrono::seconds(60));
    if (alive) deliver();
    if (!alive && !stopping_) {
      spdlog::warn("postgres listener: connection lost; reconnecting");
      conn_.reset();
    }
  }
}

}  // namespace replyd::store::postgres
