#include "store/responder.h"

#include "store/thread_name.h"

namespace replyd::store {

Responder::Responder()
    : thread_([this] {
        name_this_thread("replyd-respond");
        run();
      }) {}

Responder::~Responder() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

void Responder::post(UniqueFunction<void()> task) {
  {
    std::lock_guard lock(mutex_);
    tasks_.push_back(std::move(task));
  }
  cv_.notify_one();
}

void Responder::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
    if (tasks_.empty()) return;  // stopping, and everything was answered
    {
      UniqueFunction<void()> task = std::move(tasks_.front());
      tasks_.pop_front();
      lock.unlock();
      task();
    }  // destroyed outside the lock: it may own anything
    lock.lock();
  }
}

}  // namespace replyd::store
