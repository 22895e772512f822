#include "client/event_stream.h"

#include "client/http_connection.h"

#include <fmt/format.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <array>
#include <charconv>
#include <limits>

namespace replyd::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;

struct EventStream::Impl {
  Impl(BaseUrl u, EventStreamOptions o)
      : url(std::move(u)), options(std::move(o)), resolver(io), stream(io) {}

  // One asynchronous operation, run on the calling thread until done: blocking, with the timeouts of
  // beast::tcp_stream (as HttpConnection does).
  template <class Start>
  error_code run(Start&& start) {
    error_code result = asio::error::would_block;
    start([&result](error_code ec, auto&&...) { result = ec; });
    io.restart();
    io.run();
    return result;
  }

  ApiError transport_error(std::string_view phase, const error_code& ec) const {
    std::string why = ec == beast::error::timeout ? "timed out" : ec.message();
    return ApiError(Errc::unavailable, fmt::format("{} http://{}: {}", phase, url.host_header, why));
  }

  // Reads the next piece of the body into the SSE parser (or, with `raw`, appends it there). Returns
  // false once the body has ended.
  ApiResult<bool> read_piece(std::string* raw = nullptr) {
    if (parser.is_done()) return false;
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    stream.expires_after(options.idle_timeout);
    error_code ec = run([&](auto handler) { http::async_read_some(stream, buffer, parser, handler); });
    if (ec == http::error::need_buffer) ec = {};
    if (ec == http::error::end_of_stream) return false;
    if (ec) return transport_error("event stream from", ec);
    std::string_view piece(chunk.data(), chunk.size() - parser.get().body().size);
    if (raw) {
      raw->append(piece);
      return true;
    }
    sse.feed(piece);
    if (sse.pending_bytes() > options.max_event_bytes) {
      return ApiError(Errc::unavailable, "an event of the stream is larger than the limit");
    }
    return true;
  }

  BaseUrl url;
  EventStreamOptions options;
  asio::io_context io;
  asio::ip::tcp::resolver resolver;
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  std::array<char, 16 * 1024> chunk{};
  SseParser sse;
  bool ended = false;
};

EventStream::EventStream(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EventStream::~EventStream() = default;

ApiResult<std::unique_ptr<EventStream>> EventStream::open(std::string_view base_url, std::string_view path,
                                                          EventStreamOptions options) {
  auto url = parse_base_url(base_url);
  if (!url) return url.error();
  auto impl = std::make_unique<Impl>(*url, std::move(options));
  Impl& s = *impl;
  const ClientOptions& client = s.options.client;

  asio::ip::tcp::resolver::results_type endpoints;
  s.stream.expires_after(client.connect_timeout);
  error_code ec = s.run([&](auto handler) {
    s.resolver.async_resolve(s.url.host, s.url.port, [&endpoints, handler](error_code e, auto r) mutable {
      endpoints = std::move(r);
      handler(e);
    });
  });
  if (!ec) ec = s.run([&](auto handler) { s.stream.async_connect(endpoints, handler); });
  if (ec) return s.transport_error("cannot connect to", ec);

  http::request<http::empty_body> request{http::verb::get, s.url.path_prefix + std::string(path), 11};
  request.set(http::field::host, s.url.host_header);
  request.set(http::field::user_agent, client.user_agent);
  request.set(http::field::accept, "text/event-stream");
  if (!s.options.last_event_id.empty()) request.set("Last-Event-ID", s.options.last_event_id);
  s.stream.expires_after(client.io_timeout);
  ec = s.run([&](auto handler) { http::async_write(s.stream, request, handler); });
  if (ec) return s.transport_error("cannot send to", ec);

  s.parser.header_limit(static_cast<std::uint32_t>(client.max_header_bytes));
  s.parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  ec = s.run([&](auto handler) { http::async_read_header(s.stream, s.buffer, s.parser, handler); });
  if (ec) return s.transport_error("no answer from", ec);

  int status = static_cast<int>(s.parser.get().result_int());
  if (status >= 300) {
    // An error answer is small: read it whole (bounded) for its problem document.
    std::string body;
    while (body.size() < 64 * 1024) {
      auto more = s.read_piece(&body);
      if (!more || !*more) break;
    }
    std::optional<int> retry_after;
    if (auto it = s.parser.get().find(http::field::retry_after); it != s.parser.get().end()) {
      int value = 0;
      auto text = it->value();
      auto [end, err] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (err == std::errc() && end == text.data() + text.size()) retry_after = value;
    }
    return error_from_answer(errc_for_status(status), status, std::string(s.parser.get().reason()), body,
                             retry_after);
  }
  s.ended = status != 200;
  return std::unique_ptr<EventStream>(new EventStream(std::move(impl)));
}

ApiResult<std::optional<SseEvent>> EventStream::next() {
  Impl& s = *impl_;
  while (true) {
    if (auto event = s.sse.next()) {
      last_event_id_ = event->id;
      return std::optional<SseEvent>(std::move(*event));
    }
    if (s.ended) return std::optional<SseEvent>();
    auto more = s.read_piece();
    if (!more) return more.error();
    if (!*more) s.ended = true;
  }
}

}  // namespace replyd::client
