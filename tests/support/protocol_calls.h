// Short forms of the calls of the HTTP contract (DESIGN.md section 3) for black-box tests: submit,
// lease, heartbeat, complete, fail, and reading /metrics. They check only what they need to go on
// (a submit's 202, a lease's 200) and throw std::runtime_error with the whole response otherwise; the
// tests assert the details themselves.
#pragma once

#include "tests/support/http_client.h"

#include <optional>
#include <string>
#include <string_view>

namespace replyd::blackbox {

// "/v1/jobs/ID"
std::string job_path(std::string_view id);
// "/v1/queues/QUEUE/jobs" with "?QUERY" when the query is not empty.
std::string submit_path(std::string_view queue, std::string_view query = {});
// "/v1/queues/QUEUE/leases" with "?QUERY" when the query is not empty.
std::string lease_path(std::string_view queue, std::string_view query = {});

// Returns `response` when its status is `status`; else throws, naming `what` and quoting the response.
const HttpResponse& require_status(const HttpResponse& response, int status, std::string_view what);

// Submits `payload` (with this Content-Type) and requires 202. Returns the job id.
std::string submit_job(HttpClient& client, std::string_view queue, std::string payload = "payload",
                       std::string_view content_type = "text/plain", std::string_view query = {});

struct LeasedJob {
  std::string id;         // Replyd-Job-Id
  std::string token;      // Replyd-Lease-Token
  std::string attempt;    // Replyd-Attempt
  std::string expires;    // Replyd-Lease-Expires
  HttpResponse response;  // the whole 200: payload as body, its Content-Type
};

// POST /v1/queues/QUEUE/leases, with Prefer: wait=N when wait_seconds > 0. The job granted, or nullopt
// on 204; throws on any other status.
std::optional<LeasedJob> try_lease(HttpClient& client, std::string_view queue, int wait_seconds = 0);
// Like try_lease, but nothing to lease within the wait throws too.
LeasedJob lease_job(HttpClient& client, std::string_view queue, int wait_seconds = 10);

// The lease-holder calls, with the job's lease token; the response is returned whatever its status.
HttpResponse heartbeat(HttpClient& client, const LeasedJob& job, std::string body = {});
HttpResponse complete_job(HttpClient& client, const LeasedJob& job, std::string result = "done",
                          std::string_view content_type = "text/plain");
HttpResponse fail_job(HttpClient& client, const LeasedJob& job, std::string_view error, bool retryable);

// The value of the sample `name` (without labels, or with the exact label block given in `name`:
// `replyd_jobs{queue="q",state="queued"}`) in Prometheus text, or nullopt when absent.
std::optional<double> metric_value(std::string_view metrics_text, std::string_view name);

// Reads /metrics until `replyd_waits_active` (long-polls, streams and lease waits held by the server)
// is at least `count`: how a test knows that a request it sent from another thread is parked in the
// server before it acts. Throws after `deadline`.
void wait_for_active_waits(HttpClient& client, int count, std::chrono::milliseconds deadline = 10s);

}  // namespace replyd::blackbox
