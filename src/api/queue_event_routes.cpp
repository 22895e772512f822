// Server-Sent Events for dashboards: GET /v1/queues/{queue}/events (one queue) and GET /v1/events
// (every queue). One event per job created (`created`), state change (`status`) and progress
// (`progress`); `data:` is the job's status document, the same JSON as GET /v1/jobs/{id}; `id:`
// counts the events of this stream from 1. There is no snapshot at connect (a dashboard lists first,
// GET /v1/jobs) and no resumption: a reconnecting dashboard lists again.
//
// Changes are gathered per job while an event is being written (engine/queue_watch.h): a slow
// consumer gets each changed job's current document once, with the strongest kind of its changes,
// and past 10000 waiting jobs further ones are dropped and announced in a comment. With PostgreSQL
// the changes of other nodes arrive through LISTEN/NOTIFY like local ones.
#include "api/problem_mapping.h"
#include "api/responses.h"
#include "api/routes.h"
#include "api/status_document.h"
#include "http/sse.h"

#include <fmt/format.h>

namespace replyd::api {
namespace {

namespace net = boost::asio;

constexpr std::chrono::milliseconds kRetryMillis{2000};
// Events written per chunk, so that a large backlog is not one huge buffer.
constexpr std::size_t kEventsPerChunk = 64;

net::awaitable<http::Response> queue_events(ApiContext& context, http::Exchange& exchange,
                                            std::string queue) {
  http::Request& request = exchange.request();
  for (const auto& [name, value] : request.query_params()) {
    co_return bad_request(fmt::format("unknown parameter '{}'", name.substr(0, 64)));
  }
  // Subscribed before the head is sent: a client that has the head misses no later change.
  auto watch = context.jobs.watch_queue(queue, exchange.executor());
  if (!watch) co_return error_response(watch.error());

  http::Response head = event_stream_head();
  exchange.cancel_on_peer_close();
  if (!co_await exchange.begin_stream(std::move(head))) co_return http::Response{};
  std::string frame = http::sse_retry(kRetryMillis);
  if (!co_await exchange.write_chunk(frame)) co_return http::Response{};

  std::string base = context.base_url(request);
  std::int64_t next_id = 1;
  while (!context.jobs.stopping()) {
    engine::QueueChanges changes = co_await context.jobs.next_changes(**watch, context.options.sse_heartbeat);
    if (changes.cancelled) co_return http::Response{};
    frame.clear();
    if (changes.dropped > 0) {
      frame = http::sse_comment(
          fmt::format("{} changed jobs were dropped: this client reads too slowly", changes.dropped));
    }
    std::size_t in_frame = 0;
    for (const auto& item : changes.items) {
      auto job = co_await context.jobs.get(item.id);
      if (!job) continue;  // removed by retention meanwhile: nothing to show
      frame += http::sse_event(engine::to_string(item.kind), std::to_string(next_id++),
                               status_document(*job, base));
      if (++in_frame == kEventsPerChunk) {
        if (!co_await exchange.write_chunk(frame)) co_return http::Response{};
        frame.clear();
        in_frame = 0;
      }
    }
    if (frame.empty() && changes.items.empty()) frame = http::sse_comment("keep-alive");
    if (!frame.empty() && !co_await exchange.write_chunk(frame)) co_return http::Response{};
  }
  co_return http::Response{};
}

net::awaitable<http::Response> one_queue_events(ApiContext& context, http::Exchange& exchange) {
  std::string queue(exchange.request().path_param("queue"));
  if (queue.empty()) co_return bad_request("the queue name is empty");
  co_return co_await queue_events(context, exchange, std::move(queue));
}

net::awaitable<http::Response> all_queue_events(ApiContext& context, http::Exchange& exchange) {
  co_return co_await queue_events(context, exchange, std::string());
}

}  // namespace

void register_queue_event_routes(http::Router& router, ApiContext& context) {
  router.add(http::Method::get, "/v1/queues/{queue}/events",
             [&context](http::Exchange& ex) { return one_queue_events(context, ex); });
  router.add(http::Method::get, "/v1/events",
             [&context](http::Exchange& ex) { return all_queue_events(context, ex); });
}

}  // namespace replyd::api
