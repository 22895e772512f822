#include "store/sqlite/counter_deltas.h"

#include <chrono>

namespace replyd::store::sqlite {

void CounterDeltas::add_state(std::string_view queue, JobState state, std::int64_t delta) {
  for (auto it = states_.rbegin(); it != states_.rend(); ++it) {
    if (it->state == state && it->queue == queue) {
      it->delta += delta;
      return;
    }
  }
  states_.push_back({std::string(queue), state, delta});
}

void CounterDeltas::add_finished(std::string_view queue, TimePoint finished_at) {
  auto second = std::chrono::floor<std::chrono::seconds>(finished_at).time_since_epoch().count();
  for (auto it = finished_.rbegin(); it != finished_.rend(); ++it) {
    if (it->second == second && it->queue == queue) {
      ++it->delta;
      return;
    }
  }
  finished_.push_back({std::string(queue), second, 1});
}

void CounterDeltas::clear() {
  states_.clear();
  finished_.clear();
}

}  // namespace replyd::store::sqlite
