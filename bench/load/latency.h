// Latencies of one run, kept whole (the run is bounded in count and time, so the memory is too) and
// summarized with exact percentiles at the end.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

namespace replyd::bench {

struct LatencySummary {
  std::uint64_t count = 0;
  double p50_ms = 0, p99_ms = 0, p999_ms = 0, max_ms = 0, mean_ms = 0;
};

class LatencyRecorder {
 public:
  void record(std::chrono::steady_clock::duration d) {
    samples_.push_back(static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::microseconds>(d).count()));
  }
  // Moves the samples of `other` into this recorder.
  void merge(LatencyRecorder& other);
  // Sorts the samples; exact nearest-rank percentiles.
  LatencySummary summarize();

 private:
  std::vector<std::uint32_t> samples_;  // microseconds
};

}  // namespace replyd::bench
