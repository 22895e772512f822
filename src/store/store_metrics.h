// The metrics every store records (the same families for SQLite and PostgreSQL, so dashboards work
// with either), registered once per store:
//   replyd_store_operations_total{op,result}   counter; result is "ok" or the Errc name
//   replyd_store_commit_batch_size             histogram of operations per commit
//   replyd_store_commit_seconds                histogram of a batch transaction, BEGIN to COMMIT
//   replyd_store_pending_ops                   gauge of write operations accepted and not yet answered
//   replyd_store_checkpoints_total{mode,result} counter of WAL checkpoints (SQLite; registered on first use)
// Thread-safe: counting an operation is lock-free after its first use.
#pragma once

#include "core/metrics.h"
#include "core/result.h"

#include <array>
#include <atomic>
#include <optional>
#include <string_view>

namespace replyd::store {

// clang-format off
enum class OpKind : int {
  insert, get, get_payload, get_result, list, queue_stats, lease, heartbeat, complete, fail, cancel,
  expire_leases, purge_expired, ping, claim_deliveries, report_deliveries, get_delivery,
};
// clang-format on
inline constexpr int kOpKindCount = static_cast<int>(OpKind::get_delivery) + 1;
std::string_view to_string(OpKind kind);

class StoreMetrics {
 public:
  explicit StoreMetrics(metrics::Registry& registry);

  // Counts one answered operation: nullopt for ok, else its error code.
  void count(OpKind kind, std::optional<Errc> error);
  // result: "ok", "busy" (readers or the writer kept it from finishing) or "error".
  void count_checkpoint(std::string_view mode, std::string_view result);

  metrics::Histogram& batch_size;
  metrics::Histogram& commit_seconds;
  metrics::Gauge& pending_ops;

 private:
  // Result slots: 0 is ok, 1 + Errc for errors.
  static constexpr int kResultSlots = 1 + static_cast<int>(Errc::internal) + 1;

  metrics::Registry& registry_;
  metrics::Family<metrics::Counter>& operations_;
  std::array<std::array<std::atomic<metrics::Counter*>, kResultSlots>, kOpKindCount> children_{};
};

}  // namespace replyd::store
