#include "core/job.h"

namespace replyd {

std::string_view to_string(JobState state) {
  switch (state) {
    case JobState::queued: return "queued";
    case JobState::running: return "running";
    case JobState::succeeded: return "succeeded";
    case JobState::failed: return "failed";
    case JobState::cancelled: return "cancelled";
  }
  return "unknown";
}

std::optional<JobState> parse_job_state(std::string_view text) {
  for (int i = 0; i < kJobStateCount; ++i) {
    auto s = static_cast<JobState>(i);
    if (to_string(s) == text) return s;
  }
  return std::nullopt;
}

std::string_view to_string(DeliveryState state) {
  switch (state) {
    case DeliveryState::pending: return "pending";
    case DeliveryState::delivering: return "delivering";
    case DeliveryState::delivered: return "delivered";
    case DeliveryState::failed: return "failed";
    case DeliveryState::disabled: return "disabled";
  }
  return "unknown";
}

std::optional<double> Progress::percent() const {
  if (!current || !total || *total <= 0) return std::nullopt;
  double p = 100.0 * static_cast<double>(*current) / static_cast<double>(*total);
  return p < 0 ? 0.0 : (p > 100 ? 100.0 : p);
}

}  // namespace replyd
