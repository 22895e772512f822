#include "engine/job_service.h"

#include "core/queue_name.h"
#include "core/sha256.h"
#include "engine/store_batch_calls.h"
#include "engine/store_calls.h"
#include "engine/webhook_callbacks.h"
#include "engine/wake_signal.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <random>
#include <set>

namespace replyd::engine {

namespace net = boost::asio;
using SteadyClock = std::chrono::steady_clock;

struct JobService::Metrics {
  explicit Metrics(metrics::Registry& r)
      : submitted(r.counter("replyd_jobs_submitted_total", "Jobs accepted (202), by queue", {"queue"})),
        replayed(r.counter("replyd_jobs_idempotent_replays_total", "Submits answered from an Idempotency-Key",
                           {"queue"})),
        finished(r.counter("replyd_jobs_finished_total", "Jobs that reached a terminal state on this node",
                           {"queue", "state"})),
        leased(r.counter("replyd_jobs_leased_total", "Attempts started (leases granted)", {"queue"})),
        waits(r.gauge("replyd_waits_active", "Long-polls, streams and lease waits in progress").with({})),
        progress_persisted(r.counter("replyd_progress_updates_total",
                                     "Heartbeats with progress, by outcome: persisted (stored now) or "
                                     "coalesced (kept in memory, published at once, stored later)",
                                     {"outcome"})
                               .with({"persisted"})),
        progress_coalesced(r.counter("replyd_progress_updates_total", "", {"outcome"}).with({"coalesced"})) {}

  metrics::Family<metrics::Counter>& submitted;
  metrics::Family<metrics::Counter>& replayed;
  metrics::Family<metrics::Counter>& finished;
  metrics::Family<metrics::Counter>& leased;
  metrics::Gauge& waits;
  metrics::Counter& progress_persisted;
  metrics::Counter& progress_coalesced;
};

// Every wait in progress, so that shutdown() can end them all at once.
class JobService::ActiveWaits {
 public:
  explicit ActiveWaits(metrics::Gauge& gauge) : gauge_(gauge) {}

  class Entry {
   public:
    Entry(ActiveWaits& owner, std::shared_ptr<WakeSignal> signal) : owner_(owner), signal_(std::move(signal)) {
      std::lock_guard lock(owner_.mutex_);
      owner_.signals_.insert(signal_.get());
      owner_.gauge_.add(1);
    }
    ~Entry() {
      std::lock_guard lock(owner_.mutex_);
      owner_.signals_.erase(signal_.get());
      owner_.gauge_.add(-1);
    }

   private:
    ActiveWaits& owner_;
    std::shared_ptr<WakeSignal> signal_;
  };

  void wake_all() {
    std::lock_guard lock(mutex_);
    for (WakeSignal* s : signals_) s->notify();
  }

