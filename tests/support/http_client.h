// Synchronous HTTP/1.1 clients for black-box tests, on Beast, with a deadline on every call so that a
// server that does not answer fails the test instead of hanging it. Not thread-safe: one thread per
// object (a test that needs a concurrent worker gives it its own client).
//
//   HttpClient     keep-alive requests; returns the whole response (status, every header, body).
//   RawConnection  sends arbitrary bytes (malformed requests) and reads what comes back.
//
// Errors (connection refused, deadline passed, garbage instead of HTTP) throw std::runtime_error with
// a message naming the request: gtest reports it as the test's failure.
#pragma once

#include "tests/support/http_response.h"

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/verb.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace replyd::blackbox {

using namespace std::chrono_literals;

// "http://HOST:PORT" split for connecting.
struct Endpoint {
  std::string host;
  std::string port;
  std::string base_url;  // "http://HOST:PORT"
};
// Throws std::invalid_argument for anything but "http://HOST:PORT" (a trailing '/' is allowed).
Endpoint parse_base_url(std::string_view base_url);
// The path and query to send for `target`: a path ("/v1/jobs?x=1") as is, or an absolute URL on
// `endpoint` (a Location header) without its scheme and authority. Throws std::invalid_argument for a
// URL of another server.
std::string target_path(const Endpoint& endpoint, std::string_view target);

class HttpClient {
 public:
  static constexpr std::chrono::milliseconds kDefaultDeadline = 20s;

  // `base_url`: "http://127.0.0.1:PORT". Connects on the first request.
  explicit HttpClient(std::string_view base_url);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request on the kept-alive connection (a new one when the server closed it) and returns
  // the response once read whole, within `deadline`. `target` is a path with query ("/v1/jobs?x=1") or
  // an absolute URL on this server (a Location header). `headers` are sent as given; Host is added;
  // Content-Length is set from `body` (0 for an empty POST), unless `headers` has Transfer-Encoding.
  HttpResponse request(boost::beast::http::verb method, std::string_view target, std::string body = {},
                       const Headers& headers = {}, std::chrono::milliseconds deadline = kDefaultDeadline);

  HttpResponse get(std::string_view target, const Headers& headers = {},
                   std::chrono::milliseconds deadline = kDefaultDeadline);
  HttpResponse post(std::string_view target, std::string body = {}, const Headers& headers = {},
                    std::chrono::milliseconds deadline = kDefaultDeadline);
  HttpResponse del(std::string_view target, const Headers& headers = {});

  const std::string& base_url() const { return endpoint_.base_url; }

 private:
  void connect(std::chrono::milliseconds deadline);
  void close();

  Endpoint endpoint_;
  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  bool connected_ = false;
};

class RawConnection {
 public:
  // Connects at once; throws when the server does not accept within `deadline`.
  explicit RawConnection(std::string_view base_url, std::chrono::milliseconds deadline = 10s);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // Writes these bytes exactly.
  void send(std::string_view bytes, std::chrono::milliseconds deadline = 10s);
  // Reads one HTTP response (head and body as its framing says). Throws when the connection closes
  // first or the deadline passes.
  HttpResponse read_response(std::chrono::milliseconds deadline = 10s);
  // Reads until the server closes the connection and returns every byte that came (after what
  // read_response consumed). Throws when the deadline passes first.
  std::string read_until_close(std::chrono::milliseconds deadline = 10s);

 private:
  Endpoint endpoint_;
  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace replyd::blackbox
