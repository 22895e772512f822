#include "http/server_metrics.h"

#include <string>

namespace replyd::http {

ServerMetrics::ServerMetrics(metrics::Registry& registry, const Router& router)
    : router_(router),
      requests_(registry.counter("replyd_http_requests_total",
                                 "HTTP requests answered, by route, method and status.",
                                 {"route", "method", "status"})),
      durations_(registry.histogram("replyd_http_request_duration_seconds",
                                    "Time from a request's head to the end of its response, by route.",
                                    {"route"}, metrics::latency_buckets())),
      connections_(registry.gauge("replyd_http_connections", "HTTP connections open now.").with({})),
      rejected_(registry
                    .counter("replyd_http_connections_rejected_total",
                             "HTTP connections refused with 503 because max_connections were open.")
                    .with({})) {
  for (const Route& route : router.routes()) {
    auto entry = std::make_unique<PerRoute>();
    entry->label = route.pattern;
    per_route_.push_back(std::move(entry));
  }
  auto unmatched = std::make_unique<PerRoute>();
  unmatched->label = "unmatched";
  per_route_.push_back(std::move(unmatched));
  for (auto& entry : per_route_) entry->duration = &durations_.with({entry->label});
}

ServerMetrics::~ServerMetrics() {
  for (auto& entry : per_route_) {
    for (auto& row : entry->rows) delete row.load();
  }
}

void ServerMetrics::record(const Route* route, Method method, int status, double seconds) {
  const auto& routes = router_.routes();
  std::size_t index = route != nullptr ? static_cast<std::size_t>(route - routes.data()) : routes.size();
  PerRoute& entry = *per_route_[index];
  counter(entry, method, status).inc();
  entry.duration->observe(seconds);
}

metrics::Counter& ServerMetrics::counter(PerRoute& entry, Method method, int status) {
  auto labels = [&] {
    return std::vector<std::string>{entry.label, std::string(to_string(method)), std::to_string(status)};
  };
  int slot =
      status >= 100 && status <= 599 && status % 100 < 32 ? (status / 100 - 1) * 32 + status % 100 : -1;
  if (slot < 0) return requests_.with(labels());
  auto& row_ptr = entry.rows[static_cast<std::size_t>(method)];
  Row* row = row_ptr.load(std::memory_order_acquire);
  if (row == nullptr) {
    auto fresh = std::make_unique<Row>();
    if (row_ptr.compare_exchange_strong(row, fresh.get(), std::memory_order_acq_rel)) row = fresh.release();
  }
  auto& cell = (*row)[static_cast<std::size_t>(slot)];
  metrics::Counter* counter = cell.load(std::memory_order_acquire);
  if (counter == nullptr) {
    // Racing threads get the same child from the registry, so either store is right.
    counter = &requests_.with(labels());
    cell.store(counter, std::memory_order_release);
  }
  return *counter;
}

}  // namespace replyd::http
