// JobService on a real SQLite store in a temporary directory (testing/job_service_harness.h: waits are
// capped at an hour, so every passing wait test proves the wake came from an event).
#include "engine/job_service.h"

#include "engine/maintenance.h"
#include "engine/testing/job_service_harness.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/testing/sqlite_test_support.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <gtest/gtest.h>

#include <future>
#include <set>
#include <thread>

namespace replyd::engine {
namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;

EngineOptions service_options() {
  EngineOptions options;
  options.lease_ttl = 30s;
  return options;
}

class JobServiceTest : public testing::JobServiceHarness<SystemClock> {
 protected:
  JobServiceTest() : JobServiceHarness(service_options()) {}

  // Submits with the engine's defaults (max_attempts 0 and ttl 0 ask for them).
  Job submit(std::string queue = "q", std::string body = "payload") {
    SubmitRequest r{JobSpec{.queue = std::move(queue), .max_attempts = 0, .ttl = Duration::zero()},
                    Blob{"text/plain", std::move(body)}, std::nullopt};
    auto outcome = run(jobs_->submit(std::move(r)));
    EXPECT_TRUE(outcome) << (outcome ? "" : outcome.error().detail());
    return outcome->job;
  }
};

TEST_F(JobServiceTest, SubmitAppliesDefaultsAndValidates) {
  Job job = submit();
  EXPECT_EQ(job.state, JobState::queued);
  EXPECT_EQ(job.max_attempts, options_.default_max_attempts);
  EXPECT_EQ(job.ttl, options_.default_ttl);
  SubmitRequest bad{JobSpec{.queue = "no spaces"}, Blob{}, std::nullopt};
  auto outcome = run(jobs_->submit(std::move(bad)));
  ASSERT_FALSE(outcome);
  EXPECT_EQ(outcome.error().code(), Errc::invalid_argument);
}

TEST_F(JobServiceTest, QueueDefaultMaxAttempts) {
  jobs_.reset();
  options_.queue_max_attempts["email"] = 9;
  jobs_ = std::make_unique<JobService>(*store_, notifier_, clock_, options_, registry_);
  SubmitRequest r{JobSpec{.queue = "email", .max_attempts = 0}, Blob{}, std::nullopt};
  auto outcome = run(jobs_->submit(std::move(r)));
  ASSERT_TRUE(outcome);
  EXPECT_EQ(outcome->job.max_attempts, 9);
  EXPECT_EQ(submit("sms").max_attempts, options_.default_max_attempts);
}

TEST_F(JobServiceTest, IdempotencyKeyReplaysOrRefuses) {
  auto with_key = [&](std::string body) {
    SubmitRequest r{JobSpec{.queue = "q"}, Blob{"text/plain", std::move(body)}, std::string("key-1")};
    return run(jobs_->submit(std::move(r)));
  };
  auto first = with_key("a");
  ASSERT_TRUE(first);
  EXPECT_FALSE(first->replayed);
  auto again = with_key("a");
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->job.id, first->job.id);
  auto other = with_key("b");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code(), Errc::idempotency_mismatch);
}

TEST_F(JobServiceTest, WaitFinishedIsWokenByCompletion) {
  Job job = submit();
  auto waiting = start(jobs_->wait_finished(job.id, std::chrono::hours(1)));
  // The wait is parked before the job is leased and completed.
  auto batch = run(jobs_->lease("q", 1, Duration::zero()));
  ASSERT_TRUE(batch);
  ASSERT_EQ(batch->grants.size(), 1u);
  auto done = run(jobs_->complete(job.id, batch->grants[0].job.lease_token, Blob{"text/plain", "ok"}));
  ASSERT_TRUE(done);
  auto finished = waiting.get();
  ASSERT_TRUE(finished);
  EXPECT_EQ(finished->state, JobState::succeeded);
}

TEST_F(JobServiceTest, WaitNewerSeesProgress) {
  Job job = submit();
  auto batch = run(jobs_->lease("q", 1, Duration::zero()));
  ASSERT_TRUE(batch);
  const Job& leased = batch->grants.at(0).job;
  auto waiting = start(jobs_->wait_newer(job.id, leased.version * kEventIdsPerVersion, std::chrono::hours(1)));
  auto beat = run(jobs_->heartbeat(job.id, leased.lease_token, Progress{3, 10, "three"}));
  ASSERT_TRUE(beat);
  auto newer = waiting.get();
  ASSERT_TRUE(newer);
  EXPECT_GT(newer->job.version, leased.version);
  EXPECT_GT(newer->event_id, leased.version * kEventIdsPerVersion);
  ASSERT_TRUE(newer->job.progress);
  EXPECT_EQ(newer->job.progress->current, 3);
}

