#include "engine/lease_waitlist.h"

namespace replyd::engine {

LeaseWaitList::Registration::~Registration() {
  std::lock_guard lock(list_->mutex_);
  auto q = list_->queues_.find(queue_);
  q->second.erase(it_);
  if (q->second.empty()) list_->queues_.erase(q);
}

void LeaseWaitList::Registration::rearm() {
  std::lock_guard lock(list_->mutex_);
  it_->woken = false;
}

std::unique_ptr<LeaseWaitList::Registration> LeaseWaitList::add(const std::string& queue,
                                                                const std::shared_ptr<WakeSignal>& signal) {
  std::lock_guard lock(mutex_);
  auto& waiters = queues_[queue];
  auto it = waiters.insert(waiters.end(), Entry{signal, false});
  return std::make_unique<Registration>(*this, queue, it);
}

void LeaseWaitList::wake_one(const std::string& queue) {
  std::lock_guard lock(mutex_);
  auto q = queues_.find(queue);
  if (q == queues_.end()) return;
  auto& waiters = q->second;
  for (auto it = waiters.begin(); it != waiters.end(); ++it) {
    if (it->woken) continue;
    if (auto signal = it->signal.lock()) {
      it->woken = true;
      signal->notify();
      // Round robin: the woken waiter goes to the back, so wake-ups spread over the waiters.
      waiters.splice(waiters.end(), waiters, it);
      return;
    }
  }
}

void LeaseWaitList::wake_all() {
  std::lock_guard lock(mutex_);
  for (auto& [queue, waiters] : queues_) {
    for (auto& entry : waiters) {
      if (auto signal = entry.signal.lock()) signal->notify();
    }
  }
}

std::size_t LeaseWaitList::size() const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& [queue, waiters] : queues_) n += waiters.size();
  return n;
}

}  // namespace replyd::engine
