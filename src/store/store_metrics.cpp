#include "store/store_metrics.h"

#include <string>

namespace replyd::store {

std::string_view to_string(OpKind kind) {
  // clang-format off
  switch (kind) {
    case OpKind::insert: return "insert";
    case OpKind::get: return "get";
    case OpKind::get_payload: return "get_payload";
    case OpKind::get_result: return "get_result";
    case OpKind::list: return "list";
    case OpKind::queue_stats: return "queue_stats";
    case OpKind::lease: return "lease";
    case OpKind::heartbeat: return "heartbeat";
    case OpKind::complete: return "complete";
    case OpKind::fail: return "fail";
    case OpKind::cancel: return "cancel";
    case OpKind::expire_leases: return "expire_leases";
    case OpKind::purge_expired: return "purge_expired";
    case OpKind::ping: return "ping";
    case OpKind::claim_deliveries: return "claim_deliveries";
    case OpKind::report_deliveries: return "report_deliveries";
    case OpKind::get_delivery: return "get_delivery";
  }
  // clang-format on
  return "unknown";
}

StoreMetrics::StoreMetrics(metrics::Registry& registry)
    : batch_size(registry
                     .histogram("replyd_store_commit_batch_size", "Write operations per store commit", {},
                                {1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000})
                     .with({})),
      commit_seconds(registry
                         .histogram("replyd_store_commit_seconds",
                                    "Duration of a store write transaction, BEGIN to COMMIT, fsync included",
                                    {}, metrics::latency_buckets())
                         .with({})),
      pending_ops(registry
                      .gauge("replyd_store_pending_ops",
                             "Write operations accepted by the store and not yet answered")
                      .with({})),
      registry_(registry),
      operations_(registry.counter("replyd_store_operations_total", "Store operations answered, by result",
                                   {"op", "result"})) {}

void StoreMetrics::count(OpKind kind, std::optional<Errc> error) {
  const int slot = error ? 1 + static_cast<int>(*error) : 0;
  if (slot >= kResultSlots) {  // an Errc added after this table was sized: uncached
    operations_.with({std::string(to_string(kind)), std::string(to_string(*error))}).inc();
    return;
  }
  auto& child = children_[static_cast<int>(kind)][slot];
  metrics::Counter* counter = child.load(std::memory_order_acquire);
  if (counter == nullptr) {
    // Family::with() returns the same child for the same labels, so a race here is harmless.
    counter =
        &operations_.with({std::string(to_string(kind)), std::string(error ? to_string(*error) : "ok")});
    child.store(counter, std::memory_order_release);
  }
  counter->inc();
}

void StoreMetrics::count_checkpoint(std::string_view mode, std::string_view result) {
  // Registered here, not in the constructor, so that a store without checkpoints shows no such family.
  registry_.counter("replyd_store_checkpoints_total", "SQLite WAL checkpoints, by mode and result", {"mode", "result"})
      .with({std::string(mode), std::string(result)})
      .inc();
}

}  // namespace replyd::store
