// Internal to tests/support: runs one asynchronous Beast/Asio operation on a private io_context until
// it completes or its deadline passes, so that synchronous test helpers never hang. A tcp_stream
// whose deadline passed is closed by Beast and the operation ends with beast::error::timeout.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <chrono>
#include <cstddef>

namespace replyd::blackbox::detail {

struct IoOutcome {
  boost::system::error_code ec;
  std::size_t bytes = 0;
};

// `initiate(handler)` starts the operation; `handler` accepts (error_code) or (error_code, size_t).
template <class Initiate>
IoOutcome run_with_deadline(boost::asio::io_context& io, boost::beast::tcp_stream& stream,
                            std::chrono::milliseconds deadline, Initiate&& initiate) {
  IoOutcome outcome;
  struct Handler {
    IoOutcome* out;
    void operator()(boost::system::error_code ec) const { out->ec = ec; }
    void operator()(boost::system::error_code ec, std::size_t n) const {
      out->ec = ec;
      out->bytes = n;
    }
  };
  stream.expires_after(deadline);
  initiate(Handler{&outcome});
  io.restart();
  io.run();
  stream.expires_never();
  return outcome;
}

}  // namespace replyd::blackbox::detail
