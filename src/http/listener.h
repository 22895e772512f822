// Internal to http/: what Server is made of. The listener owns the acceptor, the registry of open
// connections and the stop sequence; each connection (Session) holds a shared_ptr to it, so it lives
// until the last connection is gone even if the Server object is destroyed first.
#pragma once

#include "http/server.h"
#include "http/server_metrics.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <atomic>
#include <functional>
#include <list>
#include <mutex>
#include <vector>

namespace replyd::http {

class Session;

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(boost::asio::io_context& io, ServerOptions options, const Router& router,
           metrics::Registry& registry);

  // See Server. start() must be called once, before the io_context runs its handlers for this listener.
  void start();
  std::uint16_t port() const { return port_; }
  std::string base_url() const;
  void stop(std::chrono::milliseconds deadline, std::function<void()> on_stopped);
  // Like stop(0) without a callback: used when the Server object goes away while still running.
  void abandon();
  std::size_t connection_count() const { return connection_count_.load(std::memory_order_relaxed); }
  // True from the moment stop() (or abandon()) is called: a response written after that closes its
  // connection. Any thread.
  bool draining() const { return draining_.load(std::memory_order_relaxed); }

  const ServerOptions& options() const { return options_; }
  const Router& router() const { return router_; }
  ServerMetrics& metrics() { return metrics_; }

  // A session leaves the registry; called from its destructor, on any thread.
  void remove(std::list<Session*>::iterator position);

 private:
  using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;
  static boost::asio::awaitable<void> accept_loop(std::shared_ptr<Listener> self);
  static boost::asio::awaitable<void> reject(std::shared_ptr<Listener> self,
                                             boost::asio::ip::tcp::socket socket);
  void admit(boost::asio::ip::tcp::socket socket);
  void begin_stop(std::chrono::milliseconds deadline);
  void on_deadline();
  std::vector<std::shared_ptr<Session>> live_sessions();
  // Runs the on_stopped callbacks once stopping, the accept loop has ended and no session is left.
  void finish_if_done(std::unique_lock<std::mutex>& lock);

  boost::asio::io_context& io_;
  const ServerOptions options_;
  const Router& router_;
  ServerMetrics metrics_;
  Strand strand_;  // the acceptor, the deadline timer and the stop sequence run on it
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::steady_timer deadline_timer_;
  boost::asio::ip::tcp::endpoint endpoint_;
  std::uint16_t port_ = 0;
  std::atomic<std::size_t> connection_count_{0};
  std::atomic<std::size_t> rejecting_{0};
  std::atomic<bool> draining_{false};

  std::mutex mutex_;  // guards what follows: sessions come and go on their own strands
  std::list<Session*> sessions_;
  bool accepting_ = false;
  bool stopping_ = false;
  bool finished_ = false;
  std::vector<std::function<void()>> on_stopped_;
};

}  // namespace replyd::http
