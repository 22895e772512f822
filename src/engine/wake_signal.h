// A wake-up for one waiting coroutine: it waits on a timer until a deadline, and notify() (from any
// thread, e.g. a notifier callback on a store thread) ends the wait early. A notification that comes
// while nobody waits is remembered, so the usual "subscribe, check, wait" sequence loses no wake-up.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <memory>

namespace replyd::engine {

class WakeSignal : public std::enable_shared_from_this<WakeSignal> {
 public:
  enum class Outcome { notified, deadline, cancelled };

  // `strand`: the executor of the coroutine that will wait. Create with std::make_shared.
  explicit WakeSignal(boost::asio::any_io_executor strand);

  // Thread-safe: ends the current wait, or the next one, with `notified`.
  void notify();

  // On the strand, one waiter at a time. `cancelled` when the coroutine received cancellation (the
  // client went away) before a notification or the deadline.
  boost::asio::awaitable<Outcome> wait_until(std::chrono::steady_clock::time_point deadline);

 private:
  boost::asio::any_io_executor strand_;
  boost::asio::steady_timer timer_;
  bool notified_ = false;  // touched only on the strand
};

}  // namespace replyd::engine
