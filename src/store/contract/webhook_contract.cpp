// Contract: webhook deliveries. Created with the terminal state change (complete, final fail, cancel,
// lease expiry), claimed by one claimant at a time until the claim expires, reported only by the
// current claimant, kept across a reopen, deleted with the job.
#include "store/contract/job_store_contract.h"

namespace replyd::store::contract {
namespace {

using namespace std::chrono_literals;

class Deliveries {
 public:
  explicit Deliveries(JobStore& store) : store_(store) {}
  Result<std::vector<WebhookDelivery>> claim(TimePoint now, std::string token, int limit = 10,
                                             Duration ttl = 60s) {
    ClaimDeliveriesRequest request{now, limit, ttl, std::move(token)};
    return await_result<std::vector<WebhookDelivery>>(
        [&](auto cb) { store_.claim_deliveries(std::move(request), std::move(cb)); });
  }
  Result<std::int64_t> report(std::vector<DeliveryReport> reports) {
    return await_result<std::int64_t>([&](auto cb) { store_.report_deliveries(std::move(reports), std::move(cb)); });
  }
  Result<std::optional<WebhookDelivery>> get(const JobId& id) {
    return await_result<std::optional<WebhookDelivery>>([&](auto cb) { store_.get_delivery(id, std::move(cb)); });
  }

 private:
  JobStore& store_;
};

NewJob with_callback(std::string queue) {
  NewJob job;
  job.spec.queue = std::move(queue);
  job.spec.callback_url = "http://receiver.test/hook";
  job.spec.max_attempts = 1;
  job.payload = Blob{"text/plain", "hello"};
  return job;
}

DeliveryReport report_for(const WebhookDelivery& d, DeliveryState state, TimePoint now, std::string error = {},
                          std::optional<TimePoint> next = {}) {
  DeliveryReport r;
  r.job_id = d.job_id;
  r.claim_token = d.claim_token;
  r.state = state;
  r.error = std::move(error);
  r.next_attempt_at = next;
  r.now = now;
  return r;
}

TEST_P(JobStoreContract, DeliveryIsCreatedWithTheTerminalState) {
  Deliveries deliveries(store());
  Job job = submit(with_callback("q"));
  EXPECT_FALSE(*deliveries.get(job.id));  // not finished: nothing to deliver yet
  LeaseGrant grant = lease_one("q");
  EXPECT_FALSE(*deliveries.get(job.id));
  clock_.advance(2s);
  auto done = complete(job.id, grant.job.lease_token);
  ASSERT_TRUE(IsOk(done));
  auto d = deliveries.get(job.id);
  ASSERT_TRUE(IsOk(d));
  ASSERT_TRUE(*d);
  EXPECT_EQ((*d)->job_id, job.id);
  EXPECT_EQ((*d)->queue, "q");
  EXPECT_EQ((*d)->job_state, JobState::succeeded);
  EXPECT_EQ((*d)->created_at, *done->finished_at);
  EXPECT_EQ((*d)->status.url, "http://receiver.test/hook");
  EXPECT_EQ((*d)->status.state, DeliveryState::pending);
  EXPECT_EQ((*d)->status.attempts, 0);
  EXPECT_EQ((*d)->status.next_attempt_at, *done->finished_at);

  Job plain = submit("q");
  LeaseGrant g = lease_one("q");
  ASSERT_TRUE(IsOk(complete(plain.id, g.job.lease_token)));
  EXPECT_FALSE(*deliveries.get(plain.id));  // no callback, no delivery
}

TEST_P(JobStoreContract, DeliveryIsCreatedForFailCancelAndExpiry) {
  Deliveries deliveries(store());
  Job failed = submit(with_callback("q"));
  LeaseGrant g = lease_one("q");
  ASSERT_TRUE(IsOk(fail(failed.id, g.job.lease_token, Problem{"urn:test:x", "X", 500, ""}, false)));
  Job cancelled = submit(with_callback("q"));
  ASSERT_TRUE(IsOk(cancel(cancelled.id)));
  Job expired = submit(with_callback("q"));
  lease_one("q", 5s);
  clock_.advance(6s);
  ASSERT_TRUE(IsOk(expire_leases()));
  EXPECT_EQ((*deliveries.get(failed.id))->job_state, JobState::failed);
  EXPECT_EQ((*deliveries.get(cancelled.id))->job_state, JobState::cancelled);
  EXPECT_EQ((*deliveries.get(expired.id))->job_state, JobState::failed);
}

TEST_P(JobStoreContract, DeliveryIsClaimedByOneClaimantUntilTheClaimExpires) {
  Deliveries deliveries(store());
  Job job = submit(with_callback("q"));
  LeaseGrant g = lease_one("q");
  ASSERT_TRUE(IsOk(complete(job.id, g.job.lease_token)));
  auto first = deliveries.claim(now(), "node-a", 10, 30s);
  ASSERT_TRUE(IsOk(first));
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].status.state, DeliveryState::delivering);
  EXPECT_EQ((*first)[0].claim_token, "node-a");
  EXPECT_EQ((*deliveries.get(job.id))->status.state, DeliveryState::delivering);
  EXPECT_TRUE(deliveries.claim(now(), "node-b")->empty());
  clock_.advance(31s);  // node-a died: its claim ran out
  auto second = deliveries.claim(now(), "node-b");
  ASSERT_TRUE(IsOk(second));
  ASSERT_EQ(second->size(), 1u);
  EXPECT_EQ((*second)[0].claim_token, "node-b");
  // node-a's late report is ignored; node-b's counts.
  EXPECT_EQ(*deliveries.report({report_for((*first)[0], DeliveryState::delivered, now())}), 0);
  EXPECT_EQ(*deliveries.report({report_for((*second)[0], DeliveryState::delivered, now())}), 1);
  auto d = *deliveries.get(job.id);
  EXPECT_EQ(d->status.state, DeliveryState::delivered);
  EXPECT_EQ(d->status.attempts, 1);
  EXPECT_EQ(d->status.delivered_at, now());
  EXPECT_TRUE(deliveries.claim(now() + 1h, "node-c")->empty());
}

