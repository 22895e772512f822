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
  std::string listen = "127.0.0.1:8080";     // host:port; port 0 picks a free port
  std::size_t max_connections = 10'000;      // over this, new connections get 503 and are closed
  std::size_t max_header_bytes = 16 * 1024;  // request line + headers; over -> 431
  std::size_t max_body_bytes = 64 * 1024 * 1024;  // default per-route limit; over -> 413
  std::chrono::milliseconds header_timeout{10'000};  // to receive a whole request head
  std::chrono::milliseconds body_timeout{300'000};   // to receive a whole body
  std::chrono::milliseconds idle_timeout{60'000};    // keep-alive wait for the next request
  std::chrono::milliseconds write_timeout{30'000};   // per response write or stream chunk
  std::string server_header = "replyd";
};

class Server {
 public:
  Server(boost::asio::io_context& io, ServerOptions options, const Router& router, metrics::Registry& metrics);
  ~Server();

  // Binds and listens; throws std::runtime_error with a clear message on failure (port in use,
  // bad address). After start(), port() is the bound port.
  void start();
  std::uint16_t port() const;
  // "http://127.0.0.1:8080" for the bound address.
  std::string base_url() const;

  // Graceful stop, callable from any thread: stops accepting, lets in-flight requests finish and
  // closes idle keep-alive connections; connections still busy after `deadline` are closed.
  // `on_stopped` runs (on an io thread) once every connection is gone.
  void stop(std::chrono::milliseconds deadline, std::function<void()> on_stopped);

  std::size_t connection_count() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace replyd::http
