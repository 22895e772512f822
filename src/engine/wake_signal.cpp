#include "engine/wake_signal.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace replyd::engine {

namespace net = boost::asio;

WakeSignal::WakeSignal(net::any_io_executor strand) : strand_(strand), timer_(strand) {}

void WakeSignal::notify() {
  // The flag and the timer belong to the strand; cancel() alone would be lost if nobody waits yet.
  net::post(strand_, [self = shared_from_this()] {
    self->notified_ = true;
    self->timer_.cancel();
  });
}

net::awaitable<WakeSignal::Outcome> WakeSignal::wait_until(std::chrono::steady_clock::time_point deadline) {
  if (!notified_) {
    timer_.expires_at(deadline);
    auto [ec] = co_await timer_.async_wait(net::as_tuple(net::use_awaitable));
    if (!notified_) co_return ec ? Outcome::cancelled : Outcome::deadline;
  }
  notified_ = false;
  co_return Outcome::notified;
}

}  // namespace replyd::engine
