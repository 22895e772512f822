#include "client/http_connection.h"

#include "client/protocol_headers.h"

#include <fmt/format.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>

#include <poll.h>

namespace replyd::client {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;

ApiError bad_url(std::string_view url, std::string_view why) {
  return ApiError(Errc::invalid_argument, fmt::format("bad server URL '{}': {}", url, why));
}

}  // namespace

ApiResult<BaseUrl> parse_base_url(std::string_view text) {
  auto parsed = boost::urls::parse_absolute_uri(text);
  if (!parsed) return bad_url(text, "not an absolute URL");
  const auto& u = *parsed;
  if (u.scheme() != "http") return bad_url(text, "only http:// is supported (put TLS in a proxy)");
  if (u.host_address().empty()) return bad_url(text, "no host");
  if (u.has_query() || u.has_fragment()) return bad_url(text, "a query or fragment is not allowed");
  if (u.has_userinfo()) return bad_url(text, "user information is not supported");
  BaseUrl out;
  out.host = u.host_address();
  out.port = u.has_port() ? std::string(u.port()) : "80";
  if (out.port.empty()) out.port = "80";
  bool v6 = u.host_type() == boost::urls::host_type::ipv6;
  out.host_header = fmt::format("{}{}{}:{}", v6 ? "[" : "", out.host, v6 ? "]" : "", out.port);
  out.path_prefix = std::string(u.encoded_path());
  while (!out.path_prefix.empty() && out.path_prefix.back() == '/') out.path_prefix.pop_back();
  return out;
}

HttpConnection::HttpConnection(BaseUrl url, ClientOptions options)
    : url_(std::move(url)), options_(std::move(options)), resolver_(io_), stream_(io_) {}

HttpConnection::~HttpConnection() = default;

// Starts one asynchronous operation and runs the private io_context until it is done: a blocking
// call with the timeouts of beast::tcp_stream, and a handler queue that interrupt_long_polls() can
// post to from another thread.
template <class Start>
error_code HttpConnection::run(Start&& start) {
  error_code result = asio::error::would_block;
  start([&result](error_code ec, auto&&...) { result = ec; });
  io_.restart();
  io_.run();
  return result;
}

ApiError HttpConnection::transport_error(std::string_view phase, const error_code& ec) const {
  std::string why = ec == beast::error::timeout ? "timed out" : ec.message();
  return ApiError(Errc::unavailable, fmt::format("{} http://{}: {}", phase, url_.host_header, why));
}

void HttpConnection::close() {
  error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.close();
  buffer_.clear();
  connected_ = false;
}

bool HttpConnection::reusable() {
  if (!connected_) return false;
  if (std::chrono::steady_clock::now() - last_used_ > options_.max_idle) return false;
  // Between answers the server has nothing to say: a readable socket means it closed the connection
  // (or broke the protocol), so sending on it would fail or be lost.
  pollfd p{stream_.socket().native_handle(), POLLIN, 0};
  return ::poll(&p, 1, 0) == 0 && buffer_.size() == 0;
}

error_code HttpConnection::connect() {
  close();
  error_code ec;
  if (!endpoints_) {
    asio::ip::tcp::resolver::results_type results;
    ec = run([&](auto handler) {
      resolver_.async_resolve(url_.host, url_.port, [&results, handler](error_code e, auto r) mutable {
        results = std::move(r);
        handler(e);
      });
    });
    if (ec) return ec;
    endpoints_ = std::move(results);
  }
  stream_.expires_after(options_.connect_timeout);
  ec = run([&](auto handler) { stream_.async_connect(*endpoints_, handler); });
  if (ec) {
    endpoints_.reset();  // resolve again next time: the address may have moved
    close();
    return ec;
  }
  stream_.socket().set_option(asio::ip::tcp::no_delay(true), ec);
  connected_ = true;
  return {};
}

ApiResult<HttpResponse> HttpConnection::call(HttpRequest& request, const CallSpec& spec) {
  return call_impl(request, spec);
}

ApiResult<HttpResponse> HttpConnection::call(HttpViewRequest& request, const CallSpec& spec) {
  return call_impl(request, spec);
}

template <class Request>
ApiResult<HttpResponse> HttpConnection::call_impl(Request& request, const CallSpec& spec) {
  if (spec.long_poll && long_polls_interrupted_.load()) return ApiError(Errc::shutting_down, "interrupted");
  struct LongPollScope {
    bool& flag;
    LongPollScope(bool& f, bool on) : flag(f) { flag = on; }
    ~LongPollScope() { flag = false; }
  } scope(in_long_poll_, spec.long_poll);

  request.set(http::field::host, url_.host_header);
  request.set(http::field::user_agent, options_.user_agent);
  request.prepare_payload();
  auto read_timeout = options_.io_timeout + std::chrono::seconds(std::max(spec.wait_s, 0));

  for (int attempt = 0;; ++attempt) {
    bool reused = reusable();
    if (!reused) {
      if (auto ec = connect()) {
        if (spec.long_poll && long_polls_interrupted_.load())
          return ApiError(Errc::shutting_down, "interrupted");
        return transport_error("cannot connect to", ec);
      }
    }
    // An interrupt that came while connecting (the close it posts cannot stop a resolve) ends the call here.
    if (spec.long_poll && long_polls_interrupted_.load()) {
      close();
      return ApiError(Errc::shutting_down, "interrupted");
    }
    stream_.expires_after(options_.io_timeout);
    error_code write_ec = run([&](auto handler) { http::async_write(stream_, request, handler); });
    http::response_parser<http::string_body> parser;
    parser.header_limit(
        static_cast<std::uint32_t>(std::min<std::size_t>(options_.max_header_bytes, UINT32_MAX)));
    parser.body_limit(options_.max_body_bytes);
    error_code read_ec;
    if (!write_ec) {
      stream_.expires_after(read_timeout);
      read_ec = run([&](auto handler) { http::async_read(stream_, buffer_, parser, handler); });
    }
    if (!write_ec && !read_ec) {
      stream_.expires_never();
      HttpResponse response = parser.release();
      if (response.keep_alive()) {
        last_used_ = std::chrono::steady_clock::now();
      } else {
        close();
      }
      int status = static_cast<int>(response.result_int());
      if (status < 400) return response;
      std::optional<int> retry_after;
      if (auto it = response.find(http::field::retry_after); it != response.end()) {
        retry_after = parse_retry_after(it->value());
      }
      Errc code = status == 409   ? spec.conflict
                  : status == 422 ? spec.unprocessable
                                  : errc_for_status(status);
      return error_from_answer(code, status, response.reason(), response.body(), retry_after);
    }
    close();
    if (spec.long_poll && long_polls_interrupted_.load()) return ApiError(Errc::shutting_down, "interrupted");
    // A request that failed on a reused connection most likely met a connection the server was
    // closing; it is sent again only when that cannot run it twice.
    bool retry = reused && attempt == 0 && (write_ec || (spec.idempotent && !parser.got_some()));
    if (!retry)
      return transport_error(write_ec ? "cannot send to" : "no answer from", write_ec ? write_ec : read_ec);
  }
}

void HttpConnection::interrupt_long_polls() {
  long_polls_interrupted_.store(true);
  // Runs on the calling thread inside its next (or current) run(); a call that is not a long-poll is
  // left alone.
  asio::post(io_, [this] {
    if (in_long_poll_) stream_.close();
  });
}

}  // namespace replyd::client
