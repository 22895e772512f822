// The changes of one queue (or of every queue) gathered for a dashboard's event stream
// (GET /v1/queues/{queue}/events, GET /v1/events). It subscribes to the notifier when constructed,
// so nothing committed after that is missed, and keeps the jobs that changed since the stream last
// took them, in the order of their first change.
//
// Memory is bounded for a slow consumer: changes are coalesced per job (a job that changed ten times
// while the consumer was busy is one entry, with the strongest kind: created > status > progress; the
// stream then sends the job's current document once), and beyond `max_pending` distinct jobs further
// jobs are dropped and counted (the stream says so in a comment).
//
// Thread-safety: the notifier callback runs on store threads; take() and the signal's wait run on
// the stream's strand. Use through JobService::watch_queue / next_changes.
#pragma once

#include "core/job_id.h"
#include "engine/notifier.h"
#include "engine/wake_signal.h"

#include <boost/asio/any_io_executor.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace replyd::engine {

// Ordered: when a job's changes are coalesced, the greater kind is kept.
enum class QueueEventKind : std::uint8_t { progress = 0, status = 1, created = 2 };
std::string_view to_string(QueueEventKind kind);
QueueEventKind queue_event_kind(const store::JobChange& change);

struct QueueChanges {
  struct Item {
    JobId id;
    QueueEventKind kind = QueueEventKind::status;
  };
  std::vector<Item> items;    // in the order of each job's first change
  std::uint64_t dropped = 0;  // jobs left out since the last take because max_pending were waiting
  bool cancelled = false;     // the waiting coroutine was cancelled (the client left)
};

class QueueWatch {
 public:
  static constexpr std::size_t kDefaultMaxPending = 10000;

  // `queue` empty: every queue. `strand`: the executor of the stream's coroutine.
  QueueWatch(Notifier& notifier, const std::string& queue, boost::asio::any_io_executor strand,
             std::size_t max_pending = kDefaultMaxPending);
  ~QueueWatch();
  QueueWatch(const QueueWatch&) = delete;
  QueueWatch& operator=(const QueueWatch&) = delete;

  // Everything gathered since the last call; empties the watch.
  QueueChanges take();

  const std::shared_ptr<WakeSignal>& signal() const { return signal_; }

 private:
  struct Pending;

  std::shared_ptr<WakeSignal> signal_;
  std::shared_ptr<Pending> pending_;
  Notifier::Subscription subscription_;  // last: unsubscribed first
};

}  // namespace replyd::engine
