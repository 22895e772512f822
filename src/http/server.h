// The HTTP/1.1 server: a listener and one coroutine per connection, each on its own strand, on an
// io_context that the caller runs on one thread per core. Keep-alive, pipelining-safe sequential
// handling, limits (connections, header and body size) and timeouts (header, body, idle, write).
#pragma once

#include "core/clock.h"
#include "core/metrics.h"
#include "http/router.h"

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace replyd::http {

struct ServerOptions {
  std::string listen = "127.0.0.1:8080";             // host:port; port 0 picks a free port
  std::size_t max_connections = 10'000;              // over this, new connections get 503 and are closed
  std::size_t max_header_bytes = 16 * 1024;          // request line + headers; over -> 431
  std::size_t max_body_bytes = 64 * 1024 * 1024;     // default per-route limit; over -> 413
  std::chrono::milliseconds header_timeout{10'000};  // to receive a whole request head
  std::chrono::milliseconds body_timeout{300'000};   // to receive a whole body
  std::chrono::milliseconds idle_timeout{60'000};    // keep-alive wait for the next request
  std::chrono::milliseconds write_timeout{30'000};   // per response write or stream chunk
  std::string server_header = "replyd";
};

// Lifetime: `router` and `metrics` are used by every connection; they must outlive the connections,
// i.e. stay alive until on_stopped has run (or the io_context is stopped and destroyed). The
// constructor registers the replyd_http_* families in `metrics` (use one registry per Server).
class Server {
 public:
  Server(boost::asio::io_context& io, ServerOptions options, const Router& router,
         metrics::Registry& metrics);
  // Closes the acceptor and every connection at once (no grace) if stop() was not called. It does not
  // wait: prefer stop() and destroying the Server after on_stopped.
  ~Server();

  // Binds and listens; throws std::runtime_error with a clear message on failure (port in use,
  // bad address). After start(), port() is the bound port.
  void start();
  std::uint16_t port() const;
  // "http://127.0.0.1:8080" for the bound address.
  std::string base_url() const;

  // Graceful stop, callable from any thread (a signal handler's thread included): stops accepting,
  // lets in-flight requests finish and closes idle keep-alive connections; connections still busy
  // after `deadline` are closed. `on_stopped` runs (on an io thread) once every connection is gone.
  //
  // Precisely: the acceptor closes; idle keep-alive connections (and ones lingering after their last
  // answer) close at once; every response written from now on carries "Connection: close"; at the
  // deadline each remaining connection is closed and its handler gets terminal cancellation. A
  // handler that ignores cancellation delays on_stopped until it returns. Waking long-polls and
  // streams earlier is the caller's job. Calling stop() again only adds its on_stopped (run at once
  // when already stopped).
  void stop(std::chrono::milliseconds deadline, std::function<void()> on_stopped);

  // Connections open now (refused ones excluded). Thread-safe.
  std::size_t connection_count() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace replyd::http
