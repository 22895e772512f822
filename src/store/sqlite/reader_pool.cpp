#include "store/sqlite/reader_pool.h"

#include "store/thread_name.h"

#include <algorithm>

namespace replyd::store::sqlite {

ReaderPool::ReaderPool(const std::string& path, int threads, int cache_kib, Responder& responder)
    : responder_(responder) {
  threads = std::max(1, threads);
  // Every connection is opened before any thread starts, so a failure throws from here with nothing
  // running yet.
  for (int i = 0; i < threads; ++i) contexts_.push_back(std::make_unique<ReadContext>(path, cache_kib));
  for (auto& context : contexts_)
    threads_.emplace_back([this, c = context.get()] {
      name_this_thread("replyd-reader");
      run(*c);
    });
}

ReaderPool::~ReaderPool() { close(); }

void ReaderPool::post(Task task) {
  {
    std::lock_guard lock(mutex_);
    if (!closed_) {
      tasks_.push_back(std::move(task));
      cv_.notify_one();
      return;
    }
  }
  responder_.post([task = std::move(task)]() mutable { task(nullptr); });
}

void ReaderPool::close() {
  std::call_once(close_once_, [this] {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
    for (auto& c : contexts_) c->close();
  });
}

void ReaderPool::run(ReadContext& context) {
  std::unique_lock lock(mutex_);
  for (;;) {
    cv_.wait(lock, [this] { return closed_ || !tasks_.empty(); });
    if (tasks_.empty()) return;  // closed, and every accepted read was served
    {
      Task task = std::move(tasks_.front());
      tasks_.pop_front();
      lock.unlock();
      task(&context);
    }
    lock.lock();
  }
}

}  // namespace replyd::store::sqlite