TEST_F(JobServiceTest, LeaseLongPollWakesOneWaiterPerJob) {
  std::vector<std::future<Result<store::LeaseBatch>>> waiting;
  for (int i = 0; i < 3; ++i) waiting.push_back(start(jobs_->lease("work", 1, std::chrono::hours(1))));
  // All three are parked once the gauge says so; then each submit must wake (at least) one of them.
  auto& waits = registry_.gauge("replyd_waits_active", "").with({});
  while (waits.value() < 3) std::this_thread::yield();
  std::set<JobId> submitted, leased;
  for (int i = 0; i < 3; ++i) submitted.insert(submit("work").id);
  for (auto& w : waiting) {
    auto batch = w.get();
    ASSERT_TRUE(batch);
    ASSERT_EQ(batch->grants.size(), 1u);
    leased.insert(batch->grants[0].job.id);
  }
  EXPECT_EQ(leased, submitted);
}

TEST_F(JobServiceTest, LeaseWaitsForADelayedJobToBecomeDue) {
  SubmitRequest r{JobSpec{.queue = "later", .run_at = clock_.now() + 200ms}, Blob{"text/plain", "x"}, std::nullopt};
  ASSERT_TRUE(run(jobs_->submit(std::move(r))));
  // Nothing will notify: only the store's next_due can end this wait before the hour.
  auto batch = run(jobs_->lease("later", 1, std::chrono::hours(1)));
  ASSERT_TRUE(batch);
  EXPECT_EQ(batch->grants.size(), 1u);
}

TEST_F(JobServiceTest, ShutdownEndsEveryWait) {
  Job job = submit();
  auto status = start(jobs_->wait_finished(job.id, std::chrono::hours(1)));
  auto lease = start(jobs_->lease("empty", 1, std::chrono::hours(1)));
  auto& waits = registry_.gauge("replyd_waits_active", "").with({});
  while (waits.value() < 2) std::this_thread::yield();
  jobs_->shutdown();
  auto s = status.get();
  ASSERT_TRUE(s);
  EXPECT_EQ(s->state, JobState::queued);
  auto l = lease.get();
  ASSERT_TRUE(l);
  EXPECT_TRUE(l->grants.empty());
}

TEST_F(JobServiceTest, FailWithRetryQueuesAgainThenExhausts) {
  SubmitRequest r{JobSpec{.queue = "q", .max_attempts = 2}, Blob{"text/plain", "x"}, std::nullopt};
  ASSERT_TRUE(run(jobs_->submit(std::move(r))));
  jobs_.reset();
  options_.retry = RetryPolicy{Duration(1), Duration(1)};
  jobs_ = std::make_unique<JobService>(*store_, notifier_, clock_, options_, registry_);
  for (int attempt = 1; attempt <= 2; ++attempt) {
    auto batch = run(jobs_->lease("q", 1, std::chrono::hours(1)));
    ASSERT_TRUE(batch);
    ASSERT_EQ(batch->grants.size(), 1u);
    const Job& j = batch->grants[0].job;
    EXPECT_EQ(j.attempt, attempt);
    auto failed = run(jobs_->fail(j.id, j.lease_token, "boom", true));
    ASSERT_TRUE(failed);
    EXPECT_EQ(failed->state, attempt == 1 ? JobState::queued : JobState::failed);
    EXPECT_EQ(failed->error->detail, "boom");
  }
}

TEST_F(JobServiceTest, MaintenanceExpiresLeases) {
  Job job = submit();
  FakeClock fake(clock_.now());
  Maintenance maintenance(*store_, fake, options_, registry_);
  // Lease with the fake clock's time so that advancing it expires the lease.
  store::LeaseRequest request{"q", 1, fake.now(), 30s};
  std::promise<Result<store::LeaseBatch>> leased;
  store_->lease(request, [&](Result<store::LeaseBatch> r) { leased.set_value(std::move(r)); });
  ASSERT_EQ(leased.get_future().get()->grants.size(), 1u);
  EXPECT_EQ(*run(maintenance.expire_once()), 0);
  fake.advance(31s);
  EXPECT_EQ(*run(maintenance.expire_once()), 1);
  auto after = run(jobs_->get(job.id));
  ASSERT_TRUE(after);
  EXPECT_EQ(after->state, JobState::queued);
  EXPECT_EQ(after->error->type, problem_types::kLeaseExpired);
}

}  // namespace
}  // namespace replyd::engine
