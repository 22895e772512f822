#include "core/lifecycle.h"

#include <fmt/format.h>

#include <algorithm>

namespace replyd::lifecycle {
namespace {

void touch(Job& job, TimePoint now) {
  job.updated_at = now;
  ++job.version;
}

void clear_lease(Job& job) {
  job.lease_token.clear();
  job.lease_expires_at.reset();
  job.attempt_deadline.reset();
}

void finish(Job& job, JobState state, TimePoint now) {
  job.state = state;
  job.finished_at = now;
  job.expires_at = now + job.ttl;
  clear_lease(job);
}

Problem cancelled_problem(std::string detail) {
  return Problem{std::string(problem_types::kCancelled), "Job cancelled", 409, std::move(detail)};
}

// One failed attempt: retry after backoff when allowed, else the job has failed for good.
void end_attempt_with_error(Job& job, TimePoint now, Problem error, bool retryable, const RetryPolicy& policy,
                            double unit) {
  job.error = std::move(error);
  if (retryable && job.attempt < job.max_attempts) {
    job.state = JobState::queued;
    job.run_at = now + policy.backoff(job.attempt, unit);
    clear_lease(job);
  } else {
    finish(job, JobState::failed, now);
  }
  touch(job, now);
}

}  // namespace

Job create(const JobSpec& spec, const JobId& id, std::string_view payload_content_type, std::int64_t payload_size,
           TimePoint now) {
  Job job;
  job.id = id;
  job.queue = spec.queue;
  job.state = JobState::queued;
  job.priority = spec.priority;
  job.max_attempts = std::max(1, spec.max_attempts);
  job.timeout = spec.timeout;
  job.ttl = spec.ttl;
  job.created_at = now;
  job.updated_at = now;
  job.run_at = spec.run_at.value_or(now);
  job.callback_url = spec.callback_url;
  job.filename = spec.filename;
  job.payload_content_type = std::string(payload_content_type);
  job.payload_size = payload_size;
  job.version = 1;
  return job;
}

bool leasable(const Job& job, TimePoint now) { return job.state == JobState::queued && job.run_at <= now; }

void start_attempt(Job& job, TimePoint now, Duration lease_ttl, std::string lease_token) {
  job.state = JobState::running;
  ++job.attempt;
  job.started_at = now;
  job.progress.reset();  // progress belongs to an attempt
  job.lease_token = std::move(lease_token);
  job.attempt_deadline = job.timeout ? std::optional(now + *job.timeout) : std::nullopt;
  job.lease_expires_at = now + lease_ttl;
  if (job.attempt_deadline) job.lease_expires_at = std::min(*job.lease_expires_at, *job.attempt_deadline);
  touch(job, now);
}

Result<void> check_lease(const Job& job, std::string_view token, TimePoint now) {
  if (job.state != JobState::running || job.lease_token.empty() || job.lease_token != token) {
    return Error(Errc::lease_lost, "this lease is not the job's current lease");
  }
  if (job.lease_expires_at && *job.lease_expires_at <= now) {
    return Error(Errc::lease_lost, "the lease has expired");
  }
  return {};
}

Result<void> heartbeat(Job& job, std::string_view token, TimePoint now, Duration lease_ttl,
                       const std::optional<Progress>& progress) {
  if (auto ok = check_lease(job, token, now); !ok) return ok;
  auto expires = now + lease_ttl;
  if (job.attempt_deadline) expires = std::min(expires, *job.attempt_deadline);
  job.lease_expires_at = std::max(*job.lease_expires_at, expires);
  if (progress) job.progress = *progress;
  touch(job, now);
  return {};
}

Result<void> complete(Job& job, std::string_view token, TimePoint now, std::string_view result_content_type,
                      std::int64_t result_size) {
  if (auto ok = check_lease(job, token, now); !ok) return ok;
  job.result_content_type = std::string(result_content_type);
  job.result_size = result_size;
  job.error.reset();
  finish(job, JobState::succeeded, now);
  touch(job, now);
  return {};
}

Result<void> fail(Job& job, std::string_view token, TimePoint now, Problem error, bool retryable,
                  const RetryPolicy& policy, double unit) {
  if (auto ok = check_lease(job, token, now); !ok) return ok;
  if (job.cancel_requested) {
    job.error = cancelled_problem("cancelled by request; the worker stopped the job");
    finish(job, JobState::cancelled, now);
    touch(job, now);
    return {};
  }
  end_attempt_with_error(job, now, std::move(error), retryable, policy, unit);
  return {};
}

Result<CancelEffect> cancel(Job& job, TimePoint now) {
  switch (job.state) {
    case JobState::queued:
      job.error = cancelled_problem("cancelled by request before it ran");
      finish(job, JobState::cancelled, now);
      touch(job, now);
      return CancelEffect::cancelled;
    case JobState::running:
      if (!job.cancel_requested) {
        job.cancel_requested = true;
        touch(job, now);
      }
      return CancelEffect::requested;
    case JobState::cancelled:
      return CancelEffect::already_cancelled;
    case JobState::succeeded:
    case JobState::failed:
      break;
  }
  return Error(Errc::invalid_state, fmt::format("the job has already {}", to_string(job.state)));
}

bool lease_expired(const Job& job, TimePoint now) {
  return job.state == JobState::running && job.lease_expires_at && *job.lease_expires_at <= now;
}

void expire_lease(Job& job, TimePoint now, const RetryPolicy& policy, double unit) {
  if (job.cancel_requested) {
    job.error = cancelled_problem("cancelled by request; the worker did not acknowledge before its lease expired");
    finish(job, JobState::cancelled, now);
    touch(job, now);
    return;
  }
  Problem error;
  if (job.attempt_deadline && *job.attempt_deadline <= now) {
    error = Problem{std::string(problem_types::kAttemptTimeout), "Attempt timed out", 504,
                    fmt::format("attempt {} did not finish within its timeout of {} ms", job.attempt,
                                job.timeout ? job.timeout->count() / 1000 : 0)};
  } else {
    error = Problem{std::string(problem_types::kLeaseExpired), "Lease expired", 503,
                    fmt::format("the worker of attempt {} stopped heartbeating and its lease expired", job.attempt)};
  }
  end_attempt_with_error(job, now, std::move(error), /*retryable=*/true, policy, unit);
}

bool retention_over(const Job& job, TimePoint now) {
  return is_terminal(job.state) && job.expires_at && *job.expires_at <= now;
}

}  // namespace replyd::lifecycle
