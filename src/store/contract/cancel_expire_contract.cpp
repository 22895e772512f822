// Contract: cancel in every state, lease expiry and retention (purge).
#include "store/contract/job_store_contract.h"

namespace replyd::store::contract {
namespace {

using namespace std::chrono_literals;

TEST_P(JobStoreContract, CancelQueuedJobCancelsIt) {
  Job job = submit("q");
  clock_.advance(1s);
  auto outcome = cancel(job.id);
  ASSERT_TRUE(IsOk(outcome));
  EXPECT_FALSE(outcome->requested_only);
  EXPECT_EQ(outcome->job.state, JobState::cancelled);
  EXPECT_EQ(outcome->job.finished_at, now());
  ASSERT_TRUE(outcome->job.error);
  EXPECT_EQ(outcome->job.error->type, problem_types::kCancelled);
  EXPECT_EQ(get(job.id)->state, JobState::cancelled);
  auto batch = lease("q");
  ASSERT_TRUE(IsOk(batch));
  EXPECT_TRUE(batch->grants.empty());
}

TEST_P(JobStoreContract, CancelRunningJobOnlyRequestsIt) {
  Job job = submit("q");
  LeaseGrant grant = lease_one("q");
  auto outcome = cancel(job.id);
  ASSERT_TRUE(IsOk(outcome));
  EXPECT_TRUE(outcome->requested_only);
  EXPECT_EQ(outcome->job.state, JobState::running);
  EXPECT_TRUE(outcome->job.cancel_requested);
  EXPECT_EQ(outcome->job.version, grant.job.version + 1);

  auto again = cancel(job.id);
  ASSERT_TRUE(IsOk(again));
  EXPECT_TRUE(again->requested_only);
  EXPECT_EQ(again->job.version, outcome->job.version);  // nothing new to store
  EXPECT_TRUE(get(job.id)->cancel_requested);
}

TEST_P(JobStoreContract, CancelCancelledJobAgainIsFine) {
  Job job = submit("q");
  ASSERT_TRUE(IsOk(cancel(job.id)));
  auto again = cancel(job.id);
  ASSERT_TRUE(IsOk(again));
  EXPECT_FALSE(again->requested_only);
  EXPECT_EQ(again->job.state, JobState::cancelled);
}

TEST_P(JobStoreContract, CancelFinishedJobIsInvalidState) {
  Job ok = submit("q");
  LeaseGrant g1 = lease_one("q");
  ASSERT_TRUE(IsOk(complete(ok.id, g1.job.lease_token)));
  EXPECT_TRUE(IsError(cancel(ok.id), Errc::invalid_state));
  EXPECT_EQ(get(ok.id)->state, JobState::succeeded);

  Job bad = submit("q");
  LeaseGrant g2 = lease_one("q");
  ASSERT_TRUE(IsOk(fail(bad.id, g2.job.lease_token, Problem{"urn:test:x", "X", 500, ""}, false)));
  EXPECT_TRUE(IsError(cancel(bad.id), Errc::invalid_state));
}

TEST_P(JobStoreContract, ExpiredLeaseIsRetried) {
  NewJob spec = new_job("q");
  spec.spec.max_attempts = 3;
  Job job = submit(spec);
  lease_one("q");
  clock_.advance(kLeaseTtl - 1s);
  auto none = expire_leases();
  ASSERT_TRUE(IsOk(none));
  EXPECT_TRUE(none->empty());

  clock_.advance(1s);
  auto expired = expire_leases(500, 42);
  ASSERT_TRUE(IsOk(expired));
  ASSERT_EQ(expired->size(), 1u);
  const Job& retried = expired->front();
  EXPECT_EQ(retried.id, job.id);
  EXPECT_EQ(retried.state, JobState::queued);
  EXPECT_EQ(retried.attempt, 1);
  ASSERT_TRUE(retried.error);
  EXPECT_EQ(retried.error->type, problem_types::kLeaseExpired);
  EXPECT_EQ(retried.run_at,
            now() + retry_.backoff(1, unit_from_seed(42, static_cast<std::uint64_t>(job.seq))));
  expect_same_job(get(job.id).value(), retried);

  clock_.advance(retry_.cap);
  EXPECT_EQ(lease_one("q").job.attempt, 2);
}

TEST_P(JobStoreContract, AttemptTimeoutIsEnforcedByExpiry) {
  NewJob spec = new_job("q");
  spec.spec.timeout = 10s;
  Job job = submit(spec);
  LeaseGrant grant = lease_one("q");
  EXPECT_EQ(grant.job.lease_expires_at, now() + 10s);
  clock_.advance(5s);
  ASSERT_TRUE(IsOk(heartbeat(job.id, grant.job.lease_token)));
  clock_.advance(5s);
  auto expired = expire_leases();
  ASSERT_TRUE(IsOk(expired));
  ASSERT_EQ(expired->size(), 1u);
  EXPECT_EQ(expired->front().error->type, problem_types::kAttemptTimeout);
}

TEST_P(JobStoreContract, ExpiryOfACancelRequestedJobCancelsIt) {
  Job job = submit("q");
  lease_one("q");
  ASSERT_TRUE(IsOk(cancel(job.id)));
  clock_.advance(kLeaseTtl);
  auto expired = expire_leases();
  ASSERT_TRUE(IsOk(expired));
  ASSERT_EQ(expired->size(), 1u);
  EXPECT_EQ(expired->front().state, JobState::cancelled);
  EXPECT_EQ(get(job.id)->state, JobState::cancelled);
}

TEST_P(JobStoreContract, ExpiryWithNoAttemptsLeftFails) {
  NewJob spec = new_job("q");
  spec.spec.max_attempts = 1;
  Job job = submit(spec);
  lease_one("q");
  clock_.advance(kLeaseTtl);
  auto expired = expire_leases();
  ASSERT_TRUE(IsOk(expired));
  ASSERT_EQ(expired->size(), 1u);
  EXPECT_EQ(expired->front().state, JobState::failed);
  EXPECT_EQ(get(job.id)->state, JobState::failed);
}

TEST_P(JobStoreContract, ExpiryRespectsItsLimit) {
  for (int i = 0; i < 3; ++i) submit("q");
  ASSERT_EQ(lease("q", 3)->grants.size(), 3u);
  clock_.advance(kLeaseTtl);
  EXPECT_EQ(expire_leases(2)->size(), 2u);
  EXPECT_EQ(expire_leases(2)->size(), 1u);
  EXPECT_EQ(expire_leases(2)->size(), 0u);
}

TEST_P(JobStoreContract, PurgeDeletesFinishedJobsAfterTheirRetention) {
  NewJob spec = new_job("q");
  spec.spec.ttl = 1h;
  Job done = submit(spec);
  LeaseGrant grant = lease_one("q");
  ASSERT_TRUE(IsOk(complete(done.id, grant.job.lease_token, Blob{"text/plain", "r"})));
  Job cancelled = submit(spec);
  ASSERT_TRUE(IsOk(cancel(cancelled.id)));
  Job waiting = submit(spec);

  clock_.advance(1h - 1s);
  EXPECT_EQ(purge().value(), 0);
  EXPECT_TRUE(IsOk(get(done.id)));

  clock_.advance(1s);
  EXPECT_EQ(purge().value(), 2);
  EXPECT_TRUE(IsError(get(done.id), Errc::not_found));
  EXPECT_TRUE(IsError(get_payload(done.id), Errc::not_found));
  EXPECT_TRUE(IsError(get_result(done.id), Errc::not_found));
  EXPECT_TRUE(IsError(get(cancelled.id), Errc::not_found));
  EXPECT_TRUE(IsOk(get(waiting.id)));  // queued jobs are never purged
  EXPECT_EQ(purge().value(), 0);
}

TEST_P(JobStoreContract, PurgeRespectsItsLimit) {
  NewJob spec = new_job("q");
  spec.spec.ttl = 1min;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(IsOk(cancel(submit(spec).id)));
  clock_.advance(1min);
  EXPECT_EQ(purge(2).value(), 2);
  EXPECT_EQ(purge(2).value(), 1);
  EXPECT_EQ(purge(2).value(), 0);
}

}  // namespace
}  // namespace replyd::store::contract
