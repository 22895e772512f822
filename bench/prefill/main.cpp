// replyd-prefill: fills a store with N queued jobs quickly, for the benchmark's depth scenarios (1 and 10
// million stored jobs). It opens the store with the server's own code (store/open_store.h), so the rows,
// indexes and counters are exactly what `replyd serve` writes, and it inserts through the same grouped
// writer, many inserts in flight and without fsync per commit (the durability of a prefill does not
// matter; a final commit still reaches the disk before the store closes). Run it while no server uses
// the store.
#include "core/clock.h"
#include "core/metrics.h"
#include "store/open_store.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <condition_variable>
#include <iostream>
#include <mutex>

int main(int argc, char** argv) {
  std::string store_uri;
  std::string queue = "depth";
  std::uint64_t count = 1'000'000;
  int payload_size = 64;
  std::uint64_t in_flight = 10'000;
  CLI::App app{"replyd-prefill: inserts N queued jobs into a replyd store (benchmark depth scenarios)"};
  app.add_option("--store", store_uri, "sqlite:PATH or postgres://... (as replyd serve --store)")->required();
  app.add_option("--queue", queue, "queue of the jobs (no worker should lease it during the benchmark)");
  app.add_option("-n,--count", count, "jobs to insert");
  app.add_option("--payload-size", payload_size, "bytes of each payload")->check(CLI::Range(0, 1 << 20));
  app.add_option("--in-flight", in_flight, "inserts waiting for the store at once")->check(CLI::Range(1, 20'000));
  CLI11_PARSE(app, argc, argv);

  replyd::metrics::Registry registry;
  replyd::store::StoreTuning tuning;
  tuning.synchronous_full = false;
  // A store counts an insert as pending until a little after its callback ran: leave it room.
  tuning.max_pending_ops = in_flight * 2;
  auto store = replyd::store::open_store(store_uri, tuning, registry);
  replyd::SystemClock clock;

  std::mutex mutex;
  std::condition_variable changed;
  std::uint64_t pending = 0, failed = 0;
  std::string first_error;
  const std::string payload(static_cast<std::size_t>(payload_size), 'x');
  auto started = std::chrono::steady_clock::now();
  for (std::uint64_t i = 0; i < count; ++i) {
    {
      std::unique_lock lock(mutex);
      changed.wait(lock, [&] { return pending < in_flight; });
      ++pending;
    }
    replyd::store::NewJob job;
    job.spec.queue = queue;
    job.payload = replyd::Blob{"text/plain", payload};
    store->insert(std::move(job), clock.now(), [&](replyd::Result<replyd::store::InsertOutcome> outcome) {
      std::lock_guard lock(mutex);
      --pending;
      if (!outcome) {
        ++failed;
        if (first_error.empty()) first_error = outcome.error().detail();
      }
      changed.notify_one();
    });
    if ((i + 1) % 1'000'000 == 0) std::cerr << fmt::format("{} jobs\n", i + 1);
  }
  {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return pending == 0; });
  }
  store->close();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << fmt::format("inserted {} jobs into queue '{}' in {:.1f} s ({:.0f}/s), {} failed\n", count - failed, queue,
                           seconds, static_cast<double>(count - failed) / seconds, failed);
  if (failed > 0) std::cerr << "first error: " << first_error << "\n";
  return failed > 0 ? 1 : 0;
}
