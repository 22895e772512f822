// Runs one scenario with C closed-loop clients spread over T threads (one io_context each, so threads
// share nothing but the run's bounds) and merges what the threads counted.
#pragma once

#include "load/scenario.h"

#include <boost/asio/ip/tcp.hpp>

#include <chrono>
#include <cstdint>

namespace replyd::bench {

struct RunSpec {
  boost::asio::ip::tcp::endpoint endpoint;
  int concurrency = 32;
  int threads = 1;
  std::uint64_t count = 1'000'000;
  std::chrono::milliseconds duration{10'000};
  std::chrono::milliseconds request_timeout{60'000};
  bool collect_ids = false;  // accept: keep the ids submitted (to prepare the status scenario)
};

struct RunTotals {
  Tally tally;  // merged; latency holds every thread's samples
  std::chrono::duration<double> elapsed{};
};

// Blocks until every client has stopped (count reached, deadline passed, or the worker queue is empty).
RunTotals run_scenario(const ScenarioConfig& config, const RunSpec& spec);

}  // namespace replyd::bench
