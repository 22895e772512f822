// Contract: insert, get, payloads and idempotency keys.
#include "store/contract/job_store_contract.h"

#include <future>
#include <set>

namespace replyd::store::contract {
namespace {

using namespace std::chrono_literals;

TEST_P(JobStoreContract, InsertReturnsAQueuedJobThatGetReadsBack) {
  NewJob job = new_job("email", "hi");
  job.spec.priority = 7;
  job.spec.max_attempts = 3;
  job.spec.timeout = 90s;
  job.spec.ttl = 2h;
  job.spec.run_at = now() + 5s;
  job.spec.callback_url = "https://example.test/hook";
  job.spec.filename = "report 2026.pdf";
  auto inserted = insert(job);
  ASSERT_TRUE(IsOk(inserted));
  const Job& created = inserted->job;
  EXPECT_FALSE(inserted->replayed);
  EXPECT_EQ(created.queue, "email");
  EXPECT_EQ(created.state, JobState::queued);
  EXPECT_EQ(created.priority, 7);
  EXPECT_EQ(created.attempt, 0);
  EXPECT_EQ(created.max_attempts, 3);
  EXPECT_EQ(created.timeout, Duration(90s));
  EXPECT_EQ(created.ttl, Duration(2h));
  EXPECT_EQ(created.run_at, now() + 5s);
  EXPECT_EQ(created.created_at, now());
  EXPECT_EQ(created.updated_at, now());
  EXPECT_EQ(created.callback_url, "https://example.test/hook");
  EXPECT_EQ(created.filename, "report 2026.pdf");
  EXPECT_EQ(created.payload_content_type, "text/plain");
  EXPECT_EQ(created.payload_size, 2);
  EXPECT_EQ(created.version, 1);
  EXPECT_GT(created.seq, 0);

  auto read = get(created.id);
  ASSERT_TRUE(IsOk(read));
  expect_same_job(*read, created);
}

TEST_P(JobStoreContract, EveryFieldRoundTripsThroughEachTransition) {
  NewJob spec = new_job("reports");
  spec.spec.timeout = 1h;
  spec.spec.max_attempts = 2;
  Job job = submit(spec);

  clock_.advance(1s);
  LeaseGrant grant = lease_one("reports");
  expect_same_job(get(job.id).value(), grant.job);
  EXPECT_TRUE(grant.job.lease_expires_at.has_value());
  EXPECT_TRUE(grant.job.attempt_deadline.has_value());
  EXPECT_TRUE(grant.job.started_at.has_value());

  clock_.advance(1s);
  auto beat = heartbeat(job.id, grant.job.lease_token, Progress{40, 100, "uploading"});
  ASSERT_TRUE(IsOk(beat));
  expect_same_job(get(job.id).value(), *beat);
  auto no_numbers = heartbeat(job.id, grant.job.lease_token, Progress{std::nullopt, std::nullopt, ""});
  ASSERT_TRUE(IsOk(no_numbers));
  expect_same_job(get(job.id).value(), *no_numbers);

  auto failed =
      fail(job.id, grant.job.lease_token, Problem{"urn:test:boom", "Boom", 502, "it broke"}, true, 0.0);
  ASSERT_TRUE(IsOk(failed));
  EXPECT_EQ(failed->state, JobState::queued);
  expect_same_job(get(job.id).value(), *failed);

  clock_.advance(1s);
  LeaseGrant again = lease_one("reports");
  auto done = complete(job.id, again.job.lease_token, Blob{"application/json", "{\"ok\":true}"});
  ASSERT_TRUE(IsOk(done));
  EXPECT_EQ(done->state, JobState::succeeded);
  EXPECT_EQ(done->attempt, 2);
  EXPECT_EQ(done->result_content_type, "application/json");
  EXPECT_EQ(done->result_size, 11);
  expect_same_job(get(job.id).value(), *done);
}

TEST_P(JobStoreContract, UnknownIdIsNotFoundEverywhere) {
  JobId unknown = JobId::random();
  EXPECT_TRUE(IsError(get(unknown), Errc::not_found));
  EXPECT_TRUE(IsError(get_payload(unknown), Errc::not_found));
  EXPECT_TRUE(IsError(get_result(unknown), Errc::not_found));
  EXPECT_TRUE(IsError(heartbeat(unknown, "token"), Errc::not_found));
  EXPECT_TRUE(IsError(complete(unknown, "token"), Errc::not_found));
  EXPECT_TRUE(IsError(fail(unknown, "token", Problem{}, true), Errc::not_found));
  EXPECT_TRUE(IsError(cancel(unknown), Errc::not_found));
}

TEST_P(JobStoreContract, PayloadBytesAndContentTypeArePreserved) {
  std::string binary;
  for (int round = 0; round < 4; ++round) {
    for (int b = 0; b < 256; ++b) binary.push_back(static_cast<char>(b));
  }
  NewJob bin = new_job("files");
  bin.payload = Blob{"application/octet-stream", binary};
  NewJob empty = new_job("files");
  empty.payload = Blob{"", ""};
  NewJob large = new_job("files");
  large.payload = Blob{"application/x-large", std::string(1 << 20, 'x')};

  for (const NewJob& job : {bin, empty, large}) {
    Job stored = submit(job);
    EXPECT_EQ(stored.payload_size, static_cast<std::int64_t>(job.payload.bytes.size()));
    auto payload = get_payload(stored.id);
    ASSERT_TRUE(IsOk(payload));
    EXPECT_EQ(payload->content_type, job.payload.content_type);
    EXPECT_EQ(payload->bytes, job.payload.bytes);
  }
}

TEST_P(JobStoreContract, LeasedPayloadIsTheSubmittedOne) {
  NewJob job = new_job("files");
  job.payload = Blob{"image/png", std::string("\x89PNG\r\n\x1a\n\0\0", 10)};
  submit(job);
  LeaseGrant grant = lease_one("files");
  EXPECT_EQ(grant.payload.content_type, "image/png");
  EXPECT_EQ(grant.payload.bytes, job.payload.bytes);
}

NewJob keyed(std::string queue, std::string key, std::string hash, TimePoint expires) {
  NewJob job;
  job.spec.queue = std::move(queue);
  job.payload = Blob{"application/json", "{}"};
  job.idempotency = IdempotencyKey{std::move(key), std::move(hash), expires};
  return job;
}

TEST_P(JobStoreContract, SameIdempotencyKeyAndHashReplaysTheJob) {
  auto first = insert(keyed("email", "k1", "hash-a", now() + 1h));
  ASSERT_TRUE(IsOk(first));
  EXPECT_FALSE(first->replayed);
  clock_.advance(1s);
  auto second = insert(keyed("email", "k1", "hash-a", now() + 1h));
  ASSERT_TRUE(IsOk(second));
  EXPECT_TRUE(second->replayed);
  EXPECT_EQ(second->job.id, first->job.id);
  EXPECT_EQ(stats_of("email").counts[0], 1);
}

TEST_P(JobStoreContract, SameIdempotencyKeyWithAnotherHashIsAMismatch) {
  ASSERT_TRUE(IsOk(insert(keyed("email", "k1", "hash-a", now() + 1h))));
  EXPECT_TRUE(IsError(insert(keyed("email", "k1", "hash-b", now() + 1h)), Errc::idempotency_mismatch));
  EXPECT_EQ(stats_of("email").counts[0], 1);
}

TEST_P(JobStoreContract, IdempotencyKeysAreScopedPerQueue) {
  auto a = insert(keyed("email", "k1", "hash-a", now() + 1h));
  auto b = insert(keyed("sms", "k1", "hash-b", now() + 1h));
  ASSERT_TRUE(IsOk(a));
  ASSERT_TRUE(IsOk(b));
  EXPECT_FALSE(b->replayed);
  EXPECT_NE(a->job.id, b->job.id);
}

TEST_P(JobStoreContract, ExpiredIdempotencyKeyIsForgottenAfterPurge) {
  auto first = insert(keyed("email", "k1", "hash-a", now() + 1h));
  ASSERT_TRUE(IsOk(first));
  clock_.advance(2h);
  ASSERT_TRUE(IsOk(purge()));
  auto second = insert(keyed("email", "k1", "hash-b", now() + 1h));
  ASSERT_TRUE(IsOk(second));
  EXPECT_FALSE(second->replayed);
  EXPECT_NE(second->job.id, first->job.id);
}

TEST_P(JobStoreContract, ConcurrentInsertsWithOneKeyMakeOneJob) {
  constexpr int kThreads = 4;
  std::vector<std::future<Result<InsertOutcome>>> results;
  for (int i = 0; i < kThreads; ++i) {
    results.push_back(std::async(std::launch::async, [&] {
      return await_result<InsertOutcome>([&](auto cb) {
        store().insert(keyed("email", "same", "hash-a", now() + 1h), now(), std::move(cb));
      });
    }));
  }
  std::set<JobId> ids;
  int fresh = 0;
  for (auto& f : results) {
    auto r = f.get();
    ASSERT_TRUE(IsOk(r));
    ids.insert(r->job.id);
    if (!r->replayed) ++fresh;
  }
  EXPECT_EQ(ids.size(), 1u);
  EXPECT_EQ(fresh, 1);
}

}  // namespace
}  // namespace replyd::store::contract
