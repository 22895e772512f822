// Test support: an http::Server on 127.0.0.1 port 0, served by its own io_context on two threads, and
// a Gate that a test handler waits on until the test opens it.
#pragma once

#include "core/metrics.h"
#include "http/router.h"
#include "http/server.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace replyd::http::testing {

class TestServer {
 public:
  // Starts a server with `router` (which must outlive this object). `options.listen` is replaced by
  // 127.0.0.1:0.
  explicit TestServer(const Router& router, ServerOptions options = {});
  // Stops the server (deadline 0 when the test did not stop it) and joins the threads.
  ~TestServer();

  std::uint16_t port() const { return server_->port(); }
  Server& server() { return *server_; }
  metrics::Registry& registry() { return registry_; }
  // The value of a metric line as rendered ("replyd_http_connections"), or -1 when absent.
  double metric(std::string_view series);

  // stop(deadline) and a future that becomes ready when on_stopped runs.
  std::future<void> stop(std::chrono::milliseconds deadline);

 private:
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  metrics::Registry registry_;
  std::unique_ptr<Server> server_;
  std::vector<std::thread> threads_;
  bool stopped_ = false;
};

// A latch that handlers wait on. Thread-safe.
class Gate {
 public:
  enum class Outcome { opened, cancelled };

  // In a handler: returns when open() is called (at once if it already was), or with `cancelled`
  // when the handler's coroutine is cancelled. Signals entered() first.
  boost::asio::awaitable<Outcome> wait(boost::asio::any_io_executor executor);
  void open();
  // Ready once a handler waits on the gate.
  std::shared_future<void> entered() const { return entered_future_; }

 private:
  std::mutex mutex_;
  bool open_ = false;
  bool signalled_entry_ = false;
  std::vector<std::shared_ptr<boost::asio::steady_timer>> waiting_;
  std::promise<void> entered_;
  std::shared_future<void> entered_future_ = entered_.get_future().share();
};

}  // namespace replyd::http::testing
