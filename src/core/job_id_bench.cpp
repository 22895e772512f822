// Every submit draws a fresh id and every answer writes one as text; every status read parses one.
#include "core/job_id.h"

#include <benchmark/benchmark.h>

namespace replyd {
namespace {

void BM_JobIdRandom(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(JobId::random());
}
BENCHMARK(BM_JobIdRandom);

void BM_JobIdToText(benchmark::State& state) {
  JobId id = JobId::random();
  char text[JobId::kTextLength];
  for (auto _ : state) {
    id.write_to(text);
    benchmark::DoNotOptimize(text);
  }
}
BENCHMARK(BM_JobIdToText);

void BM_JobIdParse(benchmark::State& state) {
  std::string text = JobId::random().to_string();
  for (auto _ : state) benchmark::DoNotOptimize(JobId::parse(text));
}
BENCHMARK(BM_JobIdParse);

}  // namespace
}  // namespace replyd
