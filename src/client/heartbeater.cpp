#include "client/heartbeater.h"

#include <spdlog/spdlog.h>

#include <vector>

namespace replyd::client {

Heartbeater::Heartbeater(std::string_view server_url, ClientOptions client_options, const Clock& clock,
                         Duration min_spacing)
    : clock_(clock), min_spacing_(min_spacing), client_(server_url, std::move(client_options)) {
  thread_ = std::thread([this] { run(); });
}

Heartbeater::~Heartbeater() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

std::shared_ptr<JobContext> Heartbeater::track(const LeasedJob& job) {
  std::string id = job.id;
  auto context = std::make_shared<JobContext>(job.id, job.lease_token, job.lease_expires_at,
                                              [this, id] { progress_reported(id); });
  TimePoint now = clock_.now();
  {
    std::lock_guard lock(mutex_);
    entries_.insert_or_assign(
        id, Entry{context, HeartbeatSchedule(now, lease_remaining(job.lease_expires_at, job.server_date, now),
                                             min_spacing_)});
  }
  wake_.notify_all();
  return context;
}

void Heartbeater::untrack(const std::string& job_id) {
  std::lock_guard lock(mutex_);
  entries_.erase(job_id);
}

void Heartbeater::stop_all(StopReason reason) {
  std::vector<std::shared_ptr<JobContext>> contexts;
  {
    std::lock_guard lock(mutex_);
    for (auto& [_, entry] : entries_) contexts.push_back(entry.context);
  }
  // Outside the lock: a context's stop callback belongs to the handler and may call back into us.
  for (auto& c : contexts) c->request_stop(reason);
}

void Heartbeater::progress_reported(const std::string& job_id) {
  {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(job_id);
    if (it == entries_.end() || it->second.done) return;
    it->second.schedule.progress_reported(clock_.now());
  }
  wake_.notify_all();
}

void Heartbeater::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    // The job whose heartbeat or lease end comes first.
    std::string next_id;
    TimePoint next_at = TimePoint::max();
    for (auto& [id, entry] : entries_) {
      if (entry.done) continue;
      TimePoint at = std::min(entry.schedule.due(), entry.schedule.lease_deadline());
      if (at < next_at) next_at = at, next_id = id;
    }
    if (next_id.empty()) {
      wake_.wait(lock);
      continue;
    }
    TimePoint now = clock_.now();
    if (next_at > now) {
      wake_.wait_for(lock, next_at - now);
      continue;
    }
    Entry& entry = entries_.at(next_id);
    if (entry.schedule.expired(now)) {
      entry.done = true;
      auto context = entry.context;
      spdlog::warn("job {}: lease expired before a heartbeat could extend it", next_id);
      lock.unlock();
      context->request_stop(StopReason::lease_expired);
      lock.lock();
      continue;
    }
    beat(lock, next_id);
  }
}

void Heartbeater::beat(std::unique_lock<std::mutex>& lock, const std::string& job_id) {
  auto context = entries_.at(job_id).context;
  auto progress = context->take_progress();
  TimePoint sent = clock_.now();
  lock.unlock();
  auto answer = client_.heartbeat(job_id, context->lease_token(), progress);
  TimePoint now = clock_.now();
  StopReason stop = StopReason::none;
  if (answer) {
    context->set_lease_expires_at(answer->lease_expires_at);
    if (answer->cancel_requested) stop = StopReason::cancel_requested;
  } else if (answer.error().code() == Errc::lease_lost) {
    stop = StopReason::lease_lost;
    spdlog::info("job {}: lease lost ({})", job_id, answer.error().message());
  } else {
    // A refused heartbeat (400) was refused for its progress: sending it again would fail again.
    if (progress && answer.error().code() != Errc::invalid_argument)
      context->restore_progress(std::move(*progress));
    spdlog::warn("job {}: heartbeat failed: {}", job_id, answer.error().message());
  }
  if (stop != StopReason::none) context->request_stop(stop);
  lock.lock();
  auto it = entries_.find(job_id);
  if (it == entries_.end() || it->second.context != context) return;  // untracked meanwhile
  if (answer) {
    it->second.schedule.answered(sent, now,
                                 lease_remaining(answer->lease_expires_at, answer->server_date, now));
  } else if (stop == StopReason::lease_lost) {
    it->second.done = true;
  } else {
    it->second.schedule.failed(sent, now);
  }
}

}  // namespace replyd::client
