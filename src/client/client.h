// The C++ client and worker SDK: synchronous calls over HTTP/1.1 for the client API and the worker
// protocol of DESIGN.md section 3.
//
//   client::Client c("http://127.0.0.1:8080");
//   auto sub = c.submit("email", R"({"to":"a@b.c"})", "application/json", {});
//   auto st = c.status(sub->status.id, 10);  // long-poll up to 10 s
//
// Every call returns ApiResult<T>: the value, or an ApiError whose code() is Errc::unavailable for a
// transport failure (connect, reset, timeout) and, for an HTTP problem answer, keeps the status and
// problem (detail() is what to show a person).
//
// Thread-compatible: a Client keeps one kept-alive connection and must be used by one thread at a time
// (give each thread its own Client); only interrupt_long_polls() may be called from another thread.
#pragma once

#include "client/api_error.h"
#include "client/client_options.h"
#include "client/status_document.h"
#include "client/worker_documents.h"
#include "core/job.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace replyd::client {

class HttpConnection;

// Submit options (query parameters and headers of POST /v1/queues/{queue}/jobs); empty ones are not sent.
struct SubmitOptions {
  std::optional<int> priority;   // higher runs first
  std::optional<int> delay_s;    // not before now + delay
  std::string run_at;            // RFC 3339: not before this time
  std::optional<int> timeout_s;  // per attempt, enforced by the server
  std::optional<int> max_attempts;
  std::optional<int> ttl_s;          // retention after finishing
  std::string callback;              // webhook URL
  std::string idempotency_key;       // Idempotency-Key: same key and body give the same job
  std::optional<int> prefer_wait_s;  // Prefer: respond-async, wait=N
};

struct Submitted {
  // The status document of the answer; status.http_status is 202, or 303/200 when the job finished
  // within prefer_wait_s.
  JobStatus status;
  std::string location;              // 202: the status URL; 303: the result URL
  std::optional<int> retry_after_s;  // when to look again
  bool replayed = false;             // an Idempotency-Key replay (Idempotent-Replayed: true)
};

struct ListQuery {
  std::string queue;  // empty: all queues
  std::string state;  // "queued", "running", ...; empty: all
  std::optional<int> limit;
  std::string cursor;  // next_cursor of the previous page
};

class Client {
 public:
  // `base_url` is "http://host:port", optionally with a path prefix when replyd sits behind a proxy.
  // Connects lazily. Throws std::invalid_argument for a malformed URL (a start-up error).
  explicit Client(std::string_view base_url, ClientOptions options = {});
  ~Client();
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;

  // The client API.
  ApiResult<Submitted> submit(std::string_view queue, std::string body, std::string_view content_type,
                              const SubmitOptions& options = {});
  // GET /v1/jobs/{id}; with wait_s, a long-poll until the job finishes or wait_s pass. A 303 gives
  // the result URL in JobStatus::location.
  ApiResult<JobStatus> status(std::string_view id, std::optional<int> wait_s = std::nullopt);
  // The result bytes and their media type. Errors: Errc::not_ready (409) while not succeeded.
  ApiResult<Blob> result(std::string_view id);
  // DELETE /v1/jobs/{id}: the job's status afterwards (cancelled, or running with cancel_requested).
  // Errors: Errc::invalid_state (409) for a job that already succeeded or failed.
  ApiResult<JobStatus> cancel(std::string_view id);
  ApiResult<JobPage> list(const ListQuery& query = {});
  ApiResult<std::vector<QueueSummary>> queues();

  // The worker protocol. Errors of heartbeat, complete and fail: Errc::lease_lost (409) when the
  // lease is no longer this worker's.
  //
  // Leases up to `max_jobs` jobs of `queue`, waiting up to wait_s for one (long-poll); empty when none
  // came. max_jobs > 1 uses the batch form. The long-poll ends early, with Errc::shutting_down, after
  // interrupt_long_polls().
  ApiResult<std::vector<LeasedJob>> lease(std::string_view queue, int wait_s, int max_jobs = 1);
  // Extends the lease and reports progress when given.
  ApiResult<HeartbeatAnswer> heartbeat(std::string_view id, std::string_view lease_token,
                                       const std::optional<Progress>& progress = std::nullopt);
  ApiResult<void> complete(std::string_view id, std::string_view lease_token, const Blob& result);
  // Gives up this attempt: the job's next state (queued for a retry, failed, or cancelled); only
  // http_status is set when the server's answer carries no status document.
  ApiResult<JobStatus> fail(std::string_view id, std::string_view lease_token, std::string_view error,
                            bool retryable);

  // Thread-safe: ends a long-poll in progress (lease, status with wait) and every later one at once
  // with Errc::shutting_down; other calls still work. For stopping a worker loop.
  void interrupt_long_polls();

  // The base URL as given.
  const std::string& base_url() const { return base_url_; }

 private:
  // The request target for path `segments` (percent-encoded here) and query `params` (empty values
  // left out), below the base URL's path prefix.
  std::string target(std::initializer_list<std::string_view> segments,
                     const std::vector<std::pair<std::string_view, std::string>>& params = {}) const;

  std::string base_url_;
  std::unique_ptr<HttpConnection> conn_;
};

}  // namespace replyd::client
