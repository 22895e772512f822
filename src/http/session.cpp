#include "http/session.h"

#include "http/ascii.h"
#include "http/request_checks.h"
#include "http/wire_format.h"

#include <spdlog/spdlog.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>

#include <limits>

namespace replyd::http {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace beast_http = boost::beast::http;
namespace {

constexpr auto kAwait = net::as_tuple(net::use_awaitable);
// Bytes asked of the socket when a connection waits for its next request.
constexpr std::size_t kReadSize = 16 * 1024;

struct LogSessionEnd {
  void operator()(const std::exception_ptr& error) const {
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      spdlog::error("http connection ended by an exception: {}", e.what());
    } catch (...) {
      spdlog::error("http connection ended by an exception not derived from std::exception");
    }
  }
};

}  // namespace

Session::Session(std::shared_ptr<Listener> listener, net::ip::tcp::socket socket)
    : listener_(std::move(listener)),
      options_(listener_->options()),
      stream_(std::move(socket)),
      header_deadline_(Clock::now() + options_.header_timeout),
      watch_done_(stream_.get_executor(), Clock::time_point::max()) {
  beast::error_code ec;
  // Responses are written whole (head and body in one gather write): Nagle would only delay them.
  stream_.socket().set_option(net::ip::tcp::no_delay(true), ec);
  auto remote = stream_.socket().remote_endpoint(ec);
  if (!ec) impl_.remote_address = remote.address().to_string();
}

Session::~Session() {
  if (registry_position_) listener_->remove(*registry_position_);
}

void Session::start(std::shared_ptr<Session> session, std::list<Session*>::iterator registry_position) {
  session->registry_position_ = registry_position;
  auto executor = session->stream_.get_executor();
  net::co_spawn(executor, run(std::move(session)), LogSessionEnd{});
}

net::awaitable<void> Session::run(std::shared_ptr<Session> self) {
  Next next = Next::keep_alive;
  while (next == Next::keep_alive) next = co_await self->serve_one();
  if (next == Next::linger_close) co_await self->linger_and_close();
  beast::error_code ec;
  self->stream_.socket().close(ec);
}

// Waits for the first byte of the next request. The first request of a connection must arrive whole
// within header_timeout of the accept; later ones may start any time within idle_timeout of the
// previous response, and then have header_timeout for their head. Either way a client that trickles
// its head byte by byte is cut off at the header deadline.
net::awaitable<bool> Session::wait_for_request() {
  bool first = first_request_;
  first_request_ = false;
  if (buffer_.size() == 0) {
    phase_ = Phase::idle;
    if (stopping()) co_return false;
    if (first) {
      stream_.expires_at(header_deadline_);
    } else {
      stream_.expires_after(options_.idle_timeout);
    }
    auto [ec, bytes] = co_await stream_.async_read_some(buffer_.prepare(kReadSize), kAwait);
    if (ec) co_return false;
    buffer_.commit(bytes);
  }
  if (!first) header_deadline_ = Clock::now() + options_.header_timeout;
  co_return true;
}

net::awaitable<beast::error_code> Session::read_head() {
  // A head usually arrives whole with the first read and is parsed in place. When it comes in pieces,
  // Beast consumes it field by field and checks its header limit only against the bytes not yet
  // consumed, so on its own it would take a head of any size sent in parts: the budget is kept here,
  // across reads, and handed to the parser as what is left of it.
  const std::size_t budget = options_.max_header_bytes;
  std::size_t consumed = 0;
  for (;;) {
    parser_->header_limit(static_cast<std::uint32_t>(
        std::min<std::size_t>(budget - consumed, std::numeric_limits<std::uint32_t>::max())));
    beast::error_code ec;
    std::size_t used = parser_->put(buffer_.data(), ec);
    buffer_.consume(used);
    consumed += used;
    if (ec != beast_http::error::need_more) co_return ec;
    // The parser wants more than the budget holds: the head is larger than allowed. (Its own check can
    // miss this when it resumes a search for the end of the head where the last one stopped.)
    if (consumed + buffer_.size() >= budget) co_return beast_http::error::header_limit;
    stream_.expires_at(header_deadline_);
    auto [read_ec, bytes] = co_await stream_.async_read_some(buffer_.prepare(kReadSize), kAwait);
    if (read_ec == net::error::eof) {
      co_return consumed == 0 && buffer_.size() == 0 ? beast_http::error::end_of_stream
                                                      : beast_http::error::partial_message;
    }
    if (read_ec) co_return read_ec;
    buffer_.commit(bytes);
  }
}

