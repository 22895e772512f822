// The job state machine, as pure functions on a `Job` value. Both stores load the row inside their
// write transaction, apply one of these, and write the row back, so the rules live in one place and
// are tested without a store, a socket or a sleep. Every function that changes the job bumps
// `version` and sets `updated_at`; a function that returns an error leaves the job untouched.
//
//   queued --lease--> running --complete--> succeeded
//     ^                  |  \--fail / lease expiry / timeout, attempts left--> queued (run_at = backoff)
//     |                  |   \-fail (not retryable) / attempts exhausted--> failed
//     +-- cancel: queued -> cancelled; running -> cancel_requested, then cancelled on the worker's
//         fail or on lease expiry
#pragma once

#include "core/job.h"
#include "core/result.h"
#include "core/retry_policy.h"

namespace replyd::lifecycle {

// A new job in state queued, version 1. `payload` gives the media type and size.
Job create(const JobSpec& spec, const JobId& id, std::string_view payload_content_type,
           std::int64_t payload_size, TimePoint now);

// True when the job may be leased at `now`: queued and due.
bool leasable(const Job& job, TimePoint now);

// Starts the next attempt. Precondition: leasable(job, now). The lease ends at now + lease_ttl, or at
// the attempt deadline (start + timeout) when that comes first.
void start_attempt(Job& job, TimePoint now, Duration lease_ttl, std::string lease_token);

// Ok when `token` is the job's current, unexpired lease; else Errc::lease_lost.
Result<void> check_lease(const Job& job, std::string_view token, TimePoint now);

// Extends the lease (never past the attempt deadline) and records progress when given.
Result<void> heartbeat(Job& job, std::string_view token, TimePoint now, Duration lease_ttl,
                       const std::optional<Progress>& progress);

// The worker finished: succeeded, with the result's media type and size.
Result<void> complete(Job& job, std::string_view token, TimePoint now, std::string_view result_content_type,
                      std::int64_t result_size);

// The worker gave up on this attempt. Cancelled when a cancel was requested; queued again after
// backoff when `retryable` and attempts are left; failed otherwise. `unit` is jitter in [0, 1).
Result<void> fail(Job& job, std::string_view token, TimePoint now, Problem error, bool retryable,
                  const RetryPolicy& policy, double unit);

enum class CancelEffect {
  cancelled,        // it was queued: now cancelled
  requested,        // it is running: the worker is told at its next heartbeat
  already_cancelled,
};
// Errc::invalid_state for a succeeded or failed job.
Result<CancelEffect> cancel(Job& job, TimePoint now);

// True when the job is running and its lease has run out at `now`.
bool lease_expired(const Job& job, TimePoint now);

// Ends an expired attempt: cancelled if a cancel was requested; else a failed, retryable attempt
// whose error says whether the per-attempt timeout or the lease ran out. Precondition: lease_expired.
void expire_lease(Job& job, TimePoint now, const RetryPolicy& policy, double unit);

// True when a finished job has outlived its retention at `now`.
bool retention_over(const Job& job, TimePoint now);

}  // namespace replyd::lifecycle
