// Server-Sent Events for one job: GET /v1/jobs/{id}/events.
//
// Events carry the whole status document, so the stream is a sequence of states, not a log: each
// event's id is the job's event id (engine/progress_board.h: the stored version times 1000, plus the
// progress updates kept in memory on top of it), which increases with every change. A reconnecting client
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

// What the stream has sent so far, and the text of the next chunk.
struct StreamState {
  std::int64_t sent_id = 0;
  std::optional<JobState> sent_state;
  std::string frame;
};

// Reads the job and appends its event to state.frame when it changed since the last one sent; true
// when the job is terminal. Its own coroutine, so that an idle stream's frames hold no copy of the job
// (see JobService::wait_for_change). not_found once retention removed the job.
net::awaitable<Result<bool>> append_current(ApiContext& context, JobId id, std::string base, StreamState& state) {
  auto view = co_await context.jobs.view(id);
  if (!view) co_return view.error();
  const Job& job = view->job;
  if (view->event_id > state.sent_id) {
    state.frame += http::sse_event(event_name(job, state.sent_state), std::to_string(view->event_id),
                                   status_document(job, base));
    state.sent_id = view->event_id;
    state.sent_state = job.state;
  }
  co_return is_terminal(job.state);
}

// Whether the client saw the job's terminal event already (then 204 tells an EventSource not to
// reconnect). not_found.
net::awaitable<Result<bool>> seen_the_end(ApiContext& context, JobId id, std::int64_t last_id) {
  auto view = co_await context.jobs.view(id);
  if (!view) co_return view.error();
  co_return is_terminal(view->job.state) && view->event_id <= last_id;
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
  auto seen = co_await seen_the_end(context, *id, *last_id);
  if (!seen) co_return error_response(seen.error());
  if (*seen) co_return http::Response::empty(204);

  http::Response head = event_stream_head();
  exchange.cancel_on_peer_close();
  if (!co_await exchange.begin_stream(std::move(head))) co_return http::Response{};

  std::string base = context.base_url(request);
  StreamState state{*last_id, std::nullopt, http::sse_retry(kRetryMillis)};
  while (true) {
    auto terminal = co_await append_current(context, *id, base, state);
    // Retention removed the job while we streamed: the stream has nothing more to say.
    if (!terminal) co_return http::Response{};
    if (state.frame.empty()) state.frame = http::sse_comment("keep-alive");
    if (!co_await exchange.write_chunk(state.frame)) co_return http::Response{};
    state.frame.clear();
    state.frame.shrink_to_fit();  // an idle stream keeps no event text
    if (*terminal || context.jobs.stopping()) co_return http::Response{};
    auto end = co_await context.jobs.wait_for_change(*id, state.sent_id, /*terminal_only=*/false,
                                                     context.options.sse_heartbeat);
    if (!end || *end == engine::JobService::WaitEnd::cancelled) co_return http::Response{};
  }
}

}  // namespace

void register_event_routes(http::Router& router, ApiContext& context) {
  router.add(http::Method::get, "/v1/jobs/{id}/events",
             [&context](http::Exchange& ex) { return job_events(context, ex); });
}

}  // namespace replyd::api
