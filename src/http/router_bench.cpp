// Route matching runs on every request: a table shaped like the real API, matched into a reused Match
// as the server does (no allocation in the steady state).
#include "http/router.h"

#include <benchmark/benchmark.h>

namespace replyd::http {
namespace {

boost::asio::awaitable<Response> ok(Exchange&) { co_return Response::empty(200); }

const Router& api_like_router() {
  static const Router router = [] {
    Router r;
    Handler h = [](Exchange& e) { return ok(e); };
    r.add(Method::post, "/v1/queues/{queue}/jobs", h);
    r.add(Method::post, "/v1/queues/{queue}/leases", h);
    r.add(Method::get, "/v1/queues", h);
    r.add(Method::get, "/v1/jobs", h);
    r.add(Method::get, "/v1/jobs/{id}", h);
    r.add(Method::delete_, "/v1/jobs/{id}", h);
    r.add(Method::get, "/v1/jobs/{id}/result", h);
    r.add(Method::get, "/v1/jobs/{id}/events", h);
    r.add(Method::post, "/v1/jobs/{id}/heartbeat", h);
    r.add(Method::post, "/v1/jobs/{id}/complete", h);
    r.add(Method::post, "/v1/jobs/{id}/fail", h);
    r.add(Method::get, "/healthz", h);
    r.add(Method::get, "/readyz", h);
    r.add(Method::get, "/metrics", h);
    r.add(Method::get, "/ui/{path...}", h);
    return r;
  }();
  return router;
}

void BM_MatchStatus(benchmark::State& state) {
  const Router& router = api_like_router();
  Match match;
  for (auto _ : state) {
    router.match(Method::get, "/v1/jobs/AbCdEfGhIjKlMnOpQrStUv", match);
    benchmark::DoNotOptimize(match.route);
  }
}
BENCHMARK(BM_MatchStatus);

void BM_MatchComplete(benchmark::State& state) {
  const Router& router = api_like_router();
  Match match;
  for (auto _ : state) {
    router.match(Method::post, "/v1/jobs/AbCdEfGhIjKlMnOpQrStUv/complete", match);
    benchmark::DoNotOptimize(match.route);
  }
}
BENCHMARK(BM_MatchComplete);

void BM_MatchNotFound(benchmark::State& state) {
  const Router& router = api_like_router();
  Match match;
  for (auto _ : state) {
    router.match(Method::get, "/v2/unknown/path", match);
    benchmark::DoNotOptimize(match.kind);
  }
}
BENCHMARK(BM_MatchNotFound);

}  // namespace
}  // namespace replyd::http
