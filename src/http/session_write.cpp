#include "http/session.h"

#include "http/http_date.h"
#include "http/linger.h"
#include "http/wire_format.h"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

namespace replyd::http {
namespace net = boost::asio;

net::awaitable<Session::Next> Session::reply(Response response, bool close) {
  if (auto why = invalid_response_reason(response); !why.empty()) {
    spdlog::error("http handler for {} {} returned an unsendable response ({}); answering 500",
                  to_string(method_), route_ != nullptr ? route_->pattern : "?", why);
    response = problem(500, "the server produced an invalid response");
  }
  close = close || stopping();
  HeadContext context{current_http_date(), options_.server_header, close, !close && http10_};
  write_head(response, Framing::length, response.body.size(), context, head_);
  // HEAD gets the GET's head, Content-Length included, and no body.
  bool with_body = !head_request_ && status_has_body(response.status);
  std::array<net::const_buffer, 3> buffers{
      net::buffer(head_), net::buffer(response.body.data(), with_body ? response.body.size() : 0)};
  // Recorded before the write completes, so a client that has read its response also sees it counted.
  record(response.status);
  bool sent = co_await write_buffers(buffers);
  if (!sent) co_return Next::close;
  co_return close ? Next::linger_close : Next::keep_alive;
}

net::awaitable<Session::Next> Session::refuse(Refusal refusal) {
  Response response = problem(refusal.status, refusal.detail);
  if (!refusal.allow.empty()) response.set_header("Allow", std::move(refusal.allow));
  co_return co_await reply(std::move(response), refusal.close || !keep_alive_);
}

net::awaitable<bool> Session::write_buffers(std::array<net::const_buffer, 3> buffers) {
  // Stream writes run inside the handler's coroutine, whose cancellation state may already be
  // cancelled (the client left, or the stop deadline passed); asio then throws at the co_await. For a
  // writer that only means the client is gone.
  try {
    stream_.expires_after(options_.write_timeout);
    auto [ec, bytes] = co_await net::async_write(stream_, buffers, net::as_tuple(net::use_awaitable));
    co_return !ec;
  } catch (const boost::system::system_error&) {
    co_return false;
  }
}

net::awaitable<bool> Session::begin_stream(Response head) {
  if (phase_ != Phase::handling || streaming_) co_return false;
  streaming_ = true;
  status_ = head.status;
  if (auto why = invalid_response_reason(head); !why.empty()) {
    spdlog::error("http handler for {} {} began an unsendable stream ({}); answering 500", to_string(method_),
                  route_->pattern, why);
    Response failure = problem(500, "the server produced an invalid response");
    status_ = failure.status;
    write_head(failure, Framing::length, failure.body.size(),
               {current_http_date(), options_.server_header, true}, head_);
    std::array<net::const_buffer, 3> buffers{net::buffer(head_), net::buffer(failure.body)};
    co_await write_buffers(buffers);
    co_return false;
  }
  // HTTP/1.0 has no chunked encoding: the body then ends when the connection closes.
  chunked_stream_ = !http10_;
  HeadContext context{current_http_date(), options_.server_header, true};
  write_head(head, chunked_stream_ ? Framing::chunked : Framing::until_close, 0, context, head_);
  std::array<net::const_buffer, 3> buffers{net::buffer(head_)};
  bool sent = co_await write_buffers(buffers);
  stream_ok_ = sent && !head_request_ && status_has_body(head.status);
  co_return stream_ok_;
}

net::awaitable<bool> Session::write_chunk(std::string_view data) {
  if (!stream_ok_ || peer_closed_) co_return false;
  if (data.empty()) co_return true;  // an empty chunk would end the stream
  std::array<char, 20> size_line;
  // Named rather than temporary: g++ 12 rejects array temporaries in a co_await expression.
  std::array<net::const_buffer, 3> buffers{net::buffer(data)};
  if (chunked_stream_) {
    buffers = {net::buffer(chunk_size_line(data.size(), size_line)), net::buffer(data),
               net::buffer(kChunkEnd)};
  }
  stream_ok_ = co_await write_buffers(buffers);
  co_return stream_ok_;
}

net::awaitable<Session::Next> Session::end_stream() {
  record(status_);
  bool ok = stream_ok_ && !peer_closed_;
  std::array<net::const_buffer, 3> last{net::buffer(kLastChunk)};
  if (ok && chunked_stream_) ok = co_await write_buffers(last);
  co_return ok ? Next::linger_close : Next::close;
}

net::awaitable<void> Session::linger_and_close() {
  phase_ = Phase::lingering;
  if (!stopping()) co_await linger_close(stream_, buffer_);
}

void Session::record(int status) {
  double seconds = std::chrono::duration<double>(Clock::now() - started_).count();
  listener_->metrics().record(route_, method_, status, seconds);
}

void Session::request_stop() {
  net::post(stream_.get_executor(), [self = shared_from_this()] { self->on_stop(false); });
}

void Session::force_close() {
  net::post(stream_.get_executor(), [self = shared_from_this()] { self->on_stop(true); });
}

void Session::on_stop(bool force) {
  stopping_ = true;
  if (force) {
    handler_cancel_.emit(net::cancellation_type::terminal);
    stream_.close();
  } else if (phase_ == Phase::idle || phase_ == Phase::lingering) {
    stream_.close();
  }
}

}  // namespace replyd::http
