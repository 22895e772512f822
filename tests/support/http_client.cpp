#include "tests/support/http_client.h"

#include "tests/support/deadline_io.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <limits>
#include <stdexcept>

namespace replyd::blackbox {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using detail::run_with_deadline;

std::runtime_error failure(std::string_view what, std::string_view target,
                           const boost::system::error_code& ec) {
  return std::runtime_error(std::string(what) + " " + std::string(target) + ": " + ec.message());
}

void connect_stream(net::io_context& io, beast::tcp_stream& stream, const Endpoint& endpoint,
                    std::chrono::milliseconds deadline) {
  net::ip::tcp::resolver resolver(io);
  boost::system::error_code ec;
  auto results = resolver.resolve(endpoint.host, endpoint.port, ec);
  if (ec) throw failure("resolve", endpoint.base_url, ec);
  auto outcome = run_with_deadline(io, stream, deadline, [&](auto handler) {
    stream.async_connect(
        results, [handler](boost::system::error_code e, const net::ip::tcp::endpoint&) { handler(e); });
  });
  if (outcome.ec) throw failure("connect to", endpoint.base_url, outcome.ec);
  stream.socket().set_option(net::ip::tcp::no_delay(true));
}

template <class Message>
HttpResponse to_response(const Message& message) {
  HttpResponse response;
  response.status = static_cast<int>(message.result_int());
  for (const auto& field : message) {
    response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  response.body = message.body();
  return response;
}

void configure(http::response_parser<http::string_body>& parser) {
  parser.header_limit(1 << 20);
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
}

}  // namespace

Endpoint parse_base_url(std::string_view base_url) {
  constexpr std::string_view kScheme = "http://";
  if (!base_url.starts_with(kScheme))
    throw std::invalid_argument("not an http:// URL: " + std::string(base_url));
  std::string_view rest = base_url.substr(kScheme.size());
  if (rest.ends_with('/')) rest.remove_suffix(1);
  auto colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == rest.size() ||
      rest.find('/') != std::string_view::npos) {
    throw std::invalid_argument("expected http://HOST:PORT, got " + std::string(base_url));
  }
  return Endpoint{std::string(rest.substr(0, colon)), std::string(rest.substr(colon + 1)),
                  std::string(kScheme) + std::string(rest)};
}

std::string target_path(const Endpoint& endpoint, std::string_view target) {
  if (target.starts_with('/')) return std::string(target);
  std::string_view base = endpoint.base_url;
  if (target.starts_with(base) && target.size() > base.size() && target[base.size()] == '/') {
    return std::string(target.substr(base.size()));
  }
  throw std::invalid_argument("not a path or a URL of " + endpoint.base_url + ": " + std::string(target));
}

HttpClient::HttpClient(std::string_view base_url) : endpoint_(parse_base_url(base_url)), stream_(io_) {}

HttpClient::~HttpClient() { close(); }

void HttpClient::connect(std::chrono::milliseconds deadline) {
  connect_stream(io_, stream_, endpoint_, deadline);
  connected_ = true;
}

void HttpClient::close() {
  boost::system::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
  buffer_.clear();
  connected_ = false;
}

HttpResponse HttpClient::request(http::verb method, std::string_view target, std::string body,
                                 const Headers& headers, std::chrono::milliseconds deadline) {
  http::request<http::string_body> request{method, target_path(endpoint_, target), 11};
  request.set(http::field::host, endpoint_.host + ":" + endpoint_.port);
  bool chunked = false;
  for (const auto& [name, value] : headers) {
    request.insert(name, value);
    if (iequals(name, "Transfer-Encoding")) chunked = true;
  }
  request.body() = std::move(body);
  if (!chunked) request.prepare_payload();
  std::string what = std::string(http::to_string(method)) + " " + std::string(target);

  // A kept-alive connection may have been closed by the server meanwhile: one fresh retry when nothing
  // of an answer came back on a reused connection.
  for (int round = 0;; ++round) {
    bool reused = connected_;
    if (!connected_) connect(deadline);
    auto written = run_with_deadline(io_, stream_, deadline,
                                     [&](auto handler) { http::async_write(stream_, request, handler); });
    if (written.ec) {
      close();
      if (reused && round == 0) continue;
      throw failure("write", what, written.ec);
    }
    http::response_parser<http::string_body> parser;
    configure(parser);
    if (method == http::verb::head) parser.skip(true);
    auto read = run_with_deadline(io_, stream_, deadline,
                                  [&](auto handler) { http::async_read(stream_, buffer_, parser, handler); });
    if (read.ec) {
      close();
      bool nothing_came = read.ec == http::error::end_of_stream || read.ec == net::error::connection_reset;
      if (reused && round == 0 && nothing_came) continue;
      throw failure("read the response to", what, read.ec);
    }
    HttpResponse response = to_response(parser.get());
    if (!parser.keep_alive()) close();
    return response;
  }
}

HttpResponse HttpClient::get(std::string_view target, const Headers& headers,
                             std::chrono::milliseconds deadline) {
  return request(http::verb::get, target, {}, headers, deadline);
}

HttpResponse HttpClient::post(std::string_view target, std::string body, const Headers& headers,
                              std::chrono::milliseconds deadline) {
  return request(http::verb::post, target, std::move(body), headers, deadline);
}

HttpResponse HttpClient::del(std::string_view target, const Headers& headers) {
  return request(http::verb::delete_, target, {}, headers);
}

RawConnection::RawConnection(std::string_view base_url, std::chrono::milliseconds deadline)
    : endpoint_(parse_base_url(base_url)), stream_(io_) {
  connect_stream(io_, stream_, endpoint_, deadline);
}

RawConnection::~RawConnection() {
  boost::system::error_code ignored;
  stream_.socket().close(ignored);
}

void RawConnection::send(std::string_view bytes, std::chrono::milliseconds deadline) {
  auto outcome = run_with_deadline(io_, stream_, deadline, [&](auto handler) {
    net::async_write(stream_, net::buffer(bytes.data(), bytes.size()), handler);
  });
  if (outcome.ec) throw failure("send raw bytes to", endpoint_.base_url, outcome.ec);
}

HttpResponse RawConnection::read_response(std::chrono::milliseconds deadline) {
  http::response_parser<http::string_body> parser;
  configure(parser);
  auto outcome = run_with_deadline(
      io_, stream_, deadline, [&](auto handler) { http::async_read(stream_, buffer_, parser, handler); });
  if (outcome.ec) throw failure("read a response from", endpoint_.base_url, outcome.ec);
  return to_response(parser.get());
}

std::string RawConnection::read_until_close(std::chrono::milliseconds deadline) {
  auto end = std::chrono::steady_clock::now() + deadline;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
    if (left <= std::chrono::milliseconds::zero()) {
      throw std::runtime_error("the server did not close the connection in time; received: " +
                               beast::buffers_to_string(buffer_.data()));
    }
    auto outcome = run_with_deadline(io_, stream_, left, [&](auto handler) {
      stream_.async_read_some(buffer_.prepare(64 * 1024), handler);
    });
    buffer_.commit(outcome.bytes);
    if (outcome.ec == net::error::eof || outcome.ec == net::error::connection_reset) break;
    if (outcome.ec) throw failure("read raw bytes from", endpoint_.base_url, outcome.ec);
  }
  std::string received = beast::buffers_to_string(buffer_.data());
  buffer_.consume(buffer_.size());
  return received;
}

}  // namespace replyd::blackbox
