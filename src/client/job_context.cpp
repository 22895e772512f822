#include "client/job_context.h"

namespace replyd::client {

std::string_view to_string(StopReason reason) {
  switch (reason) {
    case StopReason::none:
      return "none";
    case StopReason::cancel_requested:
      return "cancel requested";
    case StopReason::lease_lost:
      return "lease lost";
    case StopReason::lease_expired:
      return "lease expired";
    case StopReason::shutdown:
      return "worker shutting down";
  }
  return "unknown";
}

JobContext::JobContext(std::string job_id, std::string lease_token, TimePoint lease_expires_at,
                       std::function<void()> on_progress)
    : job_id_(std::move(job_id)),
      lease_token_(std::move(lease_token)),
      on_progress_(std::move(on_progress)),
      lease_expires_at_(lease_expires_at) {}

void JobContext::progress(std::int64_t current, std::int64_t total, std::string message) {
  {
    std::lock_guard lock(mutex_);
    pending_progress_ = Progress{current, total, std::move(message)};
  }
  if (on_progress_) on_progress_();
}

bool JobContext::cancel_requested() const {
  std::lock_guard lock(mutex_);
  return cancel_requested_;
}

bool JobContext::stop_requested() const { return stop_reason() != StopReason::none; }

StopReason JobContext::stop_reason() const {
  std::lock_guard lock(mutex_);
  return stop_reason_;
}

bool JobContext::wait_for_stop(Duration timeout) {
  std::unique_lock lock(mutex_);
  return stopped_cv_.wait_for(lock, timeout, [this] { return stop_reason_ != StopReason::none; });
}

TimePoint JobContext::lease_expires_at() const {
  std::lock_guard lock(mutex_);
  return lease_expires_at_;
}

void JobContext::on_stop(std::function<void()> fn) {
  std::unique_lock callback_lock(callback_mutex_);
  on_stop_ = std::move(fn);
  if (!on_stop_ || !stop_requested()) return;
  // The stop came before this callback was set: it fires now, here.
  auto callback = std::move(on_stop_);
  on_stop_ = nullptr;
  callback();
}

std::optional<Progress> JobContext::take_progress() {
  std::lock_guard lock(mutex_);
  auto out = std::move(pending_progress_);
  pending_progress_.reset();
  return out;
}

void JobContext::restore_progress(Progress progress) {
  std::lock_guard lock(mutex_);
  if (!pending_progress_) pending_progress_ = std::move(progress);
}

void JobContext::set_lease_expires_at(TimePoint t) {
  std::lock_guard lock(mutex_);
  lease_expires_at_ = t;
}

void JobContext::request_stop(StopReason reason) {
  if (reason == StopReason::none) return;
  {
    std::lock_guard lock(mutex_);
    if (reason == StopReason::cancel_requested) cancel_requested_ = true;
    if (stop_reason_ != StopReason::none) return;
    stop_reason_ = reason;
  }
  stopped_cv_.notify_all();
  std::unique_lock callback_lock(callback_mutex_);
  if (!on_stop_) return;
  auto callback = std::move(on_stop_);
  on_stop_ = nullptr;
  callback();
}

}  // namespace replyd::client
