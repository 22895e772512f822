#include "engine/notifier.h"

#include <array>
#include <atomic>
#include <mutex>
#include <unordered_map>

namespace replyd::engine {

Notifier::Subscription& Notifier::Subscription::operator=(Subscription&& other) noexcept {
  if (this != &other) {
    reset();
    cancel_ = std::exchange(other.cancel_, nullptr);
  }
  return *this;
}

void Notifier::Subscription::reset() {
  if (cancel_) std::exchange(cancel_, nullptr)();
}

namespace {

constexpr std::size_t kShards = 16;

template <class Key>
struct Shard {
  std::mutex mutex;
  std::unordered_multimap<Key, std::pair<std::uint64_t, ChangeCallback>> entries;
};

}  // namespace

struct InProcessNotifier::State {
  std::array<Shard<JobId>, kShards> jobs;
  Shard<std::string> queues;  // queue events are rarer (dashboards): one shard is enough
  std::atomic<std::uint64_t> next_token{1};
  std::atomic<std::size_t> count{0};

  template <class Key>
  static void erase(Shard<Key>& shard, const Key& key, std::uint64_t token) {
    std::lock_guard lock(shard.mutex);
    auto [begin, end] = shard.entries.equal_range(key);
    for (auto it = begin; it != end; ++it) {
      if (it->second.first == token) {
        shard.entries.erase(it);
        return;
      }
    }
  }
};

InProcessNotifier::InProcessNotifier() : state_(std::make_shared<State>()) {}
InProcessNotifier::~InProcessNotifier() = default;

Notifier::Subscription InProcessNotifier::subscribe_job(const JobId& id, ChangeCallback callback) {
  auto token = state_->next_token++;
  auto& shard = state_->jobs[std::hash<JobId>{}(id) % kShards];
  {
    std::lock_guard lock(shard.mutex);
    shard.entries.emplace(id, std::pair(token, std::move(callback)));
  }
  ++state_->count;
  // The subscription holds the state alive: it may outlive the notifier during shutdown.
  return Subscription([state = state_, &shard, id, token] {
    State::erase(shard, id, token);
    --state->count;
  });
}

Notifier::Subscription InProcessNotifier::subscribe_queue(const std::string& queue, ChangeCallback callback) {
  auto token = state_->next_token++;
  {
    std::lock_guard lock(state_->queues.mutex);
    state_->queues.entries.emplace(queue, std::pair(token, std::move(callback)));
  }
  ++state_->count;
  return Subscription([state = state_, queue, token] {
    State::erase(state->queues, queue, token);
    --state->count;
  });
}

void InProcessNotifier::publish(const std::vector<store::JobChange>& changes) {
  // Callbacks run under the shard lock: that is what makes "no call starts after unsubscribe" hold,
  // and they are required to be non-blocking posts.
  for (const auto& change : changes) {
    auto& shard = state_->jobs[std::hash<JobId>{}(change.id) % kShards];
    std::lock_guard lock(shard.mutex);
    auto [begin, end] = shard.entries.equal_range(change.id);
    for (auto it = begin; it != end; ++it) it->second.second(change);
  }
  std::lock_guard lock(state_->queues.mutex);
  if (state_->queues.entries.empty()) return;
  for (const auto& change : changes) {
    auto [begin, end] = state_->queues.entries.equal_range(change.queue);
    for (auto it = begin; it != end; ++it) it->second.second(change);
    auto [all_begin, all_end] = state_->queues.entries.equal_range(std::string());
    for (auto it = all_begin; it != all_end; ++it) it->second.second(change);
  }
}

std::size_t InProcessNotifier::subscription_count() const { return state_->count.load(); }

}  // namespace replyd::engine
