// The status document is encoded on every submit, status read, long-poll answer and SSE event.
#include "api/status_document.h"

#include "core/clock.h"
#include "core/lifecycle.h"

#include <benchmark/benchmark.h>

namespace replyd::api {
namespace {

Job queued_job() {
  JobSpec spec;
  spec.queue = "email";
  SystemClock clock;
  return lifecycle::create(spec, JobId::random(), "text/plain", 64, clock.now());
}

void BM_StatusDocumentQueued(benchmark::State& state) {
  Job job = queued_job();
  for (auto _ : state) benchmark::DoNotOptimize(status_document(job, "http://127.0.0.1:8080"));
}
BENCHMARK(BM_StatusDocumentQueued);

void BM_StatusDocumentIntoReusedBuffer(benchmark::State& state) {
  Job job = queued_job();
  job.progress = Progress{40, 100, "uploading"};
  std::string out;
  for (auto _ : state) {
    out.clear();
    JsonWriter writer(out);
    write_status_document(writer, job, "http://127.0.0.1:8080");
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_StatusDocumentIntoReusedBuffer);

}  // namespace
}  // namespace replyd::api
