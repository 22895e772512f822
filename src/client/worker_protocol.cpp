// The worker protocol half of `Client` (client.h).
#include "client/client.h"

#include "client/http_connection.h"
#include "client/protocol_headers.h"

namespace replyd::client {
namespace {

namespace http = boost::beast::http;

std::string_view header(const HttpResponse& response, std::string_view name) {
  auto it = response.find(name);
  return it == response.end() ? std::string_view() : std::string_view(it->value());
}

std::optional<TimePoint> server_date(const HttpResponse& response) {
  return parse_http_date(header(response, "Date"));
}

HttpRequest make_request(std::string target, std::string_view lease_token) {
  HttpRequest request{http::verb::post, target, 11};
  request.keep_alive(true);
  if (!lease_token.empty()) request.set("Replyd-Lease-Token", lease_token);
  return request;
}

CallSpec lease_call() {
  CallSpec spec;
  spec.conflict = Errc::lease_lost;
  return spec;
}

}  // namespace

ApiResult<std::vector<LeasedJob>> Client::lease(std::string_view queue, int wait_s, int max_jobs) {
  bool batch = max_jobs > 1;
  auto request = make_request(
      target({"v1", "queues", queue, "leases"}, {{"max", batch ? std::to_string(max_jobs) : std::string()}}),
      {});
  CallSpec spec;
  if (wait_s > 0) {
    request.set(http::field::prefer, prefer_wait(wait_s, false));
    spec.wait_s = wait_s;
  }
  // A lease that is sent twice could take a job twice and leave one copy to expire: never retried.
  // Every lease may be interrupted, including one without wait: the loop calling it is stopping.
  spec.long_poll = true;
  auto response = conn_->call(request, spec);
  if (!response) return response.error();
  std::vector<LeasedJob> jobs;
  if (response->result() == http::status::no_content) return jobs;
  if (response->result() != http::status::ok) {
    return ApiError(Errc::internal,
                    "unexpected answer " + std::to_string(response->result_int()) + " to a lease");
  }
  if (batch) {
    auto parsed = parse_lease_batch(response->body());
    if (!parsed) return parsed.error();
    jobs = std::move(*parsed);
  } else {
    LeaseHeaders headers{header(*response, "Replyd-Job-Id"), header(*response, "Replyd-Lease-Token"),
                         header(*response, "Replyd-Lease-Expires"), header(*response, "Replyd-Attempt")};
    Blob payload{std::string(header(*response, "Content-Type")), std::move(response->body())};
    auto job = leased_job_from_headers(headers, std::move(payload));
    if (!job) return job.error();
    jobs.push_back(std::move(*job));
  }
  auto date = server_date(*response);
  for (auto& job : jobs) {
    job.queue = std::string(queue);
    job.server_date = date;
  }
  return jobs;
}

ApiResult<HeartbeatAnswer> Client::heartbeat(std::string_view id, std::string_view lease_token,
                                             const std::optional<Progress>& progress) {
  auto request = make_request(target({"v1", "jobs", id, "heartbeat"}), lease_token);
  if (progress) {
    request.set(http::field::content_type, "application/json");
    request.body() = heartbeat_body(*progress);
  }
  CallSpec spec = lease_call();
  spec.idempotent = true;  // a repeated heartbeat only extends the lease again
  auto response = conn_->call(request, spec);
  if (!response) return response.error();
  auto answer = parse_heartbeat_answer(response->body());
  if (!answer) return answer.error();
  answer->server_date = server_date(*response);
  return answer;
}

ApiResult<void> Client::complete(std::string_view id, std::string_view lease_token, const Blob& result) {
  // The result is sent from where it is: it may be large, and the caller keeps it to send it again.
  HttpViewRequest request{http::verb::post, target({"v1", "jobs", id, "complete"}), 11};
  request.keep_alive(true);
  request.set("Replyd-Lease-Token", lease_token);
  request.set(http::field::content_type, result.content_type.empty()
                                             ? std::string_view("application/octet-stream")
                                             : result.content_type);
  request.body() = boost::span<const char>(result.bytes.data(), result.bytes.size());
  auto response = conn_->call(request, lease_call());
  if (!response) return response.error();
  return {};
}

ApiResult<JobStatus> Client::fail(std::string_view id, std::string_view lease_token, std::string_view error,
                                  bool retryable) {
  auto request = make_request(target({"v1", "jobs", id, "fail"}), lease_token);
  request.set(http::field::content_type, "application/json");
  request.body() = fail_body(error, retryable);
  auto response = conn_->call(request, lease_call());
  if (!response) return response.error();
  // The failure is recorded whatever the body says; an unreadable body must not make the caller
  // send it again.
  auto status = parse_status_document(response->body());
  JobStatus out = status ? std::move(*status) : JobStatus{};
  out.http_status = static_cast<int>(response->result_int());
  return out;
}

}  // namespace replyd::client
