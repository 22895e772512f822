// The job model: plain values shared by every layer. A `Job` is the state row of one job; its payload
// and result bytes live apart (`Blob`) so that hot state changes never rewrite large columns.
#pragma once

#include "core/clock.h"
#include "core/job_id.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace replyd {

enum class JobState : std::uint8_t { queued = 0, running = 1, succeeded = 2, failed = 3, cancelled = 4 };
inline constexpr int kJobStateCount = 5;

std::string_view to_string(JobState state);
std::optional<JobState> parse_job_state(std::string_view text);
inline bool is_terminal(JobState s) { return s >= JobState::succeeded; }

// Progress as reported by the worker. `percent` is derived: current/total when total > 0.
struct Progress {
  std::optional<std::int64_t> current;
  std::optional<std::int64_t> total;
  std::string message;

  std::optional<double> percent() const;
  bool operator==(const Progress&) const = default;
};

// An RFC 9457 problem object, as stored for a failed attempt or a finished job.
struct Problem {
  std::string type;
  std::string title;
  int status = 500;
  std::string detail;

  bool operator==(const Problem&) const = default;
};

// Well-known problem types of job errors (the `error` member of the status document).
namespace problem_types {
inline constexpr std::string_view kWorkerError = "urn:replyd:problem:worker-error";
inline constexpr std::string_view kAttemptTimeout = "urn:replyd:problem:attempt-timeout";
inline constexpr std::string_view kLeaseExpired = "urn:replyd:problem:lease-expired";
inline constexpr std::string_view kCancelled = "urn:replyd:problem:cancelled";
}  // namespace problem_types

// The webhook delivery of a finished job that has a callback URL (see store::WebhookDelivery):
// pending (waiting for its next attempt), delivering (claimed by a node, a request in flight),
// delivered (a 2xx answer), failed (gave up: the retry window ran out, or the target was refused by
// the SSRF guard), disabled (the receiver answered 410 Gone).
enum class DeliveryState : std::uint8_t { pending = 0, delivering = 1, delivered = 2, failed = 3, disabled = 4 };
std::string_view to_string(DeliveryState state);
inline bool is_final(DeliveryState s) { return s >= DeliveryState::delivered; }

struct CallbackStatus {
  std::string url;
  DeliveryState state = DeliveryState::pending;
  std::int32_t attempts = 0;
  std::string last_error;  // empty when none
  std::optional<TimePoint> next_attempt_at;  // while pending
  std::optional<TimePoint> delivered_at;
};

// Bytes with their media type: a payload or a result.
struct Blob {
  std::string content_type;
  std::string bytes;
};

struct Job {
  std::int64_t seq = 0;  // store-assigned, increasing with creation: list order and cursor
  JobId id;
  std::string queue;
  JobState state = JobState::queued;
  std::int32_t priority = 0;
  std::int32_t attempt = 0;  // attempts started so far
  std::int32_t max_attempts = 1;
  bool cancel_requested = false;
  std::optional<Progress> progress;

  TimePoint created_at{};
  TimePoint updated_at{};
  TimePoint run_at{};  // not leased before this (delay, run_at, or retry backoff)
  std::optional<TimePoint> started_at;   // start of the latest attempt
  std::optional<TimePoint> finished_at;  // set once terminal
  std::optional<TimePoint> expires_at;   // finished_at + ttl: removed after this

  std::optional<Duration> timeout;  // per attempt, enforced by the server
  Duration ttl{};                   // retention after finishing

  // The current lease while running (token is a secret: never in a status document).
  std::string lease_token;
  std::optional<TimePoint> lease_expires_at;
  std::optional<TimePoint> attempt_deadline;  // started_at + timeout

  // The last attempt's error while a retry waits; the final error once failed or cancelled.
  std::optional<Problem> error;

  std::string payload_content_type;
  std::int64_t payload_size = 0;
  std::string result_content_type;
  std::int64_t result_size = 0;

  std::string callback_url;  // webhook target; empty when none
  std::string filename;      // the file name the client gave the payload (?filename=); empty when none
  // The delivery to callback_url once the job finished; filled by engine::JobService::get, not stored
  // in the job row.
  std::optional<CallbackStatus> callback;

  std::int64_t version = 1;  // increases by one with every stored change: SSE event ids
};

// What a client asks for on submit, after validation.
struct JobSpec {
  std::string queue;
  std::int32_t priority = 0;
  std::int32_t max_attempts = 5;
  std::optional<Duration> timeout;
  Duration ttl = std::chrono::hours(24);
  std::optional<TimePoint> run_at;  // absent: runnable at once
  std::string callback_url;
  std::string filename;  // a single path segment, see api::parse_submit_options
};

}  // namespace replyd
