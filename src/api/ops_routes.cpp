// Operations: liveness (/healthz), readiness (/readyz: the store answers) and Prometheus metrics.
#include "api/problem_mapping.h"
#include "api/routes.h"
#include "core/metrics.h"

#include <fmt/format.h>

namespace replyd::api {
namespace {

namespace net = boost::asio;

net::awaitable<http::Response> healthz(ApiContext&, http::Exchange&) {
  co_return http::Response::json(200, R"({"status":"ok"})");
}

net::awaitable<http::Response> readyz(ApiContext& context, http::Exchange&) {
  if (context.jobs.stopping()) co_return error_response(Error(Errc::shutting_down, "the server is stopping"));
  auto ready = co_await context.jobs.ready();
  if (!ready) co_return error_response(Error(Errc::unavailable, "store not ready: " + ready.error().detail()));
  co_return http::Response::json(200, R"({"status":"ready"})");
}

// Jobs by queue and state come from the store at scrape time (they are shared by every node);
// everything else is this process's registry.
net::awaitable<http::Response> metrics(ApiContext& context, http::Exchange&) {
  std::string body = context.metrics.render();
  auto stats = co_await context.jobs.queues();
  if (stats) {
    TimePoint now = context.jobs.clock().now();
    body += "# HELP replyd_jobs Jobs in the store, by queue and state\n# TYPE replyd_jobs gauge\n";
    for (const auto& q : *stats) {
      for (int s = 0; s < kJobStateCount; ++s) {
        body += fmt::format("replyd_jobs{{queue=\"{}\",state=\"{}\"}} {}\n", metrics::escape_label(q.queue),
                            to_string(static_cast<JobState>(s)), q.counts[s]);
      }
    }
    body += "# HELP replyd_queue_oldest_queued_age_seconds Age of the oldest due queued job\n"
            "# TYPE replyd_queue_oldest_queued_age_seconds gauge\n";
    for (const auto& q : *stats) {
      double age = q.oldest_queued_created_at
                       ? std::max(0.0, static_cast<double>((now - *q.oldest_queued_created_at).count()) / 1e6)
                       : 0.0;
      body += fmt::format("replyd_queue_oldest_queued_age_seconds{{queue=\"{}\"}} {}\n",
                          metrics::escape_label(q.queue), age);
    }
  }
  body += fmt::format("# HELP replyd_store_up Whether the last store query of this scrape worked\n"
                      "# TYPE replyd_store_up gauge\nreplyd_store_up {}\n",
                      stats ? 1 : 0);
  co_return http::Response::bytes(200, "text/plain; version=0.0.4; charset=utf-8", std::move(body));
}

net::awaitable<http::Response> root(ApiContext&, http::Exchange&) {
  auto response = http::Response::empty(302);
  response.set_header("Location", "/ui/");
  co_return response;
}

}  // namespace

void register_ops_routes(http::Router& router, ApiContext& context) {
  using http::Method;
  router.add(Method::get, "/healthz", [&context](http::Exchange& ex) { return healthz(context, ex); });
  router.add(Method::get, "/readyz", [&context](http::Exchange& ex) { return readyz(context, ex); });
  router.add(Method::get, "/metrics", [&context](http::Exchange& ex) { return metrics(context, ex); });
  router.add(Method::get, "/", [&context](http::Exchange& ex) { return root(context, ex); });
}

}  // namespace replyd::api
