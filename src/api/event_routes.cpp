// Server-Sent Events for one job: GET /v1/jobs/{id}/events.
//
// Events carry the whole status document, so the stream is a sequence of states, not a log: each
// event's id is the job's version, which increases with every stored change. A reconnecting client
// sends the last id it saw (Last-Event-ID header, or last_event_id in the query for code that cannot
// set headers) and gets the current state if anything changed since, then the live changes: nothing it
// has not seen is skipped, and nothing it has seen is sent again.
#include "api/problem_mapping.h"
#include "api/request_options.h"
#include "api/responses.h"
#include "api/routes.h"
#include "api/status_document.h"
#include "http/sse.h"

#include <fmt/format.h>

namespace replyd::api {
namespace {

namespace net = boost::asio;

constexpr auto kHeartbeat = std::chrono::seconds(15);
constexpr std::chrono::milliseconds kRetryMillis{2000};

Result<std::int64_t> last_event_id(const http::Request& request) {
  std::optional<std::string_view> text = request.header("Last-Event-ID");
  if (!text) text = request.query_param("last_event_id");
  if (!text || text->empty()) return std::int64_t{0};
  return parse_integer("Last-Event-ID", *text, 0, INT64_MAX);
}

// "status" when the state changed since the last event, "progress" when only progress did.
std::string_view event_name(const Job& job, std::optional<JobState> previous) {
  return previous && *previous == job.state ? "progress" : "status";
}

net::awaitable<http::Response> job_events(ApiContext& context, http::Exchange& exchange) {
  http::Request& request = exchange.request();
  auto id = path_job_id(request);
  if (!id) co_return job_not_found();
  for (const auto& [name, value] : request.query_params()) {
    if (name != "last_event_id") co_return bad_request(fmt::format("unknown parameter '{}'", name.substr(0, 64)));
  }
  auto last_id = last_event_id(request);
  if (!last_id) co_return error_response(last_id.error());
  auto job = co_await context.jobs.get(*id);
  if (!job) co_return error_response(job.error());
  // The client saw the end already: 204 tells an EventSource not to reconnect.
  if (is_terminal(job->state) && job->version <= *last_id) co_return http::Response::empty(204);

  http::Response head;
  head.status = 200;
  head.set_header("Content-Type", "text/event-stream");
  head.set_header("Cache-Control", "no-store");
  head.set_header("X-Accel-Buffering", "no");  // nginx: pass events through at once
  exchange.cancel_on_peer_close();
  if (!co_await exchange.begin_stream(std::move(head))) co_return http::Response{};

  std::string base = context.base_url(request);
  std::string frame = http::sse_retry(kRetryMillis);
  std::int64_t sent_version = *last_id;
  std::optional<JobState> sent_state;
  while (true) {
    if (job->version > sent_version) {
      frame += http::sse_event(event_name(*job, sent_state), std::to_string(job->version),
                               status_document(*job, base));
      sent_version = job->version;
      sent_state = job->state;
    } else if (frame.empty()) {
      frame = http::sse_comment("keep-alive");
    }
    if (!co_await exchange.write_chunk(frame)) co_return http::Response{};
    frame.clear();
    if (is_terminal(job->state) || context.jobs.stopping()) co_return http::Response{};
    job = co_await context.jobs.wait_newer(*id, sent_version, kHeartbeat);
    // Retention removed the job while we streamed: the stream has nothing more to say.
    if (!job) co_return http::Response{};
  }
}

}  // namespace

void register_event_routes(http::Router& router, ApiContext& context) {
  router.add(http::Method::get, "/v1/jobs/{id}/events",
             [&context](http::Exchange& ex) { return job_events(context, ex); });
}

}  // namespace replyd::api
