#include "engine/reply_estimator.h"

#include <algorithm>
#include <cmath>

namespace replyd::engine {
namespace {
// Weight of the newest sample: recent history dominates after a few dozen jobs, so the estimate
// follows a queue that speeds up or slows down.
constexpr double kAlpha = 0.1;
}  // namespace

void ReplyEstimator::record(const std::string& queue, Duration turnaround) {
  double sample = static_cast<double>(std::max<Duration::rep>(0, turnaround.count()));
  std::lock_guard lock(mutex_);
  auto [it, inserted] = average_us_.try_emplace(queue, sample);
  if (!inserted) it->second += kAlpha * (sample - it->second);
}

std::optional<Duration> ReplyEstimator::turnaround(const std::string& queue) const {
  std::lock_guard lock(mutex_);
  auto it = average_us_.find(queue);
  if (it == average_us_.end()) return std::nullopt;
  return Duration(static_cast<Duration::rep>(it->second));
}

int ReplyEstimator::retry_after_seconds(const Job& job, TimePoint now) const {
  double wait_us = 0;
  if (auto avg = turnaround(job.queue)) {
    wait_us = static_cast<double>(avg->count()) - static_cast<double>((now - job.created_at).count());
  }
  // A job that may not run yet (delayed, or backing off before a retry) cannot finish before run_at.
  if (job.state == JobState::queued && job.run_at > now) {
    wait_us = std::max(wait_us, static_cast<double>((job.run_at - now).count()));
  }
  double seconds = std::ceil(wait_us / 1e6);
  return static_cast<int>(std::clamp(seconds, double(kMinSeconds), double(kMaxSeconds)));
}

}  // namespace replyd::engine
