// Internal to http/: closing a connection without losing the response just written to it. When the
// server closes a socket whose receive queue still holds unread bytes (a body it refused, a pipelined
// request), the kernel answers with a reset, and the client may discard the response it has not read
// yet. So the server first shuts down its sending side, then reads and discards what the client still
// sends, until the client closes, kLingerBytes arrive, or kLingerTime passes.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <chrono>
#include <cstddef>

namespace replyd::http {

inline constexpr std::chrono::seconds kLingerTime{2};
inline constexpr std::size_t kLingerBytes = 1024 * 1024;

// Shuts down sending, drains as above, then closes the socket. `stream` and `buffer` must outlive the
// returned awaitable; `buffer` is used as scratch space. Never throws.
boost::asio::awaitable<void> linger_close(boost::beast::tcp_stream& stream,
                                          boost::beast::flat_buffer& buffer);

}  // namespace replyd::http
