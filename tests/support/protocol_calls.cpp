#include "tests/support/protocol_calls.h"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <stdexcept>

namespace replyd::blackbox {

std::string job_path(std::string_view id) { return "/v1/jobs/" + std::string(id); }

std::string submit_path(std::string_view queue, std::string_view query) {
  std::string path = "/v1/queues/" + std::string(queue) + "/jobs";
  if (!query.empty()) path += "?" + std::string(query);
  return path;
}

std::string lease_path(std::string_view queue, std::string_view query) {
  std::string path = "/v1/queues/" + std::string(queue) + "/leases";
  if (!query.empty()) path += "?" + std::string(query);
  return path;
}

const HttpResponse& require_status(const HttpResponse& response, int status, std::string_view what) {
  if (response.status != status) {
    throw std::runtime_error(std::string(what) + ": expected HTTP " + std::to_string(status) + ", got " +
                             response.describe());
  }
  return response;
}

std::string submit_job(HttpClient& client, std::string_view queue, std::string payload,
                       std::string_view content_type, std::string_view query) {
  auto response = client.post(submit_path(queue, query), std::move(payload),
                              {{"Content-Type", std::string(content_type)}});
  require_status(response, 202, "submit to " + std::string(queue));
  return std::string(response.json().at("id").as_string());
}

std::optional<LeasedJob> try_lease(HttpClient& client, std::string_view queue, int wait_seconds) {
  Headers headers;
  if (wait_seconds > 0) headers.emplace_back("Prefer", "wait=" + std::to_string(wait_seconds));
  auto deadline = std::chrono::seconds(wait_seconds) + HttpClient::kDefaultDeadline;
  auto response = client.post(lease_path(queue), {}, headers, deadline);
  if (response.status == 204) return std::nullopt;
  require_status(response, 200, "lease from " + std::string(queue));
  LeasedJob job;
  job.id = response.header("Replyd-Job-Id").value_or("");
  job.token = response.header("Replyd-Lease-Token").value_or("");
  job.attempt = response.header("Replyd-Attempt").value_or("");
  job.expires = response.header("Replyd-Lease-Expires").value_or("");
  if (job.id.empty() || job.token.empty()) {
    throw std::runtime_error("a lease without Replyd-Job-Id or Replyd-Lease-Token: " + response.describe());
  }
  job.response = std::move(response);
  return job;
}

LeasedJob lease_job(HttpClient& client, std::string_view queue, int wait_seconds) {
  auto job = try_lease(client, queue, wait_seconds);
  if (!job) throw std::runtime_error("nothing to lease from " + std::string(queue));
  return std::move(*job);
}

HttpResponse heartbeat(HttpClient& client, const LeasedJob& job, std::string body) {
  Headers headers{{"Replyd-Lease-Token", job.token}};
  if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
  return client.post(job_path(job.id) + "/heartbeat", std::move(body), headers);
}

HttpResponse complete_job(HttpClient& client, const LeasedJob& job, std::string result,
                          std::string_view content_type) {
  return client.post(job_path(job.id) + "/complete", std::move(result),
                     {{"Replyd-Lease-Token", job.token}, {"Content-Type", std::string(content_type)}});
}

HttpResponse fail_job(HttpClient& client, const LeasedJob& job, std::string_view error, bool retryable) {
  boost::json::object body{{"error", error}, {"retryable", retryable}};
  return client.post(job_path(job.id) + "/fail", boost::json::serialize(body),
                     {{"Replyd-Lease-Token", job.token}, {"Content-Type", "application/json"}});
}

std::optional<double> metric_value(std::string_view metrics_text, std::string_view name) {
  std::size_t at = 0;
  while (at < metrics_text.size()) {
    std::size_t end = metrics_text.find('\n', at);
    if (end == std::string_view::npos) end = metrics_text.size();
    std::string_view line = metrics_text.substr(at, end - at);
    at = end + 1;
    if (line.size() > name.size() && line.starts_with(name) && line[name.size()] == ' ') {
      return std::stod(std::string(line.substr(name.size() + 1)));
    }
  }
  return std::nullopt;
}

void wait_for_active_waits(HttpClient& client, int count, std::chrono::milliseconds deadline) {
  auto end = std::chrono::steady_clock::now() + deadline;
  std::string last;
  while (std::chrono::steady_clock::now() < end) {
    auto response = client.get("/metrics");
    require_status(response, 200, "GET /metrics");
    auto active = metric_value(response.body, "replyd_waits_active");
    if (active && *active >= count) return;
    last = active ? std::to_string(*active) : "absent";
  }
  throw std::runtime_error("replyd_waits_active did not reach " + std::to_string(count) + " (last: " + last +
                           ")");
}

}  // namespace replyd::blackbox
