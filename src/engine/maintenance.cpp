#include "engine/maintenance.h"

#include "engine/store_calls.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <random>

namespace replyd::engine {

namespace net = boost::asio;

struct Maintenance::State {
  State(store::JobStore& s, const Clock& c, const EngineOptions& o, metrics::Registry& m)
      : store(s),
        clock(c),
        options(o),
        expired(m.counter("replyd_leases_expired_total", "Attempts ended because their lease ran out").with({})),
        purged(m.counter("replyd_jobs_purged_total", "Finished jobs deleted after their retention").with({})) {}

  store::JobStore& store;
  const Clock& clock;
  const EngineOptions& options;
  metrics::Counter& expired;
  metrics::Counter& purged;
  std::optional<net::strand<net::io_context::executor_type>> strand;
  std::optional<net::steady_timer> reaper_timer;
  std::optional<net::steady_timer> retention_timer;
  bool stopped = false;  // on the strand
  std::mt19937_64 rng{std::random_device{}()};
};

namespace {

// Logs a failed duty once per streak of failures, not once per tick.
void report(const char* duty, const Result<std::int64_t>& r, bool& failing) {
  if (!r && !failing) spdlog::warn("{} failed: {} (will keep trying)", duty, r.error().detail());
  if (r && failing) spdlog::info("{} works again", duty);
  failing = !r;
}

void log_exit(const char* name, std::exception_ptr e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    spdlog::error("{} loop ended by an exception: {}", name, ex.what());
  }
}

}  // namespace

net::awaitable<void> Maintenance::reaper_loop(std::shared_ptr<State> state, Maintenance* self) {
  bool failing = false;
  while (!state->stopped) {
    auto changed = co_await self->expire_once();
    report("lease expiry", changed, failing);
    // A full batch means more are waiting: go on at once; else sleep until the next tick.
    if (changed && *changed >= state->options.reaper_batch) continue;
    state->reaper_timer->expires_after(state->options.reaper_interval);
    co_await state->reaper_timer->async_wait(net::as_tuple(net::use_awaitable));
  }
}

net::awaitable<void> Maintenance::retention_loop(std::shared_ptr<State> state, Maintenance* self) {
  bool failing = false;
  while (!state->stopped) {
    auto deleted = co_await self->purge_once();
    report("retention", deleted, failing);
    if (deleted && *deleted >= state->options.purge_batch) {
      // Yield between batches so a large backlog never monopolises the store's writer.
      state->retention_timer->expires_after(std::chrono::milliseconds(10));
    } else {
      state->retention_timer->expires_after(state->options.retention_interval);
    }
    co_await state->retention_timer->async_wait(net::as_tuple(net::use_awaitable));
  }
}

Maintenance::Maintenance(store::JobStore& store, const Clock& clock, const EngineOptions& options,
                         metrics::Registry& metrics)
    : state_(std::make_shared<State>(store, clock, options, metrics)) {}

Maintenance::~Maintenance() { stop(); }

void Maintenance::start(net::io_context& io) {
  state_->strand.emplace(net::make_strand(io));
  state_->reaper_timer.emplace(*state_->strand);
  state_->retention_timer.emplace(*state_->strand);
  net::co_spawn(*state_->strand, reaper_loop(state_, this), [](std::exception_ptr e) { log_exit("reaper", e); });
  net::co_spawn(*state_->strand, retention_loop(state_, this),
                [](std::exception_ptr e) { log_exit("retention", e); });
}

void Maintenance::stop() {
  if (!state_->strand) return;
  net::post(*state_->strand, [state = state_] {
    state->stopped = true;
    state->reaper_timer->cancel();
    state->retention_timer->cancel();
  });
}

net::awaitable<Result<std::int64_t>> Maintenance::expire_once() {
  store::ExpireRequest request{state_->clock.now(), state_->options.reaper_batch, state_->options.retry,
                               state_->rng()};
  auto jobs = co_await store_calls::expire_leases(state_->store, request);
  if (!jobs) co_return jobs.error();
  state_->expired.inc(jobs->size());
  co_return static_cast<std::int64_t>(jobs->size());
}

net::awaitable<Result<std::int64_t>> Maintenance::purge_once() {
  store::PurgeRequest request{state_->clock.now(), state_->options.purge_batch};
  auto deleted = co_await store_calls::purge_expired(state_->store, request);
  if (deleted) state_->purged.inc(static_cast<std::uint64_t>(*deleted));
  co_return deleted;
}

}  // namespace replyd::engine
