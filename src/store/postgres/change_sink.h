// The store's change listener, shared by the writer thread (this node's commits) and the listener
// thread (other nodes' commits). Calls are serialized, so the listener never runs twice at once.
#pragma once

#include "store/job_store.h"

#include <mutex>
#include <vector>

namespace replyd::store::postgres {

class ChangeSink {
 public:
  void set(UniqueFunction<void(const std::vector<JobChange>&)> listener) {
    std::lock_guard lock(mutex_);
    listener_ = std::move(listener);
  }

  // Thread-safe; does nothing without a listener or changes.
  void publish(const std::vector<JobChange>& changes) {
    if (changes.empty()) return;
    std::lock_guard lock(mutex_);
    if (listener_) listener_(changes);
  }

 private:
  std::mutex mutex_;
  UniqueFunction<void(const std::vector<JobChange>&)> listener_;
};

}  // namespace replyd::store::postgres
