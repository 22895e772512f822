// Contract: the worker protocol — lease, heartbeat, complete, fail.
#include "store/contract/job_store_contract.h"

#include <set>

namespace replyd::store::contract {
namespace {

using namespace std::chrono_literals;

NewJob with_priority(std::string queue, int priority, std::optional<TimePoint> run_at = {}) {
  NewJob job;
  job.spec.queue = std::move(queue);
  job.spec.priority = priority;
  job.spec.run_at = run_at;
  job.payload = Blob{"text/plain", "p"};
  return job;
}

TEST_P(JobStoreContract, LeaseOrderIsPriorityThenRunAtThenAge) {
  Job low_old = submit(with_priority("q", 0));
  Job high = submit(with_priority("q", 5));
  Job high_earlier = submit(with_priority("q", 5, now() - 10s));  // inserted later, due earlier
  Job low_new = submit(with_priority("q", 0));
  Job negative = submit(with_priority("q", -3));

  auto batch = lease("q", 10);
  ASSERT_TRUE(IsOk(batch));
  std::vector<JobId> order;
  for (const auto& g : batch->grants) order.push_back(g.job.id);
  EXPECT_EQ(order, (std::vector<JobId>{high_earlier.id, high.id, low_old.id, low_new.id, negative.id}));
}

TEST_P(JobStoreContract, LeaseTakesAtMostMaxJobsOfItsQueue) {
  for (int i = 0; i < 5; ++i) submit("q");
  submit("other");
  auto first = lease("q", 3);
  ASSERT_TRUE(IsOk(first));
  EXPECT_EQ(first->grants.size(), 3u);
  auto second = lease("q", 3);
  ASSERT_TRUE(IsOk(second));
  EXPECT_EQ(second->grants.size(), 2u);
  auto third = lease("q", 3);
  ASSERT_TRUE(IsOk(third));
  EXPECT_TRUE(third->grants.empty());
  EXPECT_FALSE(third->next_due);
  EXPECT_EQ(stats_of("other").counts[0], 1);
}

TEST_P(JobStoreContract, LeaseStartsAnAttemptWithAFreshToken) {
  submit("q");
  submit("q");
  auto batch = lease("q", 2, 45s);
  ASSERT_TRUE(IsOk(batch));
  ASSERT_EQ(batch->grants.size(), 2u);
  std::set<std::string> tokens;
  for (const auto& g : batch->grants) {
    EXPECT_EQ(g.job.state, JobState::running);
    EXPECT_EQ(g.job.attempt, 1);
    EXPECT_EQ(g.job.version, 2);
    EXPECT_EQ(g.job.started_at, now());
    EXPECT_EQ(g.job.lease_expires_at, now() + 45s);
    EXPECT_FALSE(g.job.lease_token.empty());
    tokens.insert(g.job.lease_token);
  }
  EXPECT_EQ(tokens.size(), 2u);
}

TEST_P(JobStoreContract, DelayedJobsAreNotLeasedEarlyAndNextDueSaysWhen) {
  Job later = submit(with_priority("q", 0, now() + 10s));
  submit(with_priority("q", 0, now() + 20s));
  auto early = lease("q", 5);
  ASSERT_TRUE(IsOk(early));
  EXPECT_TRUE(early->grants.empty());
  EXPECT_EQ(early->next_due, now() + 10s);

  Job due = submit("q");
  auto one = lease("q", 5);
  ASSERT_TRUE(IsOk(one));
  ASSERT_EQ(one->grants.size(), 1u);
  EXPECT_EQ(one->grants[0].job.id, due.id);
  EXPECT_EQ(one->next_due, now() + 10s);

  clock_.advance(10s);
  auto on_time = lease("q", 5);
  ASSERT_TRUE(IsOk(on_time));
  ASSERT_EQ(on_time->grants.size(), 1u);
  EXPECT_EQ(on_time->grants[0].job.id, later.id);
  EXPECT_EQ(on_time->next_due, now() + 10s);
}

TEST_P(JobStoreContract, HeartbeatExtendsTheLeaseAndStoresProgress) {
  Job job = submit("q");
  LeaseGrant grant = lease_one("q");
  clock_.advance(20s);
  auto beat = heartbeat(job.id, grant.job.lease_token, Progress{3, 4, "almost"});
  ASSERT_TRUE(IsOk(beat));
  EXPECT_EQ(beat->lease_expires_at, now() + kLeaseTtl);
  EXPECT_EQ(beat->version, grant.job.version + 1);
  auto read = get(job.id);
  ASSERT_TRUE(IsOk(read));
  EXPECT_EQ(read->progress, (Progress{3, 4, "almost"}));
  EXPECT_EQ(read->lease_expires_at, now() + kLeaseTtl);

  // Still alive well past the first lease's end, thanks to the heartbeat.
  clock_.advance(25s);
  EXPECT_TRUE(IsOk(heartbeat(job.id, grant.job.lease_token)));
  EXPECT_EQ(get(job.id)->progress, (Progress{3, 4, "almost"}));  // kept when no new progress is sent
}

TEST_P(JobStoreContract, HeartbeatWithWrongOrExpiredTokenIsLeaseLost) {
  Job job = submit("q");
  LeaseGrant grant = lease_one("q");
  EXPECT_TRUE(IsError(heartbeat(job.id, "not-the-token"), Errc::lease_lost));
  clock_.advance(kLeaseTtl);
  EXPECT_TRUE(IsError(heartbeat(job.id, grant.job.lease_token), Errc::lease_lost));
  Job queued = submit("other");
  EXPECT_TRUE(IsError(heartbeat(queued.id, grant.job.lease_token), Errc::lease_lost));
}

TEST_P(JobStoreContract, CompleteStoresTheResult) {
  Job job = submit("q");
  EXPECT_TRUE(IsError(get_result(job.id), Errc::not_ready));
  LeaseGrant grant = lease_one("q");
  EXPECT_TRUE(IsError(get_result(job.id), Errc::not_ready));
  clock_.advance(2s);
  std::string bytes("\0result\xff", 8);
  auto done = complete(job.id, grant.job.lease_token, Blob{"application/octet-stream", bytes});
  ASSERT_TRUE(IsOk(done));
  EXPECT_EQ(done->state, JobState::succeeded);
  EXPECT_EQ(done->finished_at, now());
  EXPECT_EQ(done->expires_at, now() + done->ttl);
  EXPECT_TRUE(done->lease_token.empty());
  auto result = get_result(job.id);
  ASSERT_TRUE(IsOk(result));
  EXPECT_EQ(result->content_type, "application/octet-stream");
  EXPECT_EQ(result->bytes, bytes);

  EXPECT_TRUE(IsError(complete(job.id, grant.job.lease_token), Errc::lease_lost));
  EXPECT_EQ(get_result(job.id)->bytes, bytes);
}

TEST_P(JobStoreContract, CompleteWithWrongTokenChangesNothing) {
  Job job = submit("q");
  LeaseGrant grant = lease_one("q");
  EXPECT_TRUE(IsError(complete(job.id, "wrong"), Errc::lease_lost));
  expect_same_job(get(job.id).value(), grant.job);
}

TEST_P(JobStoreContract, RetryableFailureQueuesAgainAfterBackoff) {
  NewJob spec = new_job("q");
  spec.spec.max_attempts = 3;
  Job job = submit(spec);
  LeaseGrant grant = lease_one("q");
  Problem boom{"urn:test:boom", "Boom", 500, "first attempt failed"};
  auto failed = fail(job.id, grant.job.lease_token, boom, /*retryable=*/true, /*jitter=*/0.5);
  ASSERT_TRUE(IsOk(failed));
  EXPECT_EQ(failed->state, JobState::queued);
  EXPECT_EQ(failed->attempt, 1);
  EXPECT_EQ(failed->error, boom);
  const Duration backoff = retry_.backoff(1, 0.5);
  EXPECT_EQ(failed->run_at, now() + backoff);
  EXPECT_EQ(get(job.id)->error, boom);

  auto too_soon = lease("q");
  ASSERT_TRUE(IsOk(too_soon));
  EXPECT_TRUE(too_soon->grants.empty());
  EXPECT_EQ(too_soon->next_due, now() + backoff);
  clock_.advance(backoff);
  LeaseGrant second = lease_one("q");
  EXPECT_EQ(second.job.attempt, 2);
  EXPECT_NE(second.job.lease_token, grant.job.lease_token);
  EXPECT_TRUE(IsError(complete(job.id, grant.job.lease_token), Errc::lease_lost));  // the old attempt's token
}

TEST_P(JobStoreContract, FailureIsFinalWhenAttemptsAreExhaustedOrNotRetryable) {
  NewJob once = new_job("q");
  once.spec.max_attempts = 1;
  Job exhausted = submit(once);
  LeaseGrant g1 = lease_one("q");
  auto f1 = fail(exhausted.id, g1.job.lease_token, Problem{"urn:test:x", "X", 500, "no"}, true);
  ASSERT_TRUE(IsOk(f1));
  EXPECT_EQ(f1->state, JobState::failed);
  EXPECT_EQ(f1->finished_at, now());
  EXPECT_EQ(f1->error->detail, "no");

  Job fatal = submit("q");
  LeaseGrant g2 = lease_one("q");
  auto f2 =
      fail(fatal.id, g2.job.lease_token, Problem{"urn:test:bad", "Bad input", 422, "cannot parse"}, false);
  ASSERT_TRUE(IsOk(f2));
  EXPECT_EQ(f2->state, JobState::failed);
  EXPECT_EQ(get(fatal.id)->error->type, "urn:test:bad");
  EXPECT_TRUE(IsError(get_result(fatal.id), Errc::not_ready));
  EXPECT_TRUE(IsError(fail(fatal.id, g2.job.lease_token, Problem{}, true), Errc::lease_lost));
}

TEST_P(JobStoreContract, FailureAfterCancelRequestCancels) {
  Job job = submit("q");
  LeaseGrant grant = lease_one("q");
  ASSERT_TRUE(IsOk(cancel(job.id)));
  auto beat = heartbeat(job.id, grant.job.lease_token);
  ASSERT_TRUE(IsOk(beat));
  EXPECT_TRUE(beat->cancel_requested);
  auto failed =
      fail(job.id, grant.job.lease_token, Problem{"urn:test:x", "Stopped", 500, "told to stop"}, true);
  ASSERT_TRUE(IsOk(failed));
  EXPECT_EQ(failed->state, JobState::cancelled);
  EXPECT_EQ(failed->error->type, problem_types::kCancelled);
}

}  // namespace
}  // namespace replyd::store::contract
