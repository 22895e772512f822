#include "core/lifecycle.h"

#include <gtest/gtest.h>

namespace replyd::lifecycle {
namespace {

using namespace std::chrono_literals;

class LifecycleTest : public ::testing::Test {
 protected:
  Job make(JobSpec spec = {}) {
    if (spec.queue.empty()) spec.queue = "q";
    return create(spec, JobId::random(), "text/plain", 5, clock.now());
  }
  Job leased(JobSpec spec = {}) {
    Job job = make(spec);
    start_attempt(job, clock.now(), 30s, "tok");
    return job;
  }
  FakeClock clock;
  RetryPolicy policy{1s, 5min};
};

TEST_F(LifecycleTest, CreateIsQueuedAndDueNow) {
  Job job = make();
  EXPECT_EQ(job.state, JobState::queued);
  EXPECT_EQ(job.attempt, 0);
  EXPECT_EQ(job.version, 1);
  EXPECT_EQ(job.run_at, clock.now());
  EXPECT_TRUE(leasable(job, clock.now()));
}

TEST_F(LifecycleTest, DelayedJobIsNotLeasableEarly) {
  JobSpec spec;
  spec.run_at = clock.now() + 10s;
  Job job = make(spec);
  EXPECT_FALSE(leasable(job, clock.now()));
  clock.advance(9s);
  EXPECT_FALSE(leasable(job, clock.now()));
  clock.advance(1s);
  EXPECT_TRUE(leasable(job, clock.now()));
}

TEST_F(LifecycleTest, StartAttemptCountsAndLeases) {
  Job job = leased();
  EXPECT_EQ(job.state, JobState::running);
  EXPECT_EQ(job.attempt, 1);
  EXPECT_EQ(job.version, 2);
  EXPECT_EQ(job.lease_expires_at, clock.now() + 30s);
  EXPECT_EQ(job.started_at, clock.now());
  EXPECT_FALSE(job.attempt_deadline);
}

TEST_F(LifecycleTest, TimeoutCapsTheLease) {
  JobSpec spec;
  spec.timeout = 10s;
  Job job = leased(spec);
  EXPECT_EQ(job.attempt_deadline, clock.now() + 10s);
  EXPECT_EQ(job.lease_expires_at, clock.now() + 10s);
  clock.advance(5s);
  ASSERT_TRUE(heartbeat(job, "tok", clock.now(), 30s, std::nullopt));
  EXPECT_EQ(job.lease_expires_at, *job.attempt_deadline);  // never past the deadline
}

TEST_F(LifecycleTest, HeartbeatExtendsTheLeaseAndRecordsProgress) {
  Job job = leased();
  clock.advance(20s);
  Progress p{40, 100, "uploading"};
  ASSERT_TRUE(heartbeat(job, "tok", clock.now(), 30s, p));
  EXPECT_EQ(job.lease_expires_at, clock.now() + 30s);
  EXPECT_EQ(job.progress, p);
  EXPECT_EQ(job.version, 3);
}

TEST_F(LifecycleTest, HeartbeatsKeepALongJobAlive) {
  Job job = leased();
  for (int i = 0; i < 1000; ++i) {
    clock.advance(20s);
    ASSERT_FALSE(lease_expired(job, clock.now()));
    ASSERT_TRUE(heartbeat(job, "tok", clock.now(), 30s, std::nullopt));
  }
}

TEST_F(LifecycleTest, WrongOrExpiredTokenIsLeaseLost) {
  Job job = leased();
  auto before = job;
  auto wrong = heartbeat(job, "other", clock.now(), 30s, std::nullopt);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code(), Errc::lease_lost);
  EXPECT_EQ(job.version, before.version);
  clock.advance(30s);
  auto late = complete(job, "tok", clock.now(), "text/plain", 1);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code(), Errc::lease_lost);
  EXPECT_EQ(job.state, JobState::running);
}

TEST_F(LifecycleTest, CompleteSucceedsAndSetsRetention) {
  JobSpec spec;
  spec.ttl = 1h;
  Job job = leased(spec);
  clock.advance(2s);
  ASSERT_TRUE(complete(job, "tok", clock.now(), "application/json", 17));
  EXPECT_EQ(job.state, JobState::succeeded);
  EXPECT_EQ(job.finished_at, clock.now());
  EXPECT_EQ(job.expires_at, clock.now() + 1h);
  EXPECT_EQ(job.result_content_type, "application/json");
  EXPECT_EQ(job.result_size, 17);
  EXPECT_TRUE(job.lease_token.empty());
  EXPECT_FALSE(retention_over(job, clock.now() + 59min));
  EXPECT_TRUE(retention_over(job, clock.now() + 1h));
  // A second complete with the old token is a lost lease, not a second success.
  EXPECT_EQ(complete(job, "tok", clock.now(), "x", 1).error().code(), Errc::lease_lost);
}

TEST_F(LifecycleTest, RetryableFailureQueuesAgainAfterBackoff) {
  JobSpec spec;
  spec.max_attempts = 3;
  Job job = leased(spec);
  Problem err{std::string(problem_types::kWorkerError), "Worker error", 500, "boom"};
  ASSERT_TRUE(fail(job, "tok", clock.now(), err, true, policy, 0.5));
  EXPECT_EQ(job.state, JobState::queued);
  EXPECT_EQ(job.attempt, 1);
  EXPECT_EQ(job.error, err);
  EXPECT_EQ(job.run_at, clock.now() + 500ms);  // 0.5 * base
  EXPECT_FALSE(leasable(job, clock.now()));
  EXPECT_TRUE(leasable(job, clock.now() + 500ms));
}

