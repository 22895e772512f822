// Estimates when a job's reply will be ready, for the integer `Retry-After` of submit and status
// answers: from the queue's recent history (an exponentially weighted moving average of the time from
// submit to finish), minus the time the job has already spent, and never before a delayed job may run.
#pragma once

#include "core/clock.h"
#include "core/job.h"

#include <mutex>
#include <string>
#include <unordered_map>

namespace replyd::engine {

class ReplyEstimator {
 public:
  static constexpr int kMinSeconds = 1;
  static constexpr int kMaxSeconds = 3600;

  // Records a finished job's submit-to-finish time. Thread-safe.
  void record(const std::string& queue, Duration turnaround);

  // Seconds a client should wait before asking again about `job` at `now`: at least 1, at most an
  // hour; 1 when the queue has no history yet. Thread-safe.
  int retry_after_seconds(const Job& job, TimePoint now) const;

  // The queue's current average turnaround, if any. Thread-safe.
  std::optional<Duration> turnaround(const std::string& queue) const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, double> average_us_;  // per queue, microseconds
};

}  // namespace replyd::engine
