// The background duties of a node: expiring leases whose worker stopped heartbeating or whose attempt
// ran out of time (the job is retried, failed or cancelled by core/lifecycle rules), and deleting
// finished jobs past their retention, in small batches so that neither blocks the hot path. With a
// shared PostgreSQL store every node runs them; the store makes each item handled once.
#pragma once

#include "core/clock.h"
#include "core/metrics.h"
#include "core/result.h"
#include "engine/engine_options.h"
#include "store/job_store.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <memory>

namespace replyd::engine {

class Maintenance {
 public:
  // All references must outlive this object.
  Maintenance(store::JobStore& store, const Clock& clock, const EngineOptions& options, metrics::Registry& metrics);
  ~Maintenance();

  // Starts both loops on their own strand of `io`. Call once.
  void start(boost::asio::io_context& io);
  // Ends both loops soon (their current store call finishes first). Thread-safe; idempotent.
  void stop();

  // One pass of each duty, for tests driven by a fake clock: the number of jobs changed / deleted.
  boost::asio::awaitable<Result<std::int64_t>> expire_once();
  boost::asio::awaitable<Result<std::int64_t>> purge_once();

 private:
  struct State;
  static boost::asio::awaitable<void> reaper_loop(std::shared_ptr<State> state, Maintenance* self);
  static boost::asio::awaitable<void> retention_loop(std::shared_ptr<State> state, Maintenance* self);

  std::shared_ptr<State> state_;
};

}  // namespace replyd::engine
