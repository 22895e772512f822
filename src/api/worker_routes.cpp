// The worker protocol (DESIGN.md section 3): lease and complete (single and batch forms), heartbeat, fail.
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

// One answer per item of a batch complete: {"id", "status": 200, "state"} or {"id", "status", "error":
// problem}, the status being what the single-job form would have answered for that item.
void write_complete_answer(JsonWriter& w, std::string_view id, const Result<Job>& job) {
  w.begin_object();
  w.key("id");
  w.string(id);
  if (job) {
    w.key("status");
    w.number(std::int64_t{200});
    w.key("state");
    w.string(to_string(job->state));
  } else {
    ProblemInfo info = problem_info(job.error().code());
    w.key("status");
    w.number(std::int64_t{info.status});
    w.key("error");
    w.begin_object();
    w.key("type");
    w.string(info.type);
    w.key("title");
    w.string(info.title);
    w.key("status");
    w.number(std::int64_t{info.status});
    w.key("detail");
    w.string(job.error().detail());
    w.end_object();
  }
  w.end_object();
}

// POST /v1/jobs:complete: many completes in one request, each answered on its own. Items whose id does
// not parse are answered 404 without reaching the store, like the single form.
net::awaitable<http::Response> complete_batch(ApiContext& context, http::Exchange& exchange) {
  http::Request& request = exchange.request();
  if (!request.query_params().empty()) co_return bad_request("batch complete accepts no query parameters");
  auto items = parse_complete_batch_body(request.body(), context.jobs.options().max_lease_batch);
  if (!items) co_return error_response(items.error());

  std::vector<Result<Job>> answers(items->size(), Result<Job>(Error(Errc::not_found, "no job with this id")));
  std::vector<std::size_t> sent;  // index in `items` of each request sent to the engine
  std::vector<store::CompleteRequest> requests;
  requests.reserve(items->size());
  for (std::size_t i = 0; i < items->size(); ++i) {
    CompleteItem& item = (*items)[i];
    auto id = JobId::parse(item.id);
    if (!id) continue;
    sent.push_back(i);
    requests.push_back(store::CompleteRequest{*id, std::move(item.lease_token), TimePoint{}, std::move(item.result)});
  }
  auto results = co_await context.jobs.complete_batch(std::move(requests));
  for (std::size_t k = 0; k < results.size(); ++k) answers[sent[k]] = std::move(results[k]);

  std::string body;
  JsonWriter w(body);
  w.begin_object();
  w.key("jobs");
  w.begin_array();
  for (std::size_t i = 0; i < items->size(); ++i) write_complete_answer(w, (*items)[i].id, answers[i]);
  w.end_array();
  w.end_object();
  auto response = http::Response::json(200, std::move(body));
  response.set_header("Cache-Control", "no-store");
  co_return response;
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
      Method::post, "/v1/jobs:complete", [&context](http::Exchange& ex) { return complete_batch(context, ex); },
      http::RouteOptions{context.options.max_result_bytes, /*require_length=*/true});
  router.add(
      Method::post, "/v1/jobs/{id}/fail", [&context](http::Exchange& ex) { return fail(context, ex); },
      http::RouteOptions{kSmallBody, false});
}

}  // namespace replyd::api
