// Detecting that a client went away while its handler waits (Exchange::cancel_on_peer_close).
//
// While a handler runs, nothing else reads the socket, so the only way to notice a close is to read:
// the watch keeps one read outstanding on the connection until the handler returns. Its outcome:
//   - an error (end of stream, reset, or the socket closed by a timeout or the stop deadline): the
//     client is gone; the handler coroutine gets terminal cancellation, so its pending co_await ends
//     with operation_aborted, and the connection closes once it returns;
//   - bytes: the client pipelined its next request (or more of it) while waiting. The bytes are
//     committed to the connection's flat_buffer, after any bytes already buffered, exactly as an
//     ordinary read would leave them; the next iteration of the request loop parses them from there,
//     so nothing is lost or reordered. The watch then reads again, until kWatchBufferLimit bytes are
//     buffered: a client that keeps sending is alive, and the rest stays in the kernel's queue.
// When the handler returns, the session cancels the outstanding read and waits for its completion
// handler (which may commit the last bytes) before it touches the buffer again.
#include "http/session.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace replyd::http {
namespace net = boost::asio;
namespace {

constexpr std::size_t kWatchBufferLimit = 64 * 1024;
// Small: a waiting client rarely sends anything, and thousands of connections may wait at once.
constexpr std::size_t kWatchReadSize = 512;

}  // namespace

void Session::cancel_on_peer_close() {
  if (phase_ != Phase::handling || watch_pending_ || watch_over_ || peer_closed_) return;
  // The request was read with a 16 KiB buffer; a long-poll or a stream may now wait for minutes, and
  // that capacity would be most of its idle cost. The next request reallocates it.
  if (buffer_.size() == 0) buffer_.shrink_to_fit();
  start_watch();
}

void Session::start_watch() {
  if (buffer_.size() >= kWatchBufferLimit) return;
  // The watch has no deadline of its own (a long-poll may wait for minutes); only the write timer of a
  // concurrent stream write stays armed, because expires_never() leaves a pending operation's timer.
  stream_.expires_never();
  watch_pending_ = true;
  std::size_t room = std::min(kWatchReadSize, kWatchBufferLimit - buffer_.size());
  stream_.async_read_some(buffer_.prepare(room), WatchHandler{shared_from_this()});
}

void Session::on_watch(boost::beast::error_code ec, std::size_t bytes) {
  watch_pending_ = false;
  buffer_.commit(bytes);
  watch_done_.cancel();  // wakes stop_watch() if it waits
  if (watch_over_) return;
  if (ec) {
    peer_closed_ = true;
    handler_cancel_.emit(net::cancellation_type::terminal);
    return;
  }
  start_watch();
}

net::awaitable<void> Session::stop_watch() {
  watch_over_ = true;
  if (!watch_pending_) co_return;
  boost::beast::error_code ec;
  stream_.socket().cancel(ec);
  co_await watch_done_.async_wait(net::as_tuple(net::use_awaitable));
}

}  // namespace replyd::http
