#include "http/listener.h"

#include "http/http_date.h"
#include "http/linger.h"
#include "http/session.h"
#include "http/wire_format.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <stdexcept>

namespace replyd::http {
namespace net = boost::asio;
namespace {

constexpr auto kAwait = net::as_tuple(net::use_awaitable);
// Connections being refused at once; past this, further ones are closed without an answer so that a
// flood cannot make the refusals themselves pile up.
constexpr std::size_t kMaxRejecting = 256;
constexpr std::chrono::milliseconds kAcceptBackoff{100};

struct LogFailure {
  const char* what;
  void operator()(const std::exception_ptr& error) const {
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      spdlog::error("http {} ended by an exception: {}", what, e.what());
    } catch (...) {
      spdlog::error("http {} ended by an exception not derived from std::exception", what);
    }
  }
};

net::ip::tcp::endpoint resolve_listen(net::io_context& io, const std::string& listen) {
  std::size_t colon = listen.rfind(':');
  if (colon == std::string::npos)
    throw std::runtime_error("listen address \"" + listen + "\" is not host:port");
  std::string host = listen.substr(0, colon);
  std::string port = listen.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "0.0.0.0";
  boost::system::error_code ec;
  // Called from start(), before the io_context serves this listener: a blocking lookup is fine here.
  auto results = net::ip::tcp::resolver(io).resolve(host, port, net::ip::tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    throw std::runtime_error(fmt::format("cannot resolve listen address \"{}\": {}", listen,
                                         ec ? ec.message() : std::string("no address")));
  }
  return results.begin()->endpoint();
}

}  // namespace

Listener::Listener(net::io_context& io, ServerOptions options, const Router& router,
                   metrics::Registry& registry)
    : io_(io),
      options_(std::move(options)),
      router_(router),
      metrics_(registry, router),
      strand_(net::make_strand(io)),
      acceptor_(strand_),
      deadline_timer_(strand_) {}

void Listener::start() {
  net::ip::tcp::endpoint endpoint = resolve_listen(io_, options_.listen);
  boost::system::error_code ec;
  auto fail = [&](std::string_view step) {
    throw std::runtime_error(
        fmt::format("cannot listen on {} ({}): {}", options_.listen, step, ec.message()));
  };
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) fail("open");
  acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) fail("SO_REUSEADDR");
  acceptor_.bind(endpoint, ec);
  if (ec) fail("bind");
  acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec) fail("listen");
  endpoint_ = acceptor_.local_endpoint(ec);
  if (ec) fail("local address");
  port_ = endpoint_.port();
  {
    std::lock_guard lock(mutex_);
    if (stopping_) throw std::logic_error("http server started after stop()");
    accepting_ = true;
  }
  net::co_spawn(strand_, accept_loop(shared_from_this()), LogFailure{"listener"});
}

std::string Listener::base_url() const {
  auto address = endpoint_.address();
  if (address.is_v6()) return fmt::format("http://[{}]:{}", address.to_string(), port_);
  return fmt::format("http://{}:{}", address.to_string(), port_);
}

net::awaitable<void> Listener::accept_loop(std::shared_ptr<Listener> self) {
  net::steady_timer backoff(self->strand_);
  for (;;) {
    auto [ec, socket] = co_await self->acceptor_.async_accept(net::make_strand(self->io_), kAwait);
    if (ec == net::error::operation_aborted || !self->acceptor_.is_open()) break;
    if (ec) {
      // Out of file descriptors and the like: retrying at once would spin; the condition passes when
      // connections close.
      spdlog::warn("http accept failed: {}; retrying in {} ms", ec.message(), kAcceptBackoff.count());
      backoff.expires_after(kAcceptBackoff);
      co_await backoff.async_wait(kAwait);
      continue;
    }
    self->admit(net::ip::tcp::socket(std::move(socket)));
  }
  std::unique_lock lock(self->mutex_);
  self->accepting_ = false;
  self->finish_if_done(lock);
}

