// One request and its response on a connection, as a handler sees it. Implemented by the connection
// (session.cpp) and, for unit tests, by a fake.
#pragma once

#include "http/request.h"
#include "http/response.h"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <string_view>

namespace replyd::http {

class Exchange {
 public:
  virtual ~Exchange() = default;

  virtual Request& request() = 0;

  // The connection's strand. A handler runs on it; timers it creates must use it, and anything that
  // wakes such a timer from another thread must post to it.
  virtual boost::asio::any_io_executor executor() = 0;

  // For handlers that wait (long-poll, streams): from now until the response is complete, a close of
  // the connection by the client emits terminal cancellation on the handler coroutine, so a pending
  // `co_await` on a timer ends with operation_aborted and the handler can return at once.
  // (Asio then also throws operation_aborted from any later co_await in that coroutine unless it is
  // awaited with as_tuple.) The connection detects the close by keeping a read outstanding; bytes of
  // a request the client pipelines meanwhile are kept, in order, for after this response.
  virtual void cancel_on_peer_close() = 0;

  // Streaming responses (text/event-stream). begin_stream sends the head with chunked transfer
  // encoding; each write_chunk sends one chunk under the write timeout. Both return false when the
  // client is gone or too slow; the handler should then return. After streaming, the Response the
  // handler returns is ignored and the connection closes once the handler returns.
  // For a HEAD request begin_stream sends the head only and returns false. An empty chunk is skipped
  // (it would end the stream). A second begin_stream returns false.
  virtual boost::asio::awaitable<bool> begin_stream(Response head) = 0;
  virtual boost::asio::awaitable<bool> write_chunk(std::string_view data) = 0;
};

}  // namespace replyd::http
