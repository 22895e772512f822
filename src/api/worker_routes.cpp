// The worker protocol (DESIGN.md section 3): lease (single and batch form), heartbeat, complete, fail.
#include "api/json_writer.h"
#include "api/problem_mapping.h"
#include "api/request_options.h"
#include "api/responses.h"
#include "api/routes.h"
#include "api/status_document.h"
#include "api/worker_bodies.h"
#include "core/base64.h"
#include "core/time_format.h"

namespace replyd::api {
namespace {

namespace net = boost::asio;
using std::chrono::seconds;

constexpr std::string_view kTokenHeader = "Replyd-Lease-Token";

http::Response single_grant(store::LeaseGrant& grant) {
  const Job& job = grant.job;
  auto response = http::Response::bytes(200, std::move(grant.payload.content_type), std::move(grant.payload.bytes));
  response.set_header("Replyd-Job-Id", job.id.to_string());
  response.set_header("Replyd-Lease-Token", job.lease_token);
  response.set_header("Replyd-Lease-Expires", format_rfc3339(*job.lease_expires_at));
  response.set_header("Replyd-Attempt", std::to_string(job.attempt));
  response.set_header("Replyd-Queue", job.queue);
  response.set_header("Cache-Control", "no-store");
  return response;
}

http::Response batch_grants(std::vector<store::LeaseGrant>& grants) {
  std::string body;
  JsonWriter w(body);
  w.begin_object();
  w.key("jobs");
  w.begin_array();
  for (auto& grant : grants) {
    const Job& job = grant.job;
    w.begin_object();
    w.key("id");
    w.string(job.id.to_string());
    w.key("lease_token");
    w.string(job.lease_token);
    w.key("lease_expires_at");
    w.string(format_rfc3339(*job.lease_expires_at));
    w.key("attempt");
    w.number(std::int64_t{job.attempt});
    w.key("content_type");
    w.string(grant.payload.content_type);
    w.key("payload_base64");
    w.string(base64_encode(grant.payload.bytes));
    w.end_object();
  }
  w.end_array();
  w.end_object();
  auto response = http::Response::json(200, std::move(body));
  response.set_header("Cache-Control", "no-store");
  return response;
}

net::awaitable<http::Response> lease(ApiContext& context, http::Exchange& exchange) {
  http::Request& request = exchange.request();
  auto max = parse_lease_max(request.query_params(), context.jobs.options().max_lease_batch);
  if (!max) co_return error_response(max.error());
  auto preferences = request_preferences(request);
  if (!preferences) co_return error_response(preferences.error());
  int wait = preferences->wait_seconds.value_or(0);
  if (wait > 0) exchange.cancel_on_peer_close();

  auto batch = co_await context.jobs.lease(std::string(request.path_param("queue")), *max, seconds(wait));
  if (!batch) co_return error_response(batch.error());
  http::Response response;
  if (batch->grants.empty()) {
    response = http::Response::empty(204);
  } else if (*max == 1) {
    response = single_grant(batch->grants.front());
  } else {
    response = batch_grants(batch->grants);
  }
  if (preferences->wait_seconds) {
    response.set_header("Preference-Applied", "wait=" + std::to_string(wait));
    response.set_header("Vary", "Prefer");
  }
  co_return response;
}

// The lease token every lease-holder call carries; nullopt when absent.
std::optional<std::string> lease_token(const http::Request& request) {
  auto token = request.header(kTokenHeader);
  if (!token || token->empty()) return std::nullopt;
  return std::string(*token);
}

http::Response missing_token() { return bad_request("the Replyd-Lease-Token header is required"); }

net::awaitable<http::Response> heartbeat(ApiContext& context, http::Exchange& exchange) {
  http::Request& request = exchange.request();
  auto id = path_job_id(request);
  if (!id) co_return job_not_found();
  auto token = lease_token(request);
  if (!token) co_return missing_token();
  auto progress = parse_heartbeat_body(request.body());
  if (!progress) co_return error_response(progress.error());

  auto job = co_await context.jobs.heartbeat(*id, std::move(*token), std::move(*progress));
  if (!job) co_return error_response(job.error());
  std::string body;
  JsonWriter w(body);
  w.begin_object();
  w.key("lease_expires_at");
  w.string(format_rfc3339(*job->lease_expires_at));
  w.key("cancel_requested");
  w.boolean(job->cancel_requested);
  w.end_object();
  co_return http::Response::json(200, std::move(body));
}

net::awaitable<http::Response> complete(ApiContext& context, http::Exchange& exchange) {
  http::Request& request = exchange.request();
  auto id = path_job_id(request);
  if (!id) co_return job_not_found();
  auto token = lease_token(request);
  if (!token) co_return missing_token();
  Blob result{std::string(request.header("Content-Type").value_or("application/octet-stream")), request.take_body()};
  auto job = co_await context.jobs.complete(*id, std::move(*token), std::move(result));
  if (!job) co_return error_response(job.error());
  co_return job_document_response(200, *job, context.base_url(request));
}

net::awaitable<http::Response> fail(ApiContext& context, http::Exchange& exchange) {
  http::Request& request = exchange.request();
  auto id = path_job_id(request);
  if (!id) co_return job_not_found();
  auto token = lease_token(request);
  if (!token) co_return missing_token();
  auto body = parse_fail_body(request.body());
  if (!body) co_return error_response(body.error());
  auto job = co_await context.jobs.fail(*id, std::move(*token), std::move(body->error), body->retryable);
  if (!job) co_return error_response(job.error());
  co_return job_document_response(200, *job, context.base_url(request));
}

}  // namespace

void register_worker_routes(http::Router& router, ApiContext& context) {
  using http::Method;
  constexpr std::size_t kSmallBody = 64 * 1024;
  router.add(
      Method::post, "/v1/queues/{queue}/leases", [&context](http::Exchange& ex) { return lease(context, ex); },
      http::RouteOptions{kSmallBody, false});
  router.add(
      Method::post, "/v1/jobs/{id}/heartbeat", [&context](http::Exchange& ex) { return heartbeat(context, ex); },
      http::RouteOptions{kSmallBody, false});
  router.add(
      Method::post, "/v1/jobs/{id}/complete", [&context](http::Exchange& ex) { return complete(context, ex); },
      http::RouteOptions{context.options.max_result_bytes, /*require_length=*/true});
  router.add(
      Method::post, "/v1/jobs/{id}/fail", [&context](http::Exchange& ex) { return fail(context, ex); },
      http::RouteOptions{kSmallBody, false});
}

}  // namespace replyd::api
