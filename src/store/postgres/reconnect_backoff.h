// Exponential backoff with jitter between reconnection attempts, so that nodes that lost the database
// together do not all knock at once when it returns. Used by one thread.
#pragma once

#include <algorithm>
#include <chrono>
#include <random>

namespace replyd::store::postgres {

class ReconnectBackoff {
 public:
  using Duration = std::chrono::milliseconds;

  ReconnectBackoff(Duration first, Duration cap) : first_(first), cap_(cap), next_(first) {}

  // The wait before the next attempt: uniform in [d/2, d], where d doubles from `first` up to `cap`.
  Duration next() {
    Duration d = next_;
    next_ = std::min(cap_, next_ * 2);
    std::uniform_int_distribution<Duration::rep> jitter(d.count() / 2, d.count());
    return Duration(jitter(rng_));
  }
  // After a success: the next failure waits `first` again.
  void reset() { next_ = first_; }

 private:
  Duration first_, cap_, next_;
  std::minstd_rand rng_{std::random_device{}()};
};

}  // namespace replyd::store::postgres
