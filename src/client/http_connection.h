// One kept-alive HTTP/1.1 connection to the server, used synchronously by one thread: the internal
// transport of `Client`. Each call blocks the calling thread; timeouts come from a private io_context
// that the call runs until its operation completes, so no thread is left behind.
//
// Reuse: a connection is reused while it is fresh; one that the server closed, or that sat idle longer
// than ClientOptions::max_idle, is replaced before sending. When a reused connection still fails, the
// request is sent again once on a new connection if it never reached the server (the write failed) or
// if the request is safe to repeat and no byte of an answer came back.
//
// Thread-compatible: one thread at a time, except interrupt_long_polls() which is thread-safe.
#pragma once

#include "client/api_error.h"
#include "client/client_options.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/http/string_body.hpp>

#include <atomic>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace replyd::client {

using HttpRequest = boost::beast::http::request<boost::beast::http::string_body>;
// A request whose body is borrowed (a large result sent without a copy).
using HttpViewRequest = boost::beast::http::request<boost::beast::http::span_body<const char>>;
using HttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

// "http://host[:port][/prefix]". Errors: Errc::invalid_argument for another scheme, a missing host,
// a query or a fragment.
struct BaseUrl {
  std::string host;         // as written, without IPv6 brackets
  std::string port;         // "80" when the URL has none
  std::string host_header;  // for the Host header: "host:port" or "[v6]:port"
  std::string path_prefix;  // "" or "/prefix" (no trailing slash), already percent-encoded
};
ApiResult<BaseUrl> parse_base_url(std::string_view url);

// What a request is, beyond its bytes: how long it may wait at the server and how to treat failures.
struct CallSpec {
  int wait_s = 0;                               // the server may hold the answer this long (long-poll)
  bool idempotent = false;                      // safe to send twice
  bool long_poll = false;                       // may be ended by interrupt_long_polls()
  Errc conflict = Errc::invalid_state;          // what a 409 means for this call
  Errc unprocessable = Errc::invalid_argument;  // what a 422 means for this call
};

class HttpConnection {
 public:
  HttpConnection(BaseUrl url, ClientOptions options);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  const BaseUrl& url() const { return url_; }
  const ClientOptions& options() const { return options_; }

  // Sends `request` (Host, User-Agent and Content-Length are set here) and returns the answer when
  // its status is below 400. Errors: Errc::unavailable for a transport failure or timeout;
  // Errc::shutting_down when a long-poll was interrupted; for a status >= 400, the error built from
  // the answer (errc_for_status, with spec.conflict for 409 and spec.unprocessable for 422).
  ApiResult<HttpResponse> call(HttpRequest& request, const CallSpec& spec);
  ApiResult<HttpResponse> call(HttpViewRequest& request, const CallSpec& spec);

  // Thread-safe. Ends a long-poll call in progress at once and makes every later one fail at once,
  // both with Errc::shutting_down; other calls are not affected. Must not race with destruction.
  void interrupt_long_polls();

 private:
  template <class Request>
  ApiResult<HttpResponse> call_impl(Request& request, const CallSpec& spec);
  boost::system::error_code connect();
  bool reusable();
  void close();
  template <class Start>
  boost::system::error_code run(Start&& start);
  ApiError transport_error(std::string_view phase, const boost::system::error_code& ec) const;

  BaseUrl url_;
  ClientOptions options_;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::resolver resolver_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::asio::ip::tcp::resolver::results_type> endpoints_;
  bool connected_ = false;
  bool in_long_poll_ = false;  // only touched by the calling thread and handlers run on it
  std::chrono::steady_clock::time_point last_used_{};
  std::atomic<bool> long_polls_interrupted_{false};
};

}  // namespace replyd::client
