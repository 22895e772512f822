// Workers waiting for a job (lease long-polls), per queue. When a job becomes available, one waiter is
// woken, not all of them: a thousand idle workers must not all rush at the store for one job.
#pragma once

#include "engine/wake_signal.h"

#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace replyd::engine {

class LeaseWaitList {
 public:
  struct Entry {
    std::weak_ptr<WakeSignal> signal;
    bool woken = false;  // notified and not yet back to asking the store
  };

  // Keeps the waiter registered until destroyed. A waiter registers before its first lease attempt and
  // stays registered while it retries, so a job committed at any moment wakes it or a sibling.
  class Registration {
   public:
    Registration(LeaseWaitList& list, std::string queue, std::list<Entry>::iterator it)
        : list_(&list), queue_(std::move(queue)), it_(it) {}
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;
    ~Registration();
    // Call after a wake-up, before asking the store again: makes this waiter eligible for the next one.
    void rearm();

   private:
    LeaseWaitList* list_;
    std::string queue_;
    std::list<Entry>::iterator it_;
  };

  // Thread-safe.
  std::unique_ptr<Registration> add(const std::string& queue, const std::shared_ptr<WakeSignal>& signal);

  // Wakes the longest-waiting waiter of the queue that is not already woken. Thread-safe, non-blocking.
  void wake_one(const std::string& queue);
  // Wakes every waiter (shutdown).
  void wake_all();

  std::size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::unordered_map<std::string, std::list<Entry>> queues_;
};

}  // namespace replyd::engine
