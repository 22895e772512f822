#include "load/latency.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace replyd::bench {

void LatencyRecorder::merge(LatencyRecorder& other) {
  samples_.insert(samples_.end(), other.samples_.begin(), other.samples_.end());
  other.samples_.clear();
}

LatencySummary LatencyRecorder::summarize() {
  LatencySummary s;
  s.count = samples_.size();
  if (samples_.empty()) return s;
  std::sort(samples_.begin(), samples_.end());
  auto at = [this](double q) {
    auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(samples_.size())));
    return samples_[std::clamp<std::size_t>(rank, 1, samples_.size()) - 1] / 1000.0;
  };
  s.p50_ms = at(0.50);
  s.p99_ms = at(0.99);
  s.p999_ms = at(0.999);
  s.max_ms = samples_.back() / 1000.0;
  s.mean_ms = std::accumulate(samples_.begin(), samples_.end(), 0.0) / static_cast<double>(samples_.size()) / 1000.0;
  return s;
}

}  // namespace replyd::bench
