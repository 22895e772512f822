// Internal to http/: one client connection. A coroutine on the connection's own strand reads each
// request (head, then body), routes it, runs the handler as a child coroutine on the same strand and
// writes the response, then waits for the next request on the same connection (keep-alive).
// Requests on one connection are handled one at a time, in order, so pipelining is safe.
//
// The session is the Exchange its handlers see. Everything in it runs on its strand, except
// request_stop() and force_close(), which post to it.
#pragma once

#include "http/exchange.h"
#include "http/listener.h"
#include "http/request_checks.h"
#include "http/request_impl.h"

#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>

#include <array>
#include <chrono>
#include <list>
#include <optional>

namespace replyd::http {

class Session final : public Exchange, public std::enable_shared_from_this<Session> {
 public:
  Session(std::shared_ptr<Listener> listener, boost::asio::ip::tcp::socket socket);
  ~Session() override;  // leaves the listener's registry

  // Spawns the connection's coroutine. `registry_position` is where the listener registered it.
  static void start(std::shared_ptr<Session> session, std::list<Session*>::iterator registry_position);
  // Graceful stop: an idle (or lingering) connection closes now; a busy one answers its current
  // request with "Connection: close" and then closes. Any thread.
  void request_stop();
  // The stop deadline: cancels the handler (terminal cancellation) and closes the socket. Any thread.
  void force_close();

  Request& request() override { return request_; }
  boost::asio::any_io_executor executor() override { return stream_.get_executor(); }
  void cancel_on_peer_close() override;
  boost::asio::awaitable<bool> begin_stream(Response head) override;
  boost::asio::awaitable<bool> write_chunk(std::string_view data) override;

 private:
  enum class Phase { idle, reading, handling, lingering };
  enum class Next { keep_alive, close, linger_close };
  using Clock = std::chrono::steady_clock;

  static boost::asio::awaitable<void> run(std::shared_ptr<Session> self);
  static boost::asio::awaitable<Response> invoke(const Route* route, Session* self);

  // session.cpp: reading, checking and routing one request, and running its handler.
  boost::asio::awaitable<Next> serve_one();
  boost::asio::awaitable<bool> wait_for_request();
  boost::asio::awaitable<boost::beast::error_code> read_head();
  boost::asio::awaitable<boost::beast::error_code> read_body(std::size_t limit);
  boost::asio::awaitable<Next> handle();
  bool stopping() const { return stopping_ || listener_->draining(); }

  // session_write.cpp: responses, streams, closing.
  boost::asio::awaitable<Next> reply(Response response, bool close);
  boost::asio::awaitable<Next> refuse(Refusal refusal);
  boost::asio::awaitable<Next> end_stream();
  // Writes the buffers under write_timeout; false when the client is gone or too slow.
  boost::asio::awaitable<bool> write_buffers(std::array<boost::asio::const_buffer, 3> buffers);
  boost::asio::awaitable<void> linger_and_close();
  void record(int status);
  void on_stop(bool force);

  // session_watch.cpp: detecting that the client went away while a handler waits.
  void start_watch();
  void on_watch(boost::beast::error_code ec, std::size_t bytes);
  boost::asio::awaitable<void> stop_watch();
  struct WatchHandler {
    std::shared_ptr<Session> self;
    void operator()(boost::beast::error_code ec, std::size_t bytes) const { self->on_watch(ec, bytes); }
  };

  std::shared_ptr<Listener> listener_;
  const ServerOptions& options_;
  std::optional<std::list<Session*>::iterator> registry_position_;  // set by start()
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;  // reused for every request; may hold the start of the next one
  RequestArena arena_;  // the current request's head; declared before its users, which die first
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body, ArenaAllocator<char>>>
      parser_;
  Request::Impl impl_{&arena_};
  Request request_{impl_};
  Match match_;       // reused: its params swap with impl_.path_params, so both keep capacity
  std::string head_;  // the response head being written; reused
  Clock::time_point header_deadline_;
  Clock::time_point started_;  // the request's head was parsed
  boost::asio::cancellation_signal handler_cancel_;
  boost::asio::steady_timer watch_done_;  // never expires; cancelled when a watch read completes

  Phase phase_ = Phase::idle;
  bool first_request_ = true;
  bool stopping_ = false;
  const Route* route_ = nullptr;
  Method method_ = Method::unknown;
  bool head_request_ = false;
  bool keep_alive_ = false;
  bool http10_ = false;
  int status_ = 0;
  bool peer_closed_ = false;
  bool watch_pending_ = false;
  bool watch_over_ = false;  // the handler returned: do not watch again
  bool streaming_ = false;
  bool stream_ok_ = false;
  bool chunked_stream_ = false;
};

}  // namespace replyd::http
