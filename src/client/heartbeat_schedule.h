// When a worker sends the next heartbeat of one job, and when its lease runs out, in this machine's
// time. Pure: every method takes `now`, so tests drive it with plain time points.
//
// A heartbeat is due a third of the lease's remaining time after the last answer (two more chances
// before the lease ends), sooner after the handler reports progress, and never more often than
// `min_spacing`. A failed heartbeat is tried again sooner while the lease still runs.
#pragma once

#include "core/clock.h"

#include <chrono>
#include <optional>

namespace replyd::client {

// How long a lease still runs, measured on the server's clock when its Date is known (this machine's
// clock may be off), else on `local_now`; never negative.
Duration lease_remaining(TimePoint lease_expires_at, std::optional<TimePoint> server_date,
                         TimePoint local_now);

class HeartbeatSchedule {
 public:
  static constexpr Duration kDefaultMinSpacing = std::chrono::milliseconds(250);
  // A failed heartbeat is retried after at most this long.
  static constexpr Duration kMaxRetryDelay = std::chrono::seconds(5);

  // The lease was granted (or last extended) at `now` and runs for `remaining`.
  HeartbeatSchedule(TimePoint now, Duration remaining, Duration min_spacing = kDefaultMinSpacing);

  // When the next heartbeat should go out.
  TimePoint due() const { return due_; }
  // When the lease ends unless extended.
  TimePoint lease_deadline() const { return deadline_; }
  bool expired(TimePoint now) const { return now >= deadline_; }

  // The handler reported progress: send it soon, but not sooner than min_spacing after the last one.
  void progress_reported(TimePoint now);
  // A heartbeat went out at `sent` and its answer says the lease runs for `remaining` more.
  void answered(TimePoint sent, TimePoint now, Duration remaining);
  // A heartbeat sent at `sent` failed (transport error) at `now`.
  void failed(TimePoint sent, TimePoint now);

 private:
  Duration min_spacing_;
  TimePoint deadline_;
  TimePoint due_;
  std::optional<TimePoint> last_sent_;
};

}  // namespace replyd::client
