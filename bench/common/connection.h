// One kept-alive HTTP/1.1 connection for the benchmark tools, on Beast with Asio coroutines: no thread
// and no allocation of a new socket per request, so that the load generator's own CPU per request stays
// far below the server's. Not thread-safe: one coroutine uses a connection at a time.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace replyd::bench {

using Headers = std::vector<std::pair<std::string_view, std::string_view>>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

struct Reply {
  boost::system::error_code error;  // connect, write, read or timeout failure; `response` is empty then
  Response response;
  int status() const { return error ? 0 : response.result_int(); }
};

class Connection {
 public:
  Connection(boost::asio::any_io_executor executor, boost::asio::ip::tcp::endpoint endpoint,
             std::chrono::milliseconds timeout);

  // Sends one request and reads the whole response (an event stream is read until the server ends it).
  // Connects when not connected, and reconnects once when a kept-alive connection was closed by the
  // server before the request could be written. `target` is a path with query or an absolute URL of
  // this server (a Location header).
  boost::asio::awaitable<Reply> request(boost::beast::http::verb method, std::string_view target,
                                        std::string body, const Headers& headers);

 private:
  boost::asio::awaitable<boost::system::error_code> connect();

  boost::asio::ip::tcp::endpoint endpoint_;
  std::chrono::milliseconds timeout_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::string host_;
  bool connected_ = false;
  boost::beast::http::request<boost::beast::http::string_body> request_;
};

// The path and query of an absolute URL ("http://h:p/v1/jobs/x" -> "/v1/jobs/x"); a path as is.
std::string_view path_of(std::string_view target);

}  // namespace replyd::bench