TEST_F(LifecycleTest, AttemptsExhaustedFails) {
  JobSpec spec;
  spec.max_attempts = 2;
  Job job = make(spec);
  Problem err{"t", "Worker error", 500, "boom"};
  for (int i = 1; i <= 2; ++i) {
    clock.advance(10min);
    ASSERT_TRUE(leasable(job, clock.now()));
    start_attempt(job, clock.now(), 30s, "tok" + std::to_string(i));
    ASSERT_TRUE(fail(job, "tok" + std::to_string(i), clock.now(), err, true, policy, 0.9));
  }
  EXPECT_EQ(job.state, JobState::failed);
  EXPECT_EQ(job.attempt, 2);
  EXPECT_EQ(job.error, err);
  EXPECT_TRUE(job.finished_at);
}

TEST_F(LifecycleTest, NonRetryableFailureFailsAtOnce) {
  Job job = leased();
  ASSERT_TRUE(fail(job, "tok", clock.now(), Problem{"t", "x", 500, "bad input"}, false, policy, 0));
  EXPECT_EQ(job.state, JobState::failed);
  EXPECT_EQ(job.attempt, 1);
}

TEST_F(LifecycleTest, CancelQueuedJob) {
  Job job = make();
  auto effect = cancel(job, clock.now());
  ASSERT_TRUE(effect);
  EXPECT_EQ(*effect, CancelEffect::cancelled);
  EXPECT_EQ(job.state, JobState::cancelled);
  ASSERT_TRUE(job.error);
  EXPECT_EQ(job.error->type, problem_types::kCancelled);
  auto again = cancel(job, clock.now());
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, CancelEffect::already_cancelled);
}

TEST_F(LifecycleTest, CancelRunningJobIsRequestedThenAcknowledgedByFail) {
  Job job = leased();
  auto effect = cancel(job, clock.now());
  ASSERT_TRUE(effect);
  EXPECT_EQ(*effect, CancelEffect::requested);
  EXPECT_EQ(job.state, JobState::running);
  EXPECT_TRUE(job.cancel_requested);
  auto v = job.version;
  EXPECT_EQ(*cancel(job, clock.now()), CancelEffect::requested);
  EXPECT_EQ(job.version, v);  // a repeated request changes nothing
  ASSERT_TRUE(fail(job, "tok", clock.now(), Problem{"t", "x", 500, "stopped"}, true, policy, 0));
  EXPECT_EQ(job.state, JobState::cancelled);
}

TEST_F(LifecycleTest, CancelFinishedJobIsInvalidState) {
  Job job = leased();
  ASSERT_TRUE(complete(job, "tok", clock.now(), "text/plain", 1));
  auto effect = cancel(job, clock.now());
  ASSERT_FALSE(effect);
  EXPECT_EQ(effect.error().code(), Errc::invalid_state);
  EXPECT_EQ(job.state, JobState::succeeded);
}

TEST_F(LifecycleTest, ExpiredLeaseRetriesWithLeaseExpiredError) {
  Job job = leased();
  clock.advance(29s);
  EXPECT_FALSE(lease_expired(job, clock.now()));
  clock.advance(1s);
  ASSERT_TRUE(lease_expired(job, clock.now()));
  expire_lease(job, clock.now(), policy, 0);
  EXPECT_EQ(job.state, JobState::queued);
  ASSERT_TRUE(job.error);
  EXPECT_EQ(job.error->type, problem_types::kLeaseExpired);
  EXPECT_TRUE(job.lease_token.empty());
}

TEST_F(LifecycleTest, ExpiredDeadlineIsATimeout) {
  JobSpec spec;
  spec.timeout = 5s;
  Job job = leased(spec);
  clock.advance(5s);
  ASSERT_TRUE(lease_expired(job, clock.now()));
  expire_lease(job, clock.now(), policy, 0);
  ASSERT_TRUE(job.error);
  EXPECT_EQ(job.error->type, problem_types::kAttemptTimeout);
  EXPECT_EQ(job.error->status, 504);
}

TEST_F(LifecycleTest, ExpiredLeaseOfCancelRequestedJobCancels) {
  Job job = leased();
  ASSERT_TRUE(cancel(job, clock.now()));
  clock.advance(30s);
  expire_lease(job, clock.now(), policy, 0);
  EXPECT_EQ(job.state, JobState::cancelled);
}

TEST_F(LifecycleTest, NewAttemptResetsProgress) {
  Job job = leased();
  ASSERT_TRUE(heartbeat(job, "tok", clock.now(), 30s, Progress{1, 2, "half"}));
  ASSERT_TRUE(fail(job, "tok", clock.now(), Problem{}, true, policy, 0));
  start_attempt(job, clock.now(), 30s, "tok2");
  EXPECT_FALSE(job.progress);
  EXPECT_EQ(job.attempt, 2);
}

TEST(RetryPolicy, BackoffGrowsExponentiallyToTheCap) {
  RetryPolicy p{std::chrono::seconds(1), std::chrono::seconds(60)};
  EXPECT_EQ(p.ceiling(1), std::chrono::seconds(1));
  EXPECT_EQ(p.ceiling(2), std::chrono::seconds(2));
  EXPECT_EQ(p.ceiling(6), std::chrono::seconds(32));
  EXPECT_EQ(p.ceiling(7), std::chrono::seconds(60));
  EXPECT_EQ(p.ceiling(1000000), std::chrono::seconds(60));
  EXPECT_EQ(p.backoff(3, 0.0), Duration(0));
  EXPECT_EQ(p.backoff(3, 0.25), std::chrono::seconds(1));
}

TEST(RetryPolicy, UnitFromSeedIsUniformish) {
  double sum = 0;
  for (int i = 0; i < 10000; ++i) {
    double u = unit_from_seed(42, i);
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
  }
  EXPECT_NEAR(sum / 10000, 0.5, 0.02);
}

}  // namespace
}  // namespace replyd::lifecycle
