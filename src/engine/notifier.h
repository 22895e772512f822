// The in-process notifier: tells waiting long-polls, event streams and dashboards that a job changed.
// Every committed change (local, or from another node through the store) is published here once.
#pragma once

#include "core/job_id.h"
#include "store/job_store.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace replyd::engine {

// Called for each change a subscription matches, on the publishing thread (a store thread), possibly
// concurrently with other callbacks. It must be cheap and must not block, subscribe or unsubscribe:
// it typically posts to a strand (see WakeSignal).
using ChangeCallback = std::function<void(const store::JobChange&)>;

class Notifier {
 public:
  // Unsubscribes on destruction; movable. Destroying it guarantees no later call of its callback
  // starts (a call already running may still finish).
  class Subscription {
   public:
    Subscription() = default;
    explicit Subscription(std::function<void()> cancel) : cancel_(std::move(cancel)) {}
    Subscription(Subscription&& other) noexcept : cancel_(std::exchange(other.cancel_, nullptr)) {}
    Subscription& operator=(Subscription&& other) noexcept;
    ~Subscription() { reset(); }
    void reset();

   private:
    std::function<void()> cancel_;
  };

  virtual ~Notifier() = default;

  // Changes of one job.
  virtual Subscription subscribe_job(const JobId& id, ChangeCallback callback) = 0;
  // Changes of every job of a queue; an empty queue name means every queue.
  virtual Subscription subscribe_queue(const std::string& queue, ChangeCallback callback) = 0;
  // Delivers each change to the matching subscriptions. Thread-safe.
  virtual void publish(const std::vector<store::JobChange>& changes) = 0;
};

// Thread-safe; sharded by job id so that publishing for many jobs at once contends little.
class InProcessNotifier final : public Notifier {
 public:
  InProcessNotifier();
  ~InProcessNotifier() override;

  Subscription subscribe_job(const JobId& id, ChangeCallback callback) override;
  Subscription subscribe_queue(const std::string& queue, ChangeCallback callback) override;
  void publish(const std::vector<store::JobChange>& changes) override;

  // Number of live subscriptions (for metrics and tests).
  std::size_t subscription_count() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace replyd::engine
