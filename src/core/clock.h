// Time is injected: everything that reads the time (leases, backoff, deadlines, retention) asks a
// `Clock`, so unit tests drive time with `FakeClock` and never sleep.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace replyd {

using Duration = std::chrono::microseconds;
// Wall-clock time with microsecond resolution; stored as microseconds since the Unix epoch.
using TimePoint = std::chrono::sys_time<Duration>;

inline std::int64_t to_micros(TimePoint t) { return t.time_since_epoch().count(); }
inline TimePoint from_micros(std::int64_t us) { return TimePoint(Duration(us)); }

class Clock {
 public:
  virtual ~Clock() = default;
  // Thread-safe.
  virtual TimePoint now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override;
};

// A clock that only moves when told to. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start = from_micros(1'767'225'600'000'000))  // 2026-01-01T00:00:00Z
      : now_us_(to_micros(start)) {}

  TimePoint now() const override { return from_micros(now_us_.load()); }
  void advance(Duration d) { now_us_ += d.count(); }
  void set(TimePoint t) { now_us_ = to_micros(t); }

 private:
  std::atomic<std::int64_t> now_us_;
};

}  // namespace replyd
