#include "http/linger.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace replyd::http {
namespace net = boost::asio;

net::awaitable<void> linger_close(boost::beast::tcp_stream& stream, boost::beast::flat_buffer& buffer) {
  boost::beast::error_code ec;
  stream.socket().shutdown(net::ip::tcp::socket::shutdown_send, ec);
  if (!ec) {
    stream.expires_after(kLingerTime);
    std::size_t drained = 0;
    while (drained < kLingerBytes) {
      buffer.clear();
      auto [read_ec, bytes] =
          co_await stream.async_read_some(buffer.prepare(16 * 1024), net::as_tuple(net::use_awaitable));
      if (read_ec) break;
      drained += bytes;
    }
  }
  stream.socket().close(ec);
}

}  // namespace replyd::http
