#include "common/connection.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace replyd::bench {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {
constexpr auto kToken = net::as_tuple(net::use_awaitable);
}

std::string_view path_of(std::string_view target) {
  if (!target.starts_with("http://")) return target;
  auto slash = target.find('/', 7);
  return slash == std::string_view::npos ? std::string_view("/") : target.substr(slash);
}

Connection::Connection(net::any_io_executor executor, net::ip::tcp::endpoint endpoint,
                       std::chrono::milliseconds timeout)
    : endpoint_(endpoint),
      timeout_(timeout),
      stream_(std::move(executor)),
      host_(endpoint.address().to_string() + ":" + std::to_string(endpoint.port())) {}

net::awaitable<boost::system::error_code> Connection::connect() {
  stream_.close();
  buffer_.clear();
  stream_.expires_after(timeout_);
  auto [ec] = co_await stream_.async_connect(endpoint_, kToken);
  if (ec) co_return ec;
  stream_.socket().set_option(net::ip::tcp::no_delay(true));
  connected_ = true;
  co_return ec;
}

net::awaitable<Reply> Connection::request(http::verb method, std::string_view target, std::string body,
                                          const Headers& headers) {
  // The request object is reused: its header fields keep their storage from one request to the next.
  request_.clear();
  request_.method(method);
  request_.target(path_of(target));
  request_.version(11);
  request_.set(http::field::host, host_);
  for (const auto& [name, value] : headers) request_.set(name, value);
  request_.body() = std::move(body);
  request_.prepare_payload();
  if (method == http::verb::post && request_.body().empty()) request_.content_length(0);

  Reply reply;
  for (int attempt = 0; attempt < 2; ++attempt) {
    bool reused = connected_;
    if (!connected_) {
      reply.error = co_await connect();
      if (reply.error) co_return reply;
    }
    stream_.expires_after(timeout_);
    auto [write_error, written] = co_await http::async_write(stream_, request_, kToken);
    if (!write_error) {
      http::response_parser<http::string_body> parser;
      parser.body_limit(std::uint64_t{1} << 30);
      stream_.expires_after(timeout_);
      auto [read_error, read] = co_await http::async_read(stream_, buffer_, parser, kToken);
      // A kept-alive connection the server closed meanwhile fails before any byte of the answer.
      if (!read_error) {
        reply.response = parser.release();
        if (!reply.response.keep_alive()) {
          connected_ = false;
          stream_.close();
        }
        co_return reply;
      }
      reply.error = read_error;
      connected_ = false;
      if (!(reused && read_error == http::error::end_of_stream)) co_return reply;
    } else {
      reply.error = write_error;
      connected_ = false;
      if (!reused) co_return reply;
    }
  }
  co_return reply;
}

}  // namespace replyd::bench
