// replyd-bench: the closed-loop load generator of issue 6. See bench/README.md for the scenarios, the
// options and how bench/run.sh uses it.
#include "common/process_usage.h"
#include "load/runner.h"

#include <CLI/CLI.hpp>
#include <boost/asio/ip/address.hpp>
#include <fmt/format.h>

#include <iostream>

namespace {

using namespace replyd::bench;

struct Options {
  std::string url = "http://127.0.0.1:8080";
  std::string scenario = "accept";
  std::string label;
  int concurrency = 32;
  int threads = 1;
  std::uint64_t count = 1'000'000;
  double duration = 10;
  std::uint64_t prefill = 0;
  int payload_size = 64;
  int batch = 1;
  int poll_ms = 5;
  std::string queue = "bench";
  std::vector<int> pids;
  bool json = false;
};

boost::asio::ip::tcp::endpoint parse_endpoint(std::string_view url) {
  if (url.starts_with("http://")) url.remove_prefix(7);
  if (url.ends_with('/')) url.remove_suffix(1);
  auto colon = url.rfind(':');
  if (colon == std::string_view::npos) throw std::invalid_argument("--url must be http://IP:PORT");
  auto address = boost::asio::ip::make_address(std::string(url.substr(0, colon)));
  return {address, static_cast<unsigned short>(std::stoi(std::string(url.substr(colon + 1))))};
}

struct Usage {
  double self_cpu = 0;
  double server_cpu = 0;  // summed over --pid
};

Usage usage_now(const std::vector<int>& pids) {
  Usage u{self_cpu_seconds(), 0};
  for (int pid : pids) u.server_cpu += process_cpu_seconds(pid).value_or(0);
  return u;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"replyd-bench: closed-loop HTTP load for replyd (issue 6)"};
  app.add_option("--url", o.url, "server, http://IP:PORT");
  app.add_option("--scenario", o.scenario, "accept, cycle-poll, cycle-wait, cycle-sse, worker, status");
  app.add_option("--label", o.label, "name of this run in the report (default: the scenario)");
  app.add_option("-c,--concurrency", o.concurrency, "clients, each with its own kept-alive connection")
      ->check(CLI::Range(1, 100000));
  app.add_option("--threads", o.threads, "threads of the load generator")->check(CLI::Range(1, 64));
  app.add_option("-n,--count", o.count, "most operations (the run stops at the count or the duration)");
  app.add_option("-d,--duration", o.duration, "most seconds of the measured part")->check(CLI::PositiveNumber);
  app.add_option("--prefill", o.prefill,
                 "jobs submitted before the measured part (status: the jobs read, default 1000; worker: the queue)");
  app.add_option("--payload-size", o.payload_size, "bytes of each payload")->check(CLI::Range(0, 1 << 24));
  app.add_option("--batch", o.batch, "worker: jobs per lease and per complete (1: the single-job form)")
      ->check(CLI::Range(1, 256));
  app.add_option("--poll-ms", o.poll_ms, "cycle-poll: milliseconds between polls")->check(CLI::Range(1, 60000));
  app.add_option("--queue", o.queue, "queue name");
  app.add_option("--pid", o.pids, "process whose CPU and peak RSS are reported (the server, its workers); repeatable");
  app.add_flag("--json", o.json, "print one JSON object instead of text");
  CLI11_PARSE(app, argc, argv);

  ScenarioConfig config;
  if (!parse_scenario(o.scenario, config.scenario)) {
    std::cerr << "unknown scenario '" << o.scenario << "'\n";
    return 2;
  }
  config.queue = o.queue;
  config.payload.assign(static_cast<std::size_t>(o.payload_size), 'x');
  config.batch = o.batch;
  config.poll_interval = std::chrono::milliseconds(o.poll_ms);
  RunSpec spec;
  spec.endpoint = parse_endpoint(o.url);
  spec.concurrency = o.concurrency;
  spec.threads = o.threads;
  spec.count = o.count;
  spec.duration = std::chrono::milliseconds(static_cast<std::int64_t>(o.duration * 1000));

