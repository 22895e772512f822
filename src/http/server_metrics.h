// The HTTP layer's Prometheus metrics, with the labelled children a request needs looked up without
// a lock: the registry's lookup takes a mutex, so each (route, method, status) child is fetched once
// and its address kept in a per-route table of atomics. Thread-safe.
//
//   replyd_http_requests_total{route,method,status}   counter; route is the pattern or "unmatched"
//   replyd_http_request_duration_seconds{route}        histogram, metrics::latency_buckets()
//   replyd_http_connections                            gauge, connections open now
//   replyd_http_connections_rejected_total             counter, refused over max_connections
#pragma once

#include "core/metrics.h"
#include "http/router.h"

#include <array>
#include <atomic>
#include <memory>
#include <vector>

namespace replyd::http {

class ServerMetrics {
 public:
  // Registers the families in `registry` (once per server) and one duration child per route of
  // `router`. Both must outlive this object; the router must not change afterwards.
  ServerMetrics(metrics::Registry& registry, const Router& router);
  ~ServerMetrics();
  ServerMetrics(const ServerMetrics&) = delete;
  ServerMetrics& operator=(const ServerMetrics&) = delete;

  // One finished request. `route` is null for a request that matched no route (or was not parsed).
  void record(const Route* route, Method method, int status, double seconds);

  metrics::Gauge& connections() { return connections_; }
  metrics::Counter& rejected() { return rejected_; }

 private:
  // Statuses 100..599 whose last two digits are below 32 (every status in use) get a slot; others
  // take the registry's lookup each time.
  static constexpr int kStatusSlots = 5 * 32;
  static constexpr int kMethods = 8;
  using Row = std::array<std::atomic<metrics::Counter*>, kStatusSlots>;
  struct PerRoute {
    std::string label;
    metrics::Histogram* duration = nullptr;
    std::array<std::atomic<Row*>, kMethods> rows{};  // one per method, allocated on first use
  };
  metrics::Counter& counter(PerRoute& entry, Method method, int status);

  const Router& router_;
  metrics::Family<metrics::Counter>& requests_;
  metrics::Family<metrics::Histogram>& durations_;
  metrics::Gauge& connections_;
  metrics::Counter& rejected_;
  std::vector<std::unique_ptr<PerRoute>> per_route_;  // one per route, then "unmatched"
};

}  // namespace replyd::http