net::awaitable<beast::error_code> Session::read_body(std::size_t limit) {
  parser_->body_limit(limit);
  parser_->eager(true);
  beast::error_code ec;
  if (buffer_.size() != 0) {
    buffer_.consume(parser_->put(buffer_.data(), ec));
    if (ec != beast_http::error::need_more && (ec || parser_->is_done())) co_return ec;
  }
  stream_.expires_after(options_.body_timeout);
  auto [read_ec, bytes] = co_await beast_http::async_read(stream_, buffer_, *parser_, kAwait);
  co_return read_ec;
}

net::awaitable<Session::Next> Session::serve_one() {
  if (!co_await wait_for_request()) co_return Next::close;
  phase_ = Phase::reading;
  route_ = nullptr;
  method_ = Method::unknown;
  head_request_ = keep_alive_ = http10_ = false;
  // The previous request's head goes before the arena is rewound for this one.
  parser_.reset();
  impl_.message = Request::Impl::empty_message(&arena_);
  arena_.rewind();
  parser_.emplace(std::piecewise_construct, std::make_tuple(),
                  std::make_tuple(ArenaAllocator<char>(&arena_)));
  // The body limit depends on the route, known only once the head is parsed; the declared length is
  // checked against it then.
  parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
  beast::error_code ec = co_await read_head();
  started_ = Clock::now();
  if (ec) {
    auto data = buffer_.data();
    Refusal refusal = refusal_for_head_error(
        ec, std::string_view(static_cast<const char*>(data.data()), data.size()), options_.max_header_bytes);
    if (!refusal) co_return Next::close;
    co_return co_await refuse(std::move(refusal));
  }

  const auto& message = parser_->get();
  method_ = method_from_verb(message.method());
  head_request_ = method_ == Method::head;
  http10_ = message.version() == 10;
  keep_alive_ = message.keep_alive();
  listener_->router().match(method_, split_target(message.target()).path, match_);
  if (match_.kind == Match::Kind::found) route_ = match_.route;
  auto hosts = message.equal_range(beast_http::field::host);
  HeadFacts facts{method_,
                  message.version(),
                  static_cast<std::size_t>(std::distance(hosts.first, hosts.second)),
                  parser_->content_length() ? std::optional(*parser_->content_length()) : std::nullopt,
                  parser_->chunked(),
                  !parser_->is_done()};
  if (Refusal refusal = check_head(facts, match_, options_.max_body_bytes)) {
    co_return co_await refuse(std::move(refusal));
  }
  if (facts.body_pending) {
    auto expect = message.find(beast_http::field::expect);
    if (expects_continue(expect == message.end() ? std::nullopt : std::optional(expect->value()),
                         message.version())) {
      stream_.expires_after(options_.write_timeout);
      auto [write_ec, bytes] = co_await net::async_write(stream_, net::buffer(kContinue), kAwait);
      if (write_ec) co_return Next::close;
    }
    std::size_t limit = body_limit(*route_, options_.max_body_bytes);
    if (beast::error_code body_ec = co_await read_body(limit)) {
      Refusal refusal = refusal_for_body_error(body_ec, limit);
      if (!refusal) co_return Next::close;
      co_return co_await refuse(std::move(refusal));
    }
  }
  co_return co_await handle();
}

net::awaitable<Session::Next> Session::handle() {
  impl_.message = parser_->release();
  impl_.refresh();
  std::swap(impl_.path_params, match_.params);
  phase_ = Phase::handling;
  peer_closed_ = watch_over_ = streaming_ = stream_ok_ = false;
  Response response =
      co_await net::co_spawn(stream_.get_executor(), invoke(route_, this),
                             net::bind_cancellation_slot(handler_cancel_.slot(), net::use_awaitable));
  co_await stop_watch();
  if (streaming_) co_return co_await end_stream();
  if (peer_closed_) {
    record(response.status);
    co_return Next::close;
  }
  bool close = !keep_alive_ || iequals(response.header("Connection"), "close");
  co_return co_await reply(std::move(response), close);
}

net::awaitable<Response> Session::invoke(const Route* route, Session* self) {
  std::string error;
  try {
    co_return co_await route->handler(*self);
  } catch (const std::exception& e) {
    error = e.what();
  } catch (...) {
    error = "an exception not derived from std::exception";
  }
  // A handler cancelled because its client left may well throw operation_aborted: not a bug.
  if (!self->peer_closed_) {
    spdlog::error("http handler for {} {} threw: {}", to_string(self->method_), route->pattern, error);
  }
  co_return problem(500, "the server failed while handling this request");
}

}  // namespace replyd::http
