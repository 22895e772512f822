// The client API (DESIGN.md section 3): submit, status, result, cancel, list and queue statistics.
#include "api/json_writer.h"
#include "api/problem_mapping.h"
#include "api/request_options.h"
#include "api/responses.h"
#include "api/routes.h"
#include "api/status_document.h"
#include "core/time_format.h"

#include <fmt/format.h>

namespace replyd::api {
namespace {

namespace net = boost::asio;
using std::chrono::seconds;

// The wait the server honours: what the client asked, capped by --max-wait (RFC 7240: Preference-Applied
// tells what was applied, so a capped wait reports the cap).
int applied_wait(const ApiContext& context, int asked) {
  auto cap = std::chrono::ceil<seconds>(context.jobs.options().max_wait).count();
  return static_cast<int>(std::min<std::int64_t>(asked, cap));
}

net::awaitable<http::Response> submit(ApiContext& context, http::Exchange& exchange) {
  http::Request& request = exchange.request();
  auto spec = parse_submit_options(request.query_params(), context.jobs.clock().now());
  if (!spec) co_return error_response(spec.error());
  spec->queue = std::string(request.path_param("queue"));
  auto preferences = request_preferences(request);
  if (!preferences) co_return error_response(preferences.error());

  engine::SubmitRequest submission{std::move(*spec), Blob{}, std::nullopt};
  if (auto key = request.header("Idempotency-Key")) {
    auto parsed = parse_idempotency_key(*key);
    if (!parsed) co_return error_response(parsed.error());
    submission.idempotency_key = std::move(*parsed);
  }
  submission.payload.content_type = std::string(request.header("Content-Type").value_or("application/octet-stream"));
  submission.payload.bytes = request.take_body();

  auto outcome = co_await context.jobs.submit(std::move(submission));
  if (!outcome) co_return error_response(outcome.error());
  std::string base = context.base_url(request);

  // Prefer: respond-async, wait=N (RFC 7240): answer with the outcome itself when the job finishes
  // within N seconds; the job is already stored, so a client that gives up loses nothing.
  std::optional<int> wait = preferences->wait_seconds;
  const Job* job = &outcome->job;
  Result<Job> finished = outcome->job;
  if (wait && *wait > 0 && !is_terminal(job->state)) {
    exchange.cancel_on_peer_close();
    finished = co_await context.jobs.wait_finished(job->id, seconds(*wait));
    if (finished) job = &*finished;
  }

  http::Response response;
  if (wait && is_terminal(job->state)) {
    response = job_status_response(context, *job, base);
    response.set_header("Preference-Applied", fmt::format("wait={}", applied_wait(context, *wait)));
  } else {
    response = job_document_response(202, *job, base);
    response.set_header("Location", job_url(base, job->id));
    response.set_header("Retry-After", std::to_string(context.jobs.retry_after_seconds(*job)));
    if (preferences->respond_async || wait) response.set_header("Preference-Applied", "respond-async");
  }
  if (preferences->respond_async || wait) response.set_header("Vary", "Prefer");
  if (outcome->replayed) response.set_header("Idempotent-Replayed", "true");
  co_return response;
}

// The status answer, read after any wait: its own coroutine, so that a parked long-poll's frames hold
// no copy of the job (see JobService::wait_for_change).
net::awaitable<http::Response> status_answer(ApiContext& context, JobId id, std::optional<int> wait,
                                             std::string base_url) {
  auto job = co_await context.jobs.get(id);
  if (!job) co_return error_response(job.error());
  auto response = job_status_response(context, *job, base_url);
  if (wait) response.set_header("Preference-Applied", fmt::format("wait={}", applied_wait(context, *wait)));
  // The answer depends on Prefer whether or not this request sent one: caches must key on it.
  response.set_header("Vary", "Prefer");
  co_return response;
}

net::awaitable<http::Response> get_status(ApiContext& context, http::Exchange& exchange) {
  http::Request& request = exchange.request();
  auto id = path_job_id(request);
  if (!id) co_return job_not_found();
  auto preferences = request_preferences(request);
  if (!preferences) co_return error_response(preferences.error());

  std::optional<int> wait = preferences->wait_seconds;
  if (wait && *wait > 0) {
    exchange.cancel_on_peer_close();
    auto end = co_await context.jobs.wait_for_change(*id, 0, /*terminal_only=*/true, seconds(*wait));
    if (!end) co_return error_response(end.error());
    // The client left: nobody reads an answer, and nothing more may be awaited.
    if (*end == engine::JobService::WaitEnd::cancelled) co_return http::Response{};
  }
  co_return co_await status_answer(context, *id, wait, context.base_url(request));
}

net::awaitable<http::Response> get_result(ApiContext& context, http::Exchange& exchange) {
  auto id = path_job_id(exchange.request());
  if (!id) co_return job_not_found();
  auto blob = co_await context.jobs.result(*id);
  if (!blob) co_return error_response(blob.error());
  co_return http::Response::bytes(200, std::move(blob->content_type), std::move(blob->bytes));
}

net::awaitable<http::Response> cancel(ApiContext& context, http::Exchange& exchange) {
  auto id = path_job_id(exchange.request());
  if (!id) co_return job_not_found();
  auto outcome = co_await context.jobs.cancel(*id);
  if (!outcome) co_return error_response(outcome.error());
  // 202: the job is running and has only been asked to stop; its worker learns it at the next heartbeat.
  co_return job_document_response(outcome->requested_only ? 202 : 200, outcome->job,
                                  context.base_url(exchange.request()));
}

net::awaitable<http::Response> list_jobs(ApiContext& context, http::Exchange& exchange) {
  http::Request& request = exchange.request();
  auto query = parse_list_query(request.query_params());
  if (!query) co_return error_response(query.error());
  auto page = co_await context.jobs.list(std::move(*query));
  if (!page) co_return error_response(page.error());
  std::string base = context.base_url(request);
  std::string body;
  body.reserve(64 + page->jobs.size() * 700);
  JsonWriter w(body);
  w.begin_object();
  w.key("jobs");
  w.begin_array();
  for (const Job& job : page->jobs) write_status_document(w, job, base);
  w.end_array();
  w.key("next_cursor");
  if (page->next_cursor) {
    w.string(encode_cursor(*page->next_cursor));
  } else {
    w.null();
  }
  w.end_object();
  auto response = http::Response::json(200, std::move(body));
  response.set_header("Cache-Control", "no-store");
  co_return response;
}

net::awaitable<http::Response> list_queues(ApiContext& context, http::Exchange&) {
  auto stats = co_await context.jobs.queues();
  if (!stats) co_return error_response(stats.error());
  TimePoint now = context.jobs.clock().now();
  std::string body;
  JsonWriter w(body);
  w.begin_object();
  w.key("queues");
  w.begin_array();
  for (const auto& q : *stats) {
    w.begin_object();
    w.key("name");
    w.string(q.queue);
    w.key("counts");
    w.begin_object();
    for (int s = 0; s < kJobStateCount; ++s) {
      w.key(to_string(static_cast<JobState>(s)));
      w.number(q.counts[s]);
    }
    w.end_object();
    w.key("oldest_queued_age_seconds");
    if (q.oldest_queued_created_at) {
      w.number(std::max(0.0, static_cast<double>((now - *q.oldest_queued_created_at).count()) / 1e6));
    } else {
      w.null();
    }
    w.key("finished_last_minute");
    w.number(q.finished_last_minute);
    w.end_object();
  }
  w.end_array();
  w.end_object();
  auto response = http::Response::json(200, std::move(body));
  response.set_header("Cache-Control", "no-store");
  co_return response;
}

}  // namespace

void register_client_routes(http::Router& router, ApiContext& context) {
  using http::Method;
  router.add(
      Method::post, "/v1/queues/{queue}/jobs", [&context](http::Exchange& ex) { return submit(context, ex); },
      http::RouteOptions{context.options.max_payload_bytes, /*require_length=*/true});
  router.add(Method::get, "/v1/jobs/{id}", [&context](http::Exchange& ex) { return get_status(context, ex); });
  router.add(Method::delete_, "/v1/jobs/{id}", [&context](http::Exchange& ex) { return cancel(context, ex); });
  router.add(Method::get, "/v1/jobs/{id}/result", [&context](http::Exchange& ex) { return get_result(context, ex); });
  router.add(Method::get, "/v1/jobs", [&context](http::Exchange& ex) { return list_jobs(context, ex); });
  router.add(Method::get, "/v1/queues", [&context](http::Exchange& ex) { return list_queues(context, ex); });
}

}  // namespace replyd::api
