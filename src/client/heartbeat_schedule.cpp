#include "client/heartbeat_schedule.h"

#include <algorithm>

namespace replyd::client {

Duration lease_remaining(TimePoint lease_expires_at, std::optional<TimePoint> server_date,
                         TimePoint local_now) {
  TimePoint reference = server_date.value_or(local_now);
  return std::max(Duration::zero(), lease_expires_at - reference);
}

HeartbeatSchedule::HeartbeatSchedule(TimePoint now, Duration remaining, Duration min_spacing)
    : min_spacing_(min_spacing),
      deadline_(now + remaining),
      due_(now + std::max(min_spacing, remaining / 3)) {}

void HeartbeatSchedule::progress_reported(TimePoint now) {
  TimePoint earliest = last_sent_ ? std::max(now, *last_sent_ + min_spacing_) : now;
  due_ = std::min(due_, earliest);
}

void HeartbeatSchedule::answered(TimePoint sent, TimePoint now, Duration remaining) {
  last_sent_ = sent;
  // The lease was measured when the server answered; counting it from `now` (after the answer
  // travelled back) would overstate it, counting from `sent` is the safe side.
  deadline_ = sent + remaining;
  due_ = std::max(now, sent + std::max(min_spacing_, remaining / 3));
}

void HeartbeatSchedule::failed(TimePoint sent, TimePoint now) {
  last_sent_ = sent;
  Duration left = std::max(Duration::zero(), deadline_ - now);
  due_ = now + std::clamp(left / 4, min_spacing_, std::max(min_spacing_, Duration(kMaxRetryDelay)));
}

}  // namespace replyd::client
