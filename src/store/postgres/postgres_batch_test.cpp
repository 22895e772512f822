// Group commit isolation on PostgreSQL: an op whose data the database rejects (here: text that is not
// UTF-8) fails alone with Errc::invalid_argument; the ops committed with it in the same batch succeed.
#include "store/contract/job_store_contract.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/testing/postgres_server.h"

#include <gtest/gtest.h>

#include <future>

namespace replyd::store::postgres {
namespace {

using contract::await_result;
using contract::IsError;
using contract::IsOk;

const TimePoint kNow = from_micros(1'767'225'600'000'000);
constexpr Duration kTtl = std::chrono::seconds(30);
constexpr int kOps = 100;
constexpr int kBadOp = 50;  // queued behind others, so it shares a batch with them
const std::string kNotUtf8 = "\xff\xfe";

class PostgresBatch : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!PostgresServer::available()) GTEST_SKIP() << "PostgreSQL server binaries are not installed";
    PostgresStoreOptions options;
    options.uri = PostgresServer::shared().create_database();
    options.reader_threads = 1;
    store_ = open_postgres_store(options, registry_);
  }
  void TearDown() override {
    if (store_) store_->close();
  }

  // Starts kOps operations at once with start(i, callback) and returns their results in order.
  template <class T, class Start>
  std::vector<Result<T>> all_at_once(Start start) {
    std::vector<std::promise<Result<T>>> promises(kOps);
    for (int i = 0; i < kOps; ++i) {
      start(i, Callback<T>([&promises, i](Result<T> r) { promises[i].set_value(std::move(r)); }));
    }
    std::vector<Result<T>> results;
    for (auto& p : promises) results.push_back(p.get_future().get());
    return results;
  }

  metrics::Registry registry_;
  std::unique_ptr<JobStore> store_;
};

TEST_F(PostgresBatch, ARejectedInsertFailsAloneAndTheOthersCommit) {
  auto results = all_at_once<InsertOutcome>([&](int i, Callback<InsertOutcome> done) {
    NewJob job;
    job.spec.queue = i == kBadOp ? kNotUtf8 : "q";
    job.payload = Blob{"text/plain", std::to_string(i)};
    store_->insert(std::move(job), kNow, std::move(done));
  });
  for (int i = 0; i < kOps; ++i) {
    if (i == kBadOp) {
      EXPECT_TRUE(IsError(results[i], Errc::invalid_argument));
    } else {
      ASSERT_TRUE(IsOk(results[i])) << i;
      auto payload =
          await_result<Blob>([&](auto cb) { store_->get_payload(results[i]->job.id, std::move(cb)); });
      ASSERT_TRUE(IsOk(payload));
      EXPECT_EQ(payload->bytes, std::to_string(i));
    }
  }
  auto stats =
      await_result<std::vector<QueueStats>>([&](auto cb) { store_->queue_stats(kNow, std::move(cb)); });
  ASSERT_TRUE(IsOk(stats));
  ASSERT_EQ(stats->size(), 1u);
  EXPECT_EQ(stats->at(0).counts[static_cast<int>(JobState::queued)], kOps - 1);
}

TEST_F(PostgresBatch, ARejectedStateChangeFailsAloneAndTheOthersCommit) {
  auto inserted = all_at_once<InsertOutcome>([&](int i, Callback<InsertOutcome> done) {
    NewJob job;
    job.spec.queue = "q";
    job.payload = Blob{"text/plain", std::to_string(i)};
    store_->insert(std::move(job), kNow, std::move(done));
  });
  auto leased = await_result<LeaseBatch>([&](auto cb) {
    store_->lease(LeaseRequest{"q", kOps, kNow, kTtl}, std::move(cb));
  });
  ASSERT_TRUE(IsOk(leased));
  ASSERT_EQ(leased->grants.size(), static_cast<std::size_t>(kOps));

  // The bad progress message is only rejected by the row UPDATE, after the lease checks passed.
  auto beats = all_at_once<Job>([&](int i, Callback<Job> done) {
    const Job& job = leased->grants[i].job;
    Progress progress{i, kOps, i == kBadOp ? kNotUtf8 : "fine"};
    store_->heartbeat(HeartbeatRequest{job.id, job.lease_token, kNow, kTtl, progress}, std::move(done));
  });
  for (int i = 0; i < kOps; ++i) {
    if (i == kBadOp) {
      EXPECT_TRUE(IsError(beats[i], Errc::invalid_argument));
      continue;
    }
    ASSERT_TRUE(IsOk(beats[i])) << i;
    auto stored = await_result<Job>([&](auto cb) { store_->get(leased->grants[i].job.id, std::move(cb)); });
    ASSERT_TRUE(IsOk(stored));
    ASSERT_TRUE(stored->progress);
    EXPECT_EQ(stored->progress->message, "fine");
  }
  auto bad = await_result<Job>([&](auto cb) { store_->get(leased->grants[kBadOp].job.id, std::move(cb)); });
  ASSERT_TRUE(IsOk(bad));
  EXPECT_FALSE(bad->progress) << "the rejected heartbeat left the job as it was";
}

}  // namespace
}  // namespace replyd::store::postgres
