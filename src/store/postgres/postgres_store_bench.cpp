// Throughput of the PostgreSQL store through group commit: accepted submits per second, and full
// cycles (submit, lease, complete) per second, with many operations in flight as a busy server has.
//
// Needs a database: REPLYD_BENCH_POSTGRES_URI=postgres://user@host:port/db (it is migrated, and jobs
// are left in it). Without it the benchmarks report an error and skip.
#include "store/postgres/postgres_store.h"

#include <benchmark/benchmark.h>

#include <condition_variable>
#include <cstdlib>
#include <mutex>

namespace replyd::store::postgres {
namespace {

const TimePoint kNow = from_micros(1'767'225'600'000'000);

// Counts callbacks down to zero; wait() returns once all arrived.
class Latch {
 public:
  explicit Latch(int n) : left_(n) {}
  void arrive() {
    std::lock_guard lock(mutex_);
    if (--left_ == 0) cv_.notify_all();
  }
  void wait() {
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [this] { return left_ == 0; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int left_;
};

std::unique_ptr<JobStore> open_bench_store(benchmark::State& state, metrics::Registry& registry) {
  const char* uri = std::getenv("REPLYD_BENCH_POSTGRES_URI");
  if (!uri || !*uri) {
    state.SkipWithError("set REPLYD_BENCH_POSTGRES_URI to a PostgreSQL database");
    return nullptr;
  }
  PostgresStoreOptions options;
  options.uri = uri;
  return open_postgres_store(options, registry);
}

NewJob bench_job(std::string_view queue) {
  NewJob job;
  job.spec.queue = std::string(queue);
  job.payload = Blob{"application/json", R"({"to":"someone@example.com","template":"welcome"})"};
  return job;
}

// Inserts `count` jobs of `queue` at once and waits for every answer, counting the failed ones.
void insert_in_flight(JobStore& store, std::string_view queue, int count, std::atomic<int>& errors) {
  Latch latch(count);
  for (int i = 0; i < count; ++i) {
    store.insert(bench_job(queue), kNow, [&](Result<InsertOutcome> r) {
      if (!r) ++errors;
      latch.arrive();
    });
  }
  latch.wait();
}

// Submits with `range(0)` inserts in flight, as concurrent clients would.
void BM_PostgresSubmit(benchmark::State& state) {
  metrics::Registry registry;
  auto store = open_bench_store(state, registry);
  if (!store) return;
  const int in_flight = static_cast<int>(state.range(0));
  std::atomic<int> errors{0};
  for (auto _ : state) insert_in_flight(*store, "bench-submit", in_flight, errors);
  state.SetItemsProcessed(state.iterations() * in_flight);
  state.counters["errors"] = errors.load();
  store->close();
}
BENCHMARK(BM_PostgresSubmit)->Arg(1)->Arg(64)->Arg(1000)->UseRealTime()->Unit(benchmark::kMillisecond);

// Full cycles with `range(0)` jobs in flight: each is submitted, leased alone (max_jobs = 1, as the
// single-job worker protocol does) and completed.
void BM_PostgresCycle(benchmark::State& state) {
  metrics::Registry registry;
  auto store = open_bench_store(state, registry);
  if (!store) return;
  const int in_flight = static_cast<int>(state.range(0));
  std::atomic<int> errors{0};
  for (auto _ : state) {
    insert_in_flight(*store, "bench-cycle", in_flight, errors);
    Latch completed(in_flight);
    for (int i = 0; i < in_flight; ++i) {
      // The completion is queued from the lease's callback, on the writer thread, like a worker's
      // next request would be.
      store->lease(LeaseRequest{"bench-cycle", 1, kNow, std::chrono::seconds(30)}, [&](Result<LeaseBatch> r) {
        if (!r || r->grants.empty()) {
          ++errors;
          completed.arrive();
          return;
        }
        const Job& job = r->grants[0].job;
        store->complete(CompleteRequest{job.id, job.lease_token, kNow, Blob{"text/plain", "sent"}},
                        [&](Result<Job> c) {
                          if (!c) ++errors;
                          completed.arrive();
                        });
      });
    }
    completed.wait();
  }
  state.SetItemsProcessed(state.iterations() * in_flight);
  state.counters["errors"] = errors.load();
  store->close();
}
BENCHMARK(BM_PostgresCycle)->Arg(64)->Arg(1000)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace replyd::store::postgres
