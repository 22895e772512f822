// Per-batch changes to the maintained counters (queue_counts, finished_counts), summed in memory while
// a batch runs and written once before its COMMIT: a batch of 1,000 inserts into one queue costs one
// upsert of its count, not 1,000. Used by the writer thread only.
#pragma once

#include "core/job.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace replyd::store::sqlite {

class CounterDeltas {
 public:
  struct StateDelta {
    std::string queue;
    JobState state;
    std::int64_t delta;
  };
  struct FinishedDelta {
    std::string queue;
    std::int64_t second;  // seconds since the epoch of finished_at
    std::int64_t delta;
  };

  void add_state(std::string_view queue, JobState state, std::int64_t delta);
  // One job of `queue` reached a terminal state at `finished_at`.
  void add_finished(std::string_view queue, TimePoint finished_at);
  void clear();

  const std::vector<StateDelta>& states() const { return states_; }
  const std::vector<FinishedDelta>& finished() const { return finished_; }

 private:
  // Linear search: a batch touches few distinct queues, and the most recent entry is the likeliest.
  std::vector<StateDelta> states_;
  std::vector<FinishedDelta> finished_;
};

}  // namespace replyd::store::sqlite
