// The worker protocol's values as the SDK reads and writes them (DESIGN.md section 3): a leased job
// (from the Replyd-* headers of a single lease, or from the JSON of a batch lease), the heartbeat
// answer, and the JSON bodies of heartbeat and fail. Pure functions; no I/O.
#pragma once

#include "client/api_error.h"
#include "core/clock.h"
#include "core/job.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace replyd::client {

struct LeasedJob {
  std::string id;
  std::string queue;
  std::string lease_token;  // a secret: never log it
  TimePoint lease_expires_at{};
  int attempt = 0;
  Blob payload;
  // The server's clock when it answered (its Date header), to measure the lease without trusting
  // this machine's clock; empty when the answer had no Date.
  std::optional<TimePoint> server_date;
};

struct HeartbeatAnswer {
  TimePoint lease_expires_at{};
  bool cancel_requested = false;
  std::optional<TimePoint> server_date;  // as in LeasedJob
};

// The values of the Replyd-Job-Id, Replyd-Lease-Token, Replyd-Lease-Expires and Replyd-Attempt
// headers of a single-job lease answer.
struct LeaseHeaders {
  std::string_view job_id;
  std::string_view lease_token;
  std::string_view lease_expires;
  std::string_view attempt;
};

// A leased job from a single-job answer; the payload is moved in. Errors: Errc::internal naming the
// missing or malformed header.
ApiResult<LeasedJob> leased_job_from_headers(const LeaseHeaders& headers, Blob payload);

// The jobs of a batch lease answer `{"jobs":[{"id","lease_token","lease_expires_at","attempt",
// "content_type","payload_base64"}]}`. Errors: Errc::internal when the body or any job is malformed
// (a missing content_type reads as application/octet-stream).
ApiResult<std::vector<LeasedJob>> parse_lease_batch(std::string_view json);

// `{"lease_expires_at":"...","cancel_requested":false}`. Errors: Errc::internal when malformed.
ApiResult<HeartbeatAnswer> parse_heartbeat_answer(std::string_view json);

// The server's limits on the texts of heartbeat and fail bodies; longer ones are cut to fit.
inline constexpr std::size_t kMaxProgressMessageBytes = 1024;
inline constexpr std::size_t kMaxFailErrorBytes = 4096;

// The heartbeat body: `{"current":..,"total":..,"message":".."}` with absent members left out;
// the message is made valid UTF-8 and cut to kMaxProgressMessageBytes.
std::string heartbeat_body(const Progress& progress);

// The fail body: `{"error":"...","retryable":true}`; the error is made valid UTF-8 and cut to
// kMaxFailErrorBytes.
std::string fail_body(std::string_view error, bool retryable);

}  // namespace replyd::client
