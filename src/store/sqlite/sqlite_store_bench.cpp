// Throughput of the SQLite store through group commit, on a real file (fsync included unless the
// benchmark says synchronous=NORMAL):
//   BM_SqliteInsert/submitters/in_flight/full   concurrent submitters, each keeping `in_flight` inserts
//                                               outstanding (HTTP clients waiting for their 202)
//   BM_SqliteLeaseComplete/workers/batch/full   workers leasing `batch` jobs at a time and completing each
// Counters: items_per_second; cpu_us_per_op (process CPU, all threads, per job); avg_batch (operations
// per commit).
#include "store/sqlite/sqlite_store.h"

#include <benchmark/benchmark.h>
#include <sys/resource.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <latch>
#include <semaphore>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace replyd::store::sqlite {
namespace {

constexpr int kInsertsPerIteration = 20'000;
constexpr int kJobsPerLeaseIteration = 10'000;
const std::string kPayload(256, 'p');  // a small JSON request

class BenchDir {
 public:
  BenchDir() {
    // Beside the build, on a real disk: a tmpfs would make fsync free and the numbers meaningless.
    std::string pattern = (std::filesystem::current_path() / "replyd-bench-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~BenchDir() { std::filesystem::remove_all(path_); }
  std::string db() const { return path_ + "/bench.db"; }

 private:
  std::string path_;
};

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// The sum and count of a histogram, read from the registry's text form.
struct HistogramTotals {
  double sum = 0;
  double count = 0;
};
HistogramTotals histogram_totals(const metrics::Registry& registry, const std::string& name) {
  std::istringstream text(registry.render());
  HistogramTotals totals;
  for (std::string line; std::getline(text, line);) {
    if (line.starts_with(name + "_sum ")) totals.sum = std::stod(line.substr(name.size() + 5));
    if (line.starts_with(name + "_count ")) totals.count = std::stod(line.substr(name.size() + 7));
  }
  return totals;
}

// Operations per commit over the timed parts.
class BatchSizeMeter {
 public:
  explicit BatchSizeMeter(const metrics::Registry& registry) : registry_(registry) {}
  void start() { begin_ = histogram_totals(registry_, kName); }
  void stop() {
    auto end = histogram_totals(registry_, kName);
    sum_ += end.sum - begin_.sum;
    count_ += end.count - begin_.count;
  }
  double mean() const { return count_ > 0 ? sum_ / count_ : 0; }

 private:
  static constexpr const char* kName = "replyd_store_commit_batch_size";
  const metrics::Registry& registry_;
  HistogramTotals begin_;
  double sum_ = 0, count_ = 0;
};

SqliteStoreOptions bench_options(const BenchDir& dir, bool full) {
  SqliteStoreOptions options;
  options.path = dir.db();
  options.synchronous_full = full;
  return options;
}

NewJob bench_job(const char* queue) {
  NewJob job;
  job.spec.queue = queue;
  job.payload = Blob{"application/json", kPayload};
  return job;
}

// Inserts `total` jobs from `submitters` threads, each with at most `in_flight` outstanding.
void insert_concurrently(JobStore& store, int total, int submitters, int in_flight, TimePoint now) {
  std::latch done(total);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int s = 0; s < submitters; ++s) {
    threads.emplace_back([&, share = total / submitters + (s < total % submitters ? 1 : 0)] {
      std::counting_semaphore<> window(in_flight);
      for (int i = 0; i < share; ++i) {
        window.acquire();
        store.insert(bench_job("bench"), now, [&](Result<InsertOutcome> r) {
          if (!r) failures.fetch_add(1);
          window.release();
          done.count_down();
        });
      }
      done.wait();  // `window` must outlive the callbacks that release it
    });
  }
  for (auto& t : threads) t.join();
  if (failures > 0) throw std::runtime_error("inserts failed during the benchmark");
}

void BM_SqliteInsert(benchmark::State& state) {
  const int submitters = static_cast<int>(state.range(0));
  const int in_flight = static_cast<int>(state.range(1));
  BenchDir dir;
  metrics::Registry registry;
  SqliteStore store(bench_options(dir, state.range(2) != 0), registry);
  FakeClock clock;
  BatchSizeMeter batches(registry);
  double cpu = 0;
  for (auto _ : state) {
    batches.start();
    double before = cpu_seconds();
    insert_concurrently(store, kInsertsPerIteration, submitters, in_flight, clock.now());
    cpu += cpu_seconds() - before;
    batches.stop();
  }
  const double ops = static_cast<double>(state.iterations()) * kInsertsPerIteration;
  state.SetItemsProcessed(static_cast<std::int64_t>(ops));
  state.counters["cpu_us_per_op"] = cpu / ops * 1e6;
  state.counters["avg_batch"] = batches.mean();
  store.close();
}
BENCHMARK(BM_SqliteInsert)
    ->ArgNames({"submitters", "in_flight", "full"})
    ->Args({1, 1, 1})
    ->Args({16, 1, 1})
    ->Args({4, 64, 1})
    ->Args({8, 256, 1})
    ->Args({8, 256, 0})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_SqliteLeaseComplete(benchmark::State& state) {
  const int workers = static_cast<int>(state.range(0));
  const int batch = static_cast<int>(state.range(1));
  BenchDir dir;
  metrics::Registry registry;
  SqliteStore store(bench_options(dir, state.range(2) != 0), registry);
  FakeClock clock;
  BatchSizeMeter batches(registry);
  double cpu = 0;
  std::int64_t handled = 0;
  for (auto _ : state) {
    state.PauseTiming();
    insert_concurrently(store, kJobsPerLeaseIteration, 8, 256, clock.now());
    state.ResumeTiming();
    batches.start();
    double before = cpu_seconds();
    std::atomic<std::int64_t> completed{0};
    std::vector<std::thread> threads;
    for (int w = 0; w < workers; ++w) {
      threads.emplace_back([&] {
        for (;;) {
          auto leased = std::make_shared<std::promise<LeaseBatch>>();
          auto future = leased->get_future();
          store.lease(
              LeaseRequest{"bench", batch, clock.now(), std::chrono::minutes(5)},
              [leased](Result<LeaseBatch> r) { leased->set_value(r ? std::move(*r) : LeaseBatch{}); });
          LeaseBatch grants = future.get();
          if (grants.grants.empty()) return;
          std::latch done(static_cast<std::ptrdiff_t>(grants.grants.size()));
          for (auto& g : grants.grants) {
            store.complete(
                CompleteRequest{g.job.id, g.job.lease_token, clock.now(), Blob{"text/plain", "ok"}},
                [&](Result<Job> r) {
                  if (r) completed.fetch_add(1);
                  done.count_down();
                });
          }
          done.wait();
        }
      });
    }
    for (auto& t : threads) t.join();
    cpu += cpu_seconds() - before;
    batches.stop();
    handled += completed.load();
  }
  state.SetItemsProcessed(handled);
  state.counters["cpu_us_per_op"] = handled > 0 ? cpu / static_cast<double>(handled) * 1e6 : 0;
  state.counters["avg_batch"] = batches.mean();
  store.close();
}
BENCHMARK(BM_SqliteLeaseComplete)
    ->ArgNames({"workers", "batch", "full"})
    ->Args({8, 1, 1})
    ->Args({32, 1, 1})
    ->Args({8, 16, 1})
    ->Args({8, 16, 0})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace replyd::store::sqlite