 private:
  std::mutex mutex_;
  std::set<WakeSignal*> signals_;
  metrics::Gauge& gauge_;
};

namespace {

double random_unit() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

ChangeCallback wake_on_change(std::weak_ptr<WakeSignal> weak) {
  return [weak = std::move(weak)](const store::JobChange&) {
    if (auto signal = weak.lock()) signal->notify();
  };
}

// The Idempotency-Key must come with the same request: same media type, options and body. The two
// texts are length-prefixed so that no character inside them can shift the boundary between them
// ('|' is refused in callbacks today, but that is another module's rule).
std::string request_fingerprint(const JobSpec& s, const Blob& payload) {
  std::string options = fmt::format("{}|{}|{}|{}|{}|{}:{}|{}:{}", s.priority, s.max_attempts,
                                    s.timeout ? s.timeout->count() : -1, s.ttl.count(),
                                    s.run_at ? to_micros(*s.run_at) : -1, s.callback_url.size(), s.callback_url,
                                    s.filename.size(), s.filename);
  auto digest = sha256({payload.content_type, std::string_view("\0", 1), options, std::string_view("\0", 1),
                        payload.bytes});
  return to_hex(digest);
}

}  // namespace

JobService::JobService(store::JobStore& store, Notifier& notifier, const Clock& clock, EngineOptions options,
                       metrics::Registry& metrics)
    : store_(store),
      notifier_(notifier),
      clock_(clock),
      options_(std::move(options)),
      progress_(ProgressBoardOptions{options_.progress_persist_interval, options_.lease_ttl}),
      metrics_(std::make_unique<Metrics>(metrics)),
      active_waits_(std::make_unique<ActiveWaits>(metrics_->waits)),
      listener_link_(std::make_shared<ListenerLink>()) {
  listener_link_->service = this;
  // The store may report a commit after this service is gone (it answers before it reports, and it
  // outlives us; another service may have replaced our listener meanwhile). The link is shared with
  // the store's copy of the listener and cut in the destructor, under its lock.
  store_.set_change_listener([link = listener_link_](const std::vector<store::JobChange>& changes) {
    std::lock_guard lock(link->mutex);
    if (link->service) link->service->on_changes(changes);
  });
}

JobService::~JobService() {
  std::lock_guard lock(listener_link_->mutex);
  listener_link_->service = nullptr;
}

void JobService::on_changes(const std::vector<store::JobChange>& changes) {
  // The board first: a waiter woken by the notifier must not overlay progress older than the change.
  for (const auto& change : changes) progress_.on_change(change);
  notifier_.publish(changes);
  for (const auto& change : changes) {
    // A job that is (again) queued may be leasable: one waiting worker is enough to take it.
    if (change.state == JobState::queued) lease_waiters_.wake_one(change.queue);
  }
}

Duration JobService::capped_wait(Duration wait) const {
  return std::clamp(wait, Duration::zero(), options_.max_wait);
}

void JobService::count_finished(const Job& job) {
  if (!is_terminal(job.state)) return;
  metrics_->finished.with({job.queue, std::string(to_string(job.state))}).inc();
  if (job.finished_at) estimator_.record(job.queue, *job.finished_at - job.created_at);
}

net::awaitable<Result<SubmitOutcome>> JobService::submit(SubmitRequest request) {
  JobSpec& spec = request.spec;
  if (!valid_queue_name(spec.queue)) {
    co_return Error(Errc::invalid_argument, "queue names are 1 to 64 characters of A-Z a-z 0-9 . _ -");
  }
  if (spec.max_attempts <= 0) {
    auto it = options_.queue_max_attempts.find(spec.queue);
    spec.max_attempts = it != options_.queue_max_attempts.end() ? it->second : options_.default_max_attempts;
  }
  if (spec.ttl <= Duration::zero()) spec.ttl = options_.default_ttl;
  if (auto callback = apply_callback_policy(spec, options_.webhooks); !callback) co_return callback.error();
  if (spec.ttl > options_.max_ttl) {
    co_return Error(Errc::invalid_argument,
                    fmt::format("ttl may be at most {} seconds", options_.max_ttl.count() / 1'000'000));
  }
  if (spec.timeout && *spec.timeout <= Duration::zero()) {
    co_return Error(Errc::invalid_argument, "timeout must be positive");
  }

  TimePoint now = clock_.now();
  store::NewJob job{spec, std::move(request.payload), std::nullopt};
  std::optional<TimePoint> key_expiry;
  if (request.idempotency_key) {
    key_expiry = now + options_.idempotency_ttl;
    job.idempotency = store::IdempotencyKey{*request.idempotency_key, request_fingerprint(spec, job.payload),
                                            *key_expiry};
  }

  auto inserted = co_await store_calls::insert(store_, std::move(job), now);
  if (!inserted) co_return inserted.error();
  auto& counter = inserted->replayed ? metrics_->replayed : metrics_->submitted;
  counter.with({inserted->job.queue}).inc();
  co_return SubmitOutcome{std::move(inserted->job), inserted->replayed, key_expiry};
}

net::awaitable<Result<Job>> JobService::get(JobId id) {
  auto job = co_await store_calls::get(store_, id);
  if (!job) co_return job;
  if (auto attached = co_await attach_callback(store_, *job); !attached) co_return attached.error();
  co_return progress_.view(std::move(*job)).job;
}

net::awaitable<Result<JobView>> JobService::view(JobId id) {
  auto job = co_await get(id);
  if (!job) co_return job.error();
  co_return progress_.view(std::move(*job));
}

net::awaitable<Result<Job>> JobService::wait_finished(JobId id, Duration max_wait) {
  auto end = co_await wait_for_change(id, 0, /*terminal_only=*/true, max_wait);
  if (!end) co_return end.error();
  if (*end == WaitEnd::cancelled) co_return Error(Errc::shutting_down, "the waiting client went away");
  co_return co_await get(id);
}

net::awaitable<Result<JobView>> JobService::wait_newer(JobId id, std::int64_t after_event_id, Duration max_wait) {
  auto end = co_await wait_for_change(id, after_event_id, /*terminal_only=*/false, max_wait);
  if (!end) co_return end.error();
  if (*end == WaitEnd::cancelled) co_return Error(Errc::shutting_down, "the waiting client went away");
  co_return co_await view(id);
}

// A parked wait is this frame and the ones above it: every local here is small, and the job is read in
// change_is_ready's own frame, which is gone while the wait sleeps (a Job is about 0.75 KiB).
net::awaitable<Result<JobService::WaitEnd>> JobService::wait_for_change(JobId id, std::int64_t after_event_id,
                                                                         bool terminal_only, Duration max_wait) {
  auto deadline = SteadyClock::now() + capped_wait(max_wait);
  auto signal = std::make_shared<WakeSignal>(co_await net::this_coro::executor);
  // Subscribe before the first read: a change committed in between still wakes us.
  auto subscription = notifier_.subscribe_job(id, wake_on_change(signal));
  ActiveWaits::Entry active(*active_waits_, signal);
  while (true) {
    auto ready = co_await change_is_ready(id, after_event_id, terminal_only);
    if (!ready) co_return ready.error();
    if (*ready || stopping_) co_return WaitEnd::ready;
    auto outcome = co_await signal->wait_until(deadline);
    if (outcome == WakeSignal::Outcome::cancelled) co_return WaitEnd::cancelled;
    if (outcome == WakeSignal::Outcome::deadline) co_return WaitEnd::timed_out;
  }
}

net::awaitable<Result<bool>> JobService::change_is_ready(JobId id, std::int64_t after_event_id, bool terminal_only) {
  auto job = co_await store_calls::get(store_, id);
  if (!job) co_return job.error();
  if (is_terminal(job->state)) co_return true;
  co_return !terminal_only && progress_.view(std::move(*job)).event_id > after_event_id;
}

Result<std::unique_ptr<QueueWatch>> JobService::watch_queue(const std::string& queue, net::any_io_executor strand) {
  if (!queue.empty() && !valid_queue_name(queue)) {
    return Error(Errc::invalid_argument, "queue names are 1 to 64 characters of A-Z a-z 0-9 . _ -");
  }
  return std::make_unique<QueueWatch>(notifier_, queue, std::move(strand));
}

net::awaitable<QueueChanges> JobService::next_changes(QueueWatch& watch, Duration max_wait) {
  auto deadline = SteadyClock::now() + capped_wait(max_wait);
  ActiveWaits::Entry active(*active_waits_, watch.signal());
  while (true) {
    QueueChanges changes = watch.take();
    if (!changes.items.empty() || changes.dropped > 0 || stopping_) co_return changes;
    auto outcome = co_await watch.signal()->wait_until(deadline);
    if (outcome == WakeSignal::Outcome::notified) continue;
    changes = watch.take();
    changes.cancelled = outcome == WakeSignal::Outcome::cancelled;
    co_return changes;
  }
}

net::awaitable<Result<Blob>> JobService::result(JobId id) { co_return co_await store_calls::get_result(store_, id); }

net::awaitable<Result<Blob>> JobService::payload(JobId id) {
  co_return co_await store_calls::get_payload(store_, id);
}

net::awaitable<Result<store::CancelOutcome>> JobService::cancel(JobId id) {
  auto outcome = co_await store_calls::cancel(store_, id, clock_.now());
  if (outcome && !outcome->requested_only) count_finished(outcome->job);
  // The change listener may run after this answer: forget the job's kept progress now, so that the
  // worker's next heartbeat here is stored and told about the cancel. (Another node learns of it by
  // NOTIFY, or at its next stored heartbeat, within --progress-interval.)
  if (outcome) {
    const Job& job = outcome->job;
    progress_.on_change(store::JobChange{job.id, job.queue, job.state, job.version, false, false});
  }
  co_return outcome;
}

net::awaitable<Result<store::JobPage>> JobService::list(store::ListQuery query) {
  if (query.queue && !valid_queue_name(*query.queue)) {
    co_return Error(Errc::invalid_argument, "queue names are 1 to 64 characters of A-Z a-z 0-9 . _ -");
  }
  co_return co_await store_calls::list(store_, std::move(query));
}

net::awaitable<Result<std::vector<store::QueueStats>>> JobService::queues() {
  co_return co_await store_calls::queue_stats(store_, clock_.now());
}

net::awaitable<Result<store::LeaseBatch>> JobService::lease(std::string queue, int max_jobs, Duration wait) {
  if (!valid_queue_name(queue)) {
    co_return Error(Errc::invalid_argument, "queue names are 1 to 64 characters of A-Z a-z 0-9 . _ -");
  }
  if (max_jobs < 1 || max_jobs > options_.max_lease_batch) {
    co_return Error(Errc::invalid_argument, fmt::format("max must be between 1 and {}", options_.max_lease_batch));
  }
  wait = capped_wait(wait);
  auto deadline = SteadyClock::now() + wait;
  std::shared_ptr<WakeSignal> signal;
  std::unique_ptr<LeaseWaitList::Registration> registration;
  std::optional<ActiveWaits::Entry> active;
  if (wait > Duration::zero()) {
    signal = std::make_shared<WakeSignal>(co_await net::this_coro::executor);
    registration = lease_waiters_.add(queue, signal);  // before the first attempt: no lost wake-up
    active.emplace(*active_waits_, signal);
  }
  while (true) {
    store::LeaseRequest request{queue, max_jobs, clock_.now(), options_.lease_ttl};
    auto batch = co_await store_calls::lease(store_, std::move(request));
    if (!batch) co_return batch;
    if (!batch->grants.empty()) {
      metrics_->leased.with({queue}).inc(batch->grants.size());
      co_return batch;
    }
    auto now = SteadyClock::now();
    if (!signal || stopping_ || now >= deadline) co_return batch;
    auto wake_at = deadline;
    if (batch->next_due) {
      auto until_due = std::chrono::duration_cast<SteadyClock::duration>(*batch->next_due - clock_.now());
      wake_at = std::min(wake_at, now + std::max(until_due, SteadyClock::duration::zero()));
    }
    auto outcome = co_await signal->wait_until(wake_at);
    registration->rearm();
    if (outcome == WakeSignal::Outcome::cancelled) co_return store::LeaseBatch{};
  }
}

net::awaitable<Result<Job>> JobService::heartbeat(JobId id, std::string lease_token, std::optional<Progress> progress) {
  TimePoint now = clock_.now();
  if (progress) {
    if (auto kept = progress_.coalesce(id, lease_token, *progress, now)) {
      metrics_->progress_coalesced.inc();
      // Only this node's waiters hear of it now; the write that follows tells the other nodes.
      std::vector<store::JobChange> change{
          store::JobChange{id, kept->view.job.queue, JobState::running, kept->view.job.version, false, true}};
      notifier_.publish(change);
      if (kept->flush_at) {
        auto executor = co_await net::this_coro::executor;
        net::co_spawn(executor, flush_progress_at(id, lease_token, *kept->flush_at), [](std::exception_ptr e) {
          if (!e) return;
          try {
            std::rethrow_exception(e);
          } catch (const std::exception& ex) {
            spdlog::error("storing progress failed: {}", ex.what());
          }
        });
      }
      co_return std::move(kept->view.job);
    }
  }
  // A heartbeat without progress still stores the progress kept in memory, so the stored value never
  // goes back.
  if (!progress) {
    if (auto pending = progress_.take_pending(id, lease_token)) progress = std::move(pending->progress);
  }
  store::HeartbeatRequest request{id, std::move(lease_token), now, options_.lease_ttl, std::move(progress)};
  co_return co_await store_heartbeat(std::move(request));
}

net::awaitable<Result<Job>> JobService::store_heartbeat(store::HeartbeatRequest request) {
  std::string token = request.lease_token;
  TimePoint now = request.now;
  bool with_progress = request.progress.has_value();
  auto job = co_await store_calls::heartbeat(store_, std::move(request));
  if (job) {
    progress_.persisted(*job, token, now);
    if (with_progress) metrics_->progress_persisted.inc();
  }
  co_return job;
}

// The last progress of a coalescing run, stored one interval after the previous write unless a
// heartbeat or the end of the attempt stored it first (then there is nothing pending any more).
net::awaitable<void> JobService::flush_progress_at(JobId id, std::string lease_token, TimePoint due) {
  net::steady_timer timer(co_await net::this_coro::executor);
  timer.expires_after(std::chrono::duration_cast<SteadyClock::duration>(due - clock_.now()));
  co_await timer.async_wait(net::as_tuple(net::use_awaitable));
  if (auto pending = progress_.take_pending(id, lease_token)) co_await store_progress(id, lease_token, *pending);
}

// Stored as a heartbeat at the time the progress was reported. A lease_lost or not_found answer means
// the attempt ended meanwhile: its progress no longer matters.
net::awaitable<void> JobService::store_progress(JobId id, std::string lease_token, ProgressBoard::Pending pending) {
  store::HeartbeatRequest request{id, std::move(lease_token), pending.reported_at, options_.lease_ttl,
                                  std::move(pending.progress)};
  co_await store_heartbeat(std::move(request));
}

net::awaitable<Result<Job>> JobService::complete(JobId id, std::string lease_token, Blob result) {
  if (auto pending = progress_.take_pending(id, lease_token)) co_await store_progress(id, lease_token, *pending);
  store::CompleteRequest request{id, std::move(lease_token), clock_.now(), std::move(result)};
  auto job = co_await store_calls::complete(store_, std::move(request));
  if (job) count_finished(*job);
  co_return job;
}

net::awaitable<std::vector<Result<Job>>> JobService::complete_batch(std::vector<store::CompleteRequest> items) {
  if (items.empty()) co_return std::vector<Result<Job>>{};
  for (const auto& item : items) {
    if (auto pending = progress_.take_pending(item.id, item.lease_token)) {
      co_await store_progress(item.id, item.lease_token, *pending);
    }
  }
  TimePoint now = clock_.now();
  for (auto& item : items) item.now = now;
  auto results = co_await store_calls::complete_all(store_, std::move(items));
  for (const auto& job : results) {
    if (job) count_finished(*job);
  }
  co_return results;
}

net::awaitable<Result<Job>> JobService::fail(JobId id, std::string lease_token, std::string error, bool retryable) {
  if (auto pending = progress_.take_pending(id, lease_token)) co_await store_progress(id, lease_token, *pending);
  Problem problem{std::string(problem_types::kWorkerError), "Worker error", 500, std::move(error)};
  store::FailRequest request{id,       std::move(lease_token), clock_.now(), std::move(problem),
                             retryable, options_.retry,         random_unit()};
  auto job = co_await store_calls::fail(store_, std::move(request));
  if (job) count_finished(*job);
  co_return job;
}

net::awaitable<Result<void>> JobService::ready() { co_return co_await store_calls::ping(store_); }

int JobService::retry_after_seconds(const Job& job) const { return estimator_.retry_after_seconds(job, clock_.now()); }

void JobService::shutdown() {
  stopping_ = true;
  active_waits_->wake_all();
  lease_waiters_.wake_all();
}

}  // namespace replyd::engine
