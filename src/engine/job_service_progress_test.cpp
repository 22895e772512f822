// Progress reports through JobService on a real SQLite store with a fake clock: which heartbeats are
// stored and which are kept in memory, what readers see, and that the last value is stored before the
// attempt ends. Waits are capped at an hour, so a passing wait proves a wake-up, not a deadline.
#include "engine/job_service.h"

#include "engine/store_calls.h"
#include "engine/testing/job_service_harness.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/testing/sqlite_test_support.h"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>

#include <future>
#include <thread>

namespace replyd::engine {
namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;

// The fake clock moves in big steps; a flush timer (real time, one interval) never fires unless a test
// asks for a short interval.
EngineOptions service_options() {
  EngineOptions options;
  options.lease_ttl = std::chrono::hours(10);
  options.progress_persist_interval = std::chrono::hours(1);
  return options;
}

class JobServiceProgressTest : public testing::JobServiceHarness<FakeClock> {
 protected:
  JobServiceProgressTest() : JobServiceHarness(service_options()) {}

  // A running job of queue "q".
  Job leased_job() {
    SubmitRequest r{JobSpec{.queue = "q"}, Blob{"text/plain", "x"}, std::nullopt};
    EXPECT_TRUE(run(jobs_->submit(std::move(r))));
    auto batch = run(jobs_->lease("q", 1, Duration::zero()));
    EXPECT_TRUE(batch && batch->grants.size() == 1);
    return batch->grants.at(0).job;
  }
  Result<Job> beat(const Job& job, std::int64_t current) {
    return run(jobs_->heartbeat(job.id, job.lease_token, Progress{current, 10, "step"}));
  }
  // The job as the store has it, without the progress kept in memory.
  Job stored(const JobId& id) {
    auto job = run(store_calls::get(*store_, id));
    EXPECT_TRUE(job);
    return *job;
  }
  double updates(const std::string& outcome) {
    return registry_.counter("replyd_progress_updates_total", "", {"outcome"}).with({outcome}).value();
  }
};

TEST_F(JobServiceProgressTest, HeartbeatsWithinTheIntervalAreKeptInMemory) {
  Job job = leased_job();
  ASSERT_TRUE(beat(job, 1));
  std::int64_t version = stored(job.id).version;
  EXPECT_EQ(updates("persisted"), 1);

  clock_.advance(300ms);
  auto second = beat(job, 2);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->progress->current, 2);
  EXPECT_FALSE(second->cancel_requested);
  EXPECT_EQ(updates("coalesced"), 1);
  Job in_store = stored(job.id);
  EXPECT_EQ(in_store.version, version) << "a kept update was written";
  EXPECT_EQ(in_store.progress->current, 1);

  auto seen = run(jobs_->get(job.id));
  ASSERT_TRUE(seen);
  EXPECT_EQ(seen->progress->current, 2) << "readers must see the kept progress";
}

TEST_F(JobServiceProgressTest, TheFirstHeartbeatAfterTheIntervalIsStored) {
  Job job = leased_job();
  ASSERT_TRUE(beat(job, 1));
  clock_.advance(30min);
  ASSERT_TRUE(beat(job, 2));
  clock_.advance(30min);
  ASSERT_TRUE(beat(job, 3));
  EXPECT_EQ(updates("persisted"), 2);
  EXPECT_EQ(updates("coalesced"), 1);
  EXPECT_EQ(stored(job.id).progress->current, 3);
}

TEST_F(JobServiceProgressTest, AWaitingStreamSeesAKeptUpdateAtOnce) {
  Job job = leased_job();
  ASSERT_TRUE(beat(job, 1));
  auto current = run(jobs_->view(job.id));
  ASSERT_TRUE(current);
  auto waiting = start(jobs_->wait_newer(job.id, current->event_id, std::chrono::hours(1)));
  ASSERT_TRUE(beat(job, 2));
  auto newer = waiting.get();
  ASSERT_TRUE(newer);
  EXPECT_EQ(newer->job.progress->current, 2);
  EXPECT_EQ(newer->event_id, current->event_id + 1);
  EXPECT_EQ(updates("coalesced"), 1);
}

TEST_F(JobServiceProgressTest, TheKeptProgressIsStoredBeforeTheJobCompletes) {
  Job job = leased_job();
  ASSERT_TRUE(beat(job, 1));
  ASSERT_TRUE(beat(job, 7));
  ASSERT_EQ(updates("coalesced"), 1);
  auto done = run(jobs_->complete(job.id, job.lease_token, Blob{"text/plain", "ok"}));
  ASSERT_TRUE(done);
  Job in_store = stored(job.id);
  EXPECT_EQ(in_store.state, JobState::succeeded);
  EXPECT_EQ(in_store.progress->current, 7);
}

TEST_F(JobServiceProgressTest, TheKeptProgressIsStoredBeforeTheAttemptFails) {
  Job job = leased_job();
  ASSERT_TRUE(beat(job, 1));
  ASSERT_TRUE(beat(job, 4));
  ASSERT_TRUE(run(jobs_->fail(job.id, job.lease_token, "broken", false)));
  EXPECT_EQ(stored(job.id).progress->current, 4);
}

TEST_F(JobServiceProgressTest, AHeartbeatWithoutProgressStoresTheKeptValue) {
  Job job = leased_job();
  ASSERT_TRUE(beat(job, 1));
  ASSERT_TRUE(beat(job, 5));
  auto plain = run(jobs_->heartbeat(job.id, job.lease_token, std::nullopt));
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->progress->current, 5);
  EXPECT_EQ(stored(job.id).progress->current, 5);
}

TEST_F(JobServiceProgressTest, ACancelRequestIsToldAtTheNextHeartbeat) {
  Job job = leased_job();
  ASSERT_TRUE(beat(job, 1));
  auto cancel = run(jobs_->cancel(job.id));
  ASSERT_TRUE(cancel);
  ASSERT_TRUE(cancel->requested_only);
  auto next = beat(job, 2);
  ASSERT_TRUE(next);
  EXPECT_TRUE(next->cancel_requested) << "the heartbeat was answered from memory after a cancel";
  EXPECT_EQ(updates("coalesced"), 0);
}

TEST_F(JobServiceProgressTest, AnotherLeaseIsToldItLostTheJob) {
  Job job = leased_job();
  ASSERT_TRUE(beat(job, 1));
  auto stale = run(jobs_->heartbeat(job.id, "not-the-token", Progress{2, 10, ""}));
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code(), Errc::lease_lost);
}

TEST_F(JobServiceProgressTest, AKeptValueIsStoredOneIntervalAfterTheLastWrite) {
  options_.progress_persist_interval = 50ms;
  jobs_ = std::make_unique<JobService>(*store_, notifier_, clock_, options_, registry_);
  Job job = leased_job();
  ASSERT_TRUE(beat(job, 1));
  std::int64_t version = stored(job.id).version;
  // The flush's write is a stored change with a newer version: wait for it on the notifier.
  auto written = std::make_shared<std::promise<void>>();
  auto fired = std::make_shared<std::atomic<bool>>(false);
  auto subscription =
      notifier_.subscribe_job(job.id, [written, fired, version](const store::JobChange& change) {
        if (change.version > version && !fired->exchange(true)) written->set_value();
      });
  ASSERT_TRUE(beat(job, 2));
  ASSERT_EQ(updates("coalesced"), 1);
  written->get_future().get();
  EXPECT_EQ(stored(job.id).progress->current, 2);
}

}  // namespace
}  // namespace replyd::engine