TEST_P(JobStoreContract, DeliveryRetryIsDueAtItsTimeAndSurvivesAReopen) {
  Deliveries deliveries(store());
  Job job = submit(with_callback("q"));
  LeaseGrant g = lease_one("q");
  ASSERT_TRUE(IsOk(complete(job.id, g.job.lease_token)));
  auto claimed = deliveries.claim(now(), "node-a");
  ASSERT_EQ(claimed->size(), 1u);
  const TimePoint retry_at = now() + 20s;
  EXPECT_EQ(*deliveries.report({report_for((*claimed)[0], DeliveryState::pending, now(), "HTTP 500", retry_at)}), 1);
  reopen();
  Deliveries after(store());
  auto d = *after.get(job.id);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->status.state, DeliveryState::pending);
  EXPECT_EQ(d->status.attempts, 1);
  EXPECT_EQ(d->status.last_error, "HTTP 500");
  EXPECT_EQ(d->status.next_attempt_at, retry_at);
  EXPECT_TRUE(after.claim(retry_at - 1s, "node-b")->empty());
  auto again = after.claim(retry_at, "node-b");
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ(*after.report({report_for((*again)[0], DeliveryState::delivered, now())}), 1);
  d = *after.get(job.id);
  EXPECT_EQ(d->status.state, DeliveryState::delivered);
  EXPECT_EQ(d->status.attempts, 2);
  EXPECT_EQ(d->status.last_error, "HTTP 500");  // a success keeps the last error, for the record
  EXPECT_FALSE(d->status.next_attempt_at);
}

TEST_P(JobStoreContract, ClaimHonoursTheLimitAndRetentionDeletesDeliveries) {
  Deliveries deliveries(store());
  std::vector<JobId> ids;
  for (int i = 0; i < 3; ++i) {
    NewJob job = with_callback("q");
    job.spec.ttl = 10s;
    ids.push_back(submit(std::move(job)).id);
    LeaseGrant g = lease_one("q");
    ASSERT_TRUE(IsOk(complete(g.job.id, g.job.lease_token)));
  }
  EXPECT_EQ(deliveries.claim(now(), "a", 2)->size(), 2u);
  EXPECT_EQ(deliveries.claim(now(), "b", 2)->size(), 1u);
  clock_.advance(11s);
  ASSERT_TRUE(IsOk(purge()));
  for (const JobId& id : ids) EXPECT_FALSE(*deliveries.get(id));
  EXPECT_TRUE(deliveries.claim(now() + 1h, "c")->empty());
}

}  // namespace
}  // namespace replyd::store::contract
