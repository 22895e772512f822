#include "load/runner.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <fmt/format.h>

#include <deque>
#include <thread>

namespace replyd::bench {

namespace net = boost::asio;

namespace {

struct Worker {
  net::io_context io{1};
  std::deque<Connection> connections;
  Tally tally;
};

}  // namespace

RunTotals run_scenario(const ScenarioConfig& config, const RunSpec& spec) {
  int threads = std::max(1, std::min(spec.threads, spec.concurrency));
  std::deque<Worker> workers(static_cast<std::size_t>(threads));
  auto started = std::chrono::steady_clock::now();
  RunBounds bounds(spec.count, started + spec.duration);
  for (int c = 0; c < spec.concurrency; ++c) {
    Worker& w = workers[static_cast<std::size_t>(c % threads)];
    w.tally.collect_ids = spec.collect_ids;
    Connection& connection = w.connections.emplace_back(w.io.get_executor(), spec.endpoint, spec.request_timeout);
    auto on_done = [&w](std::exception_ptr error) {
      if (!error) return;
      ++w.tally.errors;
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        if (w.tally.first_error.empty()) w.tally.first_error = fmt::format("client stopped: {}", e.what());
      }
    };
    net::co_spawn(w.io, run_client(config, connection, bounds, w.tally), on_done);
  }
  std::vector<std::thread> pool;
  for (auto& w : workers) pool.emplace_back([&w] { w.io.run(); });
  for (auto& t : pool) t.join();

  RunTotals totals;
  totals.elapsed = std::chrono::steady_clock::now() - started;
  for (auto& w : workers) {
    Tally& t = w.tally;
    totals.tally.latency.merge(t.latency);
    totals.tally.ops += t.ops;
    totals.tally.requests += t.requests;
    totals.tally.errors += t.errors;
    if (totals.tally.first_error.empty()) totals.tally.first_error = t.first_error;
    totals.tally.job_ids.insert(totals.tally.job_ids.end(), t.job_ids.begin(), t.job_ids.end());
  }
  return totals;
}

}  // namespace replyd::bench