void Listener::admit(net::ip::tcp::socket socket) {
  if (connection_count_.load(std::memory_order_relaxed) >= options_.max_connections) {
    metrics_.rejected().inc();
    if (rejecting_.load(std::memory_order_relaxed) >= kMaxRejecting) return;  // the socket closes here
    rejecting_.fetch_add(1, std::memory_order_relaxed);
    auto executor = socket.get_executor();
    net::co_spawn(executor, reject(shared_from_this(), std::move(socket)), LogFailure{"refusal"});
    return;
  }
  auto session = std::make_shared<Session>(shared_from_this(), std::move(socket));
  std::list<Session*>::iterator position;
  {
    std::lock_guard lock(mutex_);
    position = sessions_.insert(sessions_.end(), session.get());
    connection_count_.fetch_add(1, std::memory_order_relaxed);
    metrics_.connections().add(1);
  }
  // From here the session's destructor undoes the registration above.
  Session::start(std::move(session), position);
}

net::awaitable<void> Listener::reject(std::shared_ptr<Listener> self, net::ip::tcp::socket socket) {
  boost::beast::tcp_stream stream(std::move(socket));
  Response response = problem(503, "the server has too many open connections; retry shortly");
  response.set_header("Retry-After", "1");
  std::string head;
  write_head(response, Framing::length, response.body.size(),
             {current_http_date(), self->options_.server_header, true}, head);
  std::array<net::const_buffer, 2> buffers{net::buffer(head), net::buffer(response.body)};
  stream.expires_after(self->options_.write_timeout);
  auto [ec, bytes] = co_await net::async_write(stream, buffers, kAwait);
  boost::beast::flat_buffer scratch;
  if (!ec) co_await linger_close(stream, scratch);
  self->rejecting_.fetch_sub(1, std::memory_order_relaxed);
}

void Listener::remove(std::list<Session*>::iterator position) {
  std::unique_lock lock(mutex_);
  sessions_.erase(position);
  connection_count_.fetch_sub(1, std::memory_order_relaxed);
  metrics_.connections().add(-1);
  finish_if_done(lock);
}

std::vector<std::shared_ptr<Session>> Listener::live_sessions() {
  std::vector<std::shared_ptr<Session>> live;
  std::lock_guard lock(mutex_);
  live.reserve(sessions_.size());
  // A session whose last owner is gone is in its destructor, waiting for this mutex to leave.
  for (Session* session : sessions_) {
    if (auto alive = session->weak_from_this().lock()) live.push_back(std::move(alive));
  }
  return live;
}

void Listener::stop(std::chrono::milliseconds deadline, std::function<void()> on_stopped) {
  draining_.store(true, std::memory_order_relaxed);
  net::post(strand_, [self = shared_from_this(), deadline, on_stopped = std::move(on_stopped)]() mutable {
    std::unique_lock lock(self->mutex_);
    if (on_stopped) self->on_stopped_.push_back(std::move(on_stopped));
    if (self->stopping_) {
      self->finish_if_done(lock);
      return;
    }
    self->stopping_ = true;
    lock.unlock();
    self->begin_stop(deadline);
  });
}

void Listener::abandon() {
  draining_.store(true, std::memory_order_relaxed);
  net::post(strand_, [self = shared_from_this()] {
    bool started;
    {
      std::lock_guard lock(self->mutex_);
      started = !self->stopping_;
      self->stopping_ = true;
    }
    boost::system::error_code ec;
    self->acceptor_.close(ec);
    if (started) self->on_deadline();
  });
}

void Listener::begin_stop(std::chrono::milliseconds deadline) {
  boost::system::error_code ec;
  acceptor_.close(ec);
  for (const auto& session : live_sessions()) session->request_stop();
  deadline_timer_.expires_after(deadline);
  deadline_timer_.async_wait([self = shared_from_this()](boost::system::error_code wait_ec) {
    if (!wait_ec) self->on_deadline();
  });
  std::unique_lock lock(mutex_);
  finish_if_done(lock);
}

void Listener::on_deadline() {
  for (const auto& session : live_sessions()) session->force_close();
}

void Listener::finish_if_done(std::unique_lock<std::mutex>& lock) {
  if (!stopping_ || accepting_ || !sessions_.empty()) return;
  std::vector<std::function<void()>> callbacks = std::move(on_stopped_);
  on_stopped_.clear();
  bool first = !finished_;
  finished_ = true;
  lock.unlock();
  // The deadline timer must not keep the io_context busy once everything is closed.
  if (first) net::post(strand_, [self = shared_from_this()] { self->deadline_timer_.cancel(); });
  for (auto& callback : callbacks) net::post(io_, std::move(callback));
}

}  // namespace replyd::http