  // Not measured: the jobs the status scenario reads, the queue the worker scenario drains.
  std::uint64_t prefill = o.prefill;
  if (config.scenario == Scenario::status && prefill == 0) prefill = 1000;
  std::vector<std::string> ids;
  if (prefill > 0) {
    ScenarioConfig fill = config;
    fill.scenario = Scenario::accept;
    RunSpec fill_spec = spec;
    fill_spec.count = prefill;
    fill_spec.duration = std::chrono::hours(1);
    fill_spec.collect_ids = config.scenario == Scenario::status;
    RunTotals filled = run_scenario(fill, fill_spec);
    if (filled.tally.errors > 0 || filled.tally.ops < prefill) {
      std::cerr << "prefill failed: " << filled.tally.ops << " of " << prefill << " submitted; "
                << filled.tally.first_error << "\n";
      return 1;
    }
    ids = std::move(filled.tally.job_ids);
  }
  config.status_ids = &ids;

  Usage before = usage_now(o.pids);
  RunTotals run = run_scenario(config, spec);
  Usage after = usage_now(o.pids);

  LatencySummary lat = run.tally.latency.summarize();
  double seconds = run.elapsed.count();
  double ops = static_cast<double>(run.tally.ops);
  double rate = seconds > 0 ? ops / seconds : 0;
  double server_cpu = after.server_cpu - before.server_cpu;
  double self_cpu = after.self_cpu - before.self_cpu;
  double server_ms_per_op = ops > 0 ? server_cpu * 1000 / ops : 0;
  double self_ms_per_request = run.tally.requests > 0 ? self_cpu * 1000 / static_cast<double>(run.tally.requests) : 0;
  double rss_mib = 0;
  if (!o.pids.empty()) rss_mib = process_peak_rss_bytes(o.pids.front()).value_or(0) / (1024.0 * 1024.0);
  std::string label = o.label.empty() ? o.scenario : o.label;

  if (o.json) {
    fmt::print(
        R"({{"label":"{}","scenario":"{}","concurrency":{},"ops":{},"requests":{},"errors":{},"seconds":{:.3f},)"
        R"("rate":{:.1f},"p50_ms":{:.3f},"p99_ms":{:.3f},"p999_ms":{:.3f},"max_ms":{:.3f},"server_cpu_s":{:.3f},)"
        R"("server_ms_per_op":{:.4f},"bench_cpu_s":{:.3f},"bench_ms_per_request":{:.4f},"server_peak_rss_mib":{:.1f},)"
        R"("first_error":"{}"}})"
        "\n",
        label, o.scenario, o.concurrency, run.tally.ops, run.tally.requests, run.tally.errors, seconds, rate,
        lat.p50_ms, lat.p99_ms, lat.p999_ms, lat.max_ms, server_cpu, server_ms_per_op, self_cpu, self_ms_per_request,
        rss_mib, run.tally.first_error.substr(0, run.tally.first_error.find_first_of("\"\\\n")));
  } else {
    fmt::print("{}: {} ops in {:.2f} s = {:.0f}/s, {} requests, {} errors\n", label, run.tally.ops, seconds, rate,
               run.tally.requests, run.tally.errors);
    fmt::print("latency ms: p50 {:.3f}  p99 {:.3f}  p99.9 {:.3f}  max {:.3f}\n", lat.p50_ms, lat.p99_ms, lat.p999_ms,
               lat.max_ms);
    fmt::print("server CPU {:.2f} s = {:.4f} ms/op, peak RSS {:.1f} MiB; bench CPU {:.2f} s = {:.4f} ms/request\n",
               server_cpu, server_ms_per_op, rss_mib, self_cpu, self_ms_per_request);
    if (!run.tally.first_error.empty()) fmt::print("first error: {}\n", run.tally.first_error);
  }
  return run.tally.errors > 0 ? 1 : 0;
}
