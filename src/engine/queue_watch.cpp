#include "engine/queue_watch.h"

#include <algorithm>

namespace replyd::engine {

std::string_view to_string(QueueEventKind kind) {
  switch (kind) {
    case QueueEventKind::created:
      return "created";
    case QueueEventKind::status:
      return "status";
    case QueueEventKind::progress:
      return "progress";
  }
  return "status";
}

QueueEventKind queue_event_kind(const store::JobChange& change) {
  if (change.created) return QueueEventKind::created;
  return change.progress ? QueueEventKind::progress : QueueEventKind::status;
}

// Shared with the notifier callback, which may still run while the watch is being destroyed (the
// subscription guarantees only that no new call starts).
struct QueueWatch::Pending {
  explicit Pending(std::size_t max) : max_pending(max) {}

  void add(const store::JobChange& change) {
    QueueEventKind kind = queue_event_kind(change);
    std::lock_guard lock(mutex);
    auto [it, inserted] = index.try_emplace(change.id, items.size());
    if (!inserted) {
      auto& item = items[it->second];
      item.kind = std::max(item.kind, kind);
      return;
    }
    if (items.size() >= max_pending) {
      index.erase(it);
      ++dropped;
      return;
    }
    items.push_back(QueueChanges::Item{change.id, kind});
  }

  const std::size_t max_pending;
  std::mutex mutex;
  std::vector<QueueChanges::Item> items;
  std::unordered_map<JobId, std::size_t> index;
  std::uint64_t dropped = 0;
};

QueueWatch::QueueWatch(Notifier& notifier, const std::string& queue, boost::asio::any_io_executor strand,
                       std::size_t max_pending)
    : signal_(std::make_shared<WakeSignal>(std::move(strand))),
      pending_(std::make_shared<Pending>(max_pending)) {
  std::weak_ptr<WakeSignal> weak_signal = signal_;
  std::weak_ptr<Pending> weak_pending = pending_;
  subscription_ =
      notifier.subscribe_queue(queue, [weak_signal, weak_pending](const store::JobChange& change) {
        auto pending = weak_pending.lock();
        auto signal = weak_signal.lock();
        if (!pending || !signal) return;
        pending->add(change);
        signal->notify();
      });
}

QueueWatch::~QueueWatch() { subscription_.reset(); }

QueueChanges QueueWatch::take() {
  QueueChanges out;
  std::lock_guard lock(pending_->mutex);
  out.items.swap(pending_->items);
  pending_->index.clear();
  out.dropped = std::exchange(pending_->dropped, 0);
  return out;
}

}  // namespace replyd::engine
