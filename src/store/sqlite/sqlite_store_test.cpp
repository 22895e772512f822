// The SQLite store beyond the shared contract: group commit, backpressure and metrics.
#include "store/sqlite/sqlite_store.h"

#include "store/sqlite/testing/sqlite_test_support.h"

#include <gtest/gtest.h>

#include <mutex>
#include <thread>

namespace replyd::store::sqlite {
namespace {

using contract::await_result;
using contract::IsError;
using contract::IsOk;
using testing::finish;
using testing::job_for;
using testing::start;
using testing::TempDir;
using testing::WriterGate;

std::future<Result<InsertOutcome>> start_insert(JobStore& store, NewJob job) {
  return start<InsertOutcome>([&](auto cb) { store.insert(std::move(job), TimePoint{}, std::move(cb)); });
}

std::future<Result<LeaseBatch>> start_lease(JobStore& store) {
  return start<LeaseBatch>([&](auto cb) {
    store.lease(LeaseRequest{"q", 1, TimePoint{}, Duration{}}, std::move(cb));
  });
}

TEST(SqliteStore, GroupCommitAnswersEveryOperationOfOneBatch) {
  TempDir dir;
  metrics::Registry registry;
  SqliteStore store(testing::small_options(dir.file("db")), registry);
  std::mutex mutex;
  std::vector<std::size_t> notified;  // changes per listener call
  store.set_change_listener([&](const std::vector<JobChange>& changes) {
    std::lock_guard lock(mutex);
    notified.push_back(changes.size());
  });

  std::vector<std::future<Result<InsertOutcome>>> waiting;
  {
    WriterGate gate(store);
    for (int i = 0; i < 50; ++i) waiting.push_back(start_insert(store, job_for("q")));
  }
  for (auto& f : waiting) ASSERT_TRUE(IsOk(finish(f)));
  // One more round trip: its answer comes after the listener call of the batch before it.
  ASSERT_TRUE(IsOk(await_result<void>([&](auto cb) { store.ping(std::move(cb)); })));

  std::string text = registry.render();
  EXPECT_NE(text.find("replyd_store_commit_batch_size_count 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("replyd_store_commit_batch_size_sum 52\n"), std::string::npos) << text;
  EXPECT_NE(text.find("replyd_store_operations_total{op=\"insert\",result=\"ok\"} 51\n"), std::string::npos);
  std::lock_guard lock(mutex);
  EXPECT_EQ(notified, (std::vector<std::size_t>{1, 50}));
}

TEST(SqliteStore, WritesAreRefusedWhenTooManyArePending) {
  TempDir dir;
  metrics::Registry registry;
  auto options = testing::small_options(dir.file("db"));
  options.max_pending_ops = 4;
  SqliteStore store(std::move(options), registry);

  std::vector<std::future<Result<InsertOutcome>>> accepted;
  std::future<Result<LeaseBatch>> lease_in_reserve;
  {
    WriterGate gate(store);  // its own insert was answered, so it no longer counts
    for (int i = 0; i < 4; ++i) accepted.push_back(start_insert(store, job_for("q")));
    auto refused = start_insert(store, job_for("q"));
    // Refused at once, but answered from a store thread; then the reserve lets a lease through.
    EXPECT_TRUE(IsError(finish(refused), Errc::overloaded));
    lease_in_reserve = start_lease(store);
    auto no_reserve_left = start_lease(store);
    EXPECT_TRUE(IsError(finish(no_reserve_left), Errc::overloaded));
  }
  for (auto& f : accepted) EXPECT_TRUE(IsOk(finish(f)));
  EXPECT_TRUE(IsOk(finish(lease_in_reserve)));
  EXPECT_TRUE(IsOk(finish(accepted.emplace_back(start_insert(store, job_for("q"))))));

  std::string text = registry.render();
  EXPECT_NE(text.find("replyd_store_operations_total{op=\"insert\",result=\"overloaded\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("replyd_store_pending_ops 0\n"), std::string::npos) << text;
}

TEST(SqliteStore, WritesAreRefusedWhenTooManyBytesArePending) {
  TempDir dir;
  metrics::Registry registry;
  auto options = testing::small_options(dir.file("db"));
  options.max_pending_bytes = 1000;
  SqliteStore store(std::move(options), registry);

  std::future<Result<InsertOutcome>> first, third;
  {
    WriterGate gate(store);
    first = start_insert(store, job_for("q", std::string(600, 'a')));
    auto second = start_insert(store, job_for("q", std::string(600, 'b')));
    EXPECT_TRUE(IsError(finish(second), Errc::overloaded));
    third = start_insert(store, job_for("q", std::string(300, 'c')));
  }
  EXPECT_TRUE(IsOk(finish(first)));
  EXPECT_TRUE(IsOk(finish(third)));
  // With nothing else waiting, one payload bigger than the whole budget still goes through.
  auto big = start_insert(store, job_for("q", std::string(5000, 'd')));
  EXPECT_TRUE(IsOk(finish(big)));
}

TEST(SqliteStore, LogicalFailuresDoNotDisturbTheirBatch) {
  TempDir dir;
  metrics::Registry registry;
  SqliteStore store(testing::small_options(dir.file("db")), registry);
  auto existing =
      await_result<InsertOutcome>([&](auto cb) { store.insert(job_for("q"), TimePoint{}, std::move(cb)); });
  ASSERT_TRUE(IsOk(existing));

  std::future<Result<InsertOutcome>> before, after;
  std::future<Result<CancelOutcome>> missing;
  std::future<Result<Job>> wrong_token;
  {
    WriterGate gate(store);
    before = start_insert(store, job_for("q"));
    missing =
        start<CancelOutcome>([&](auto cb) { store.cancel(JobId::random(), TimePoint{}, std::move(cb)); });
    wrong_token = start<Job>([&](auto cb) {
      store.heartbeat(HeartbeatRequest{existing->job.id, "nope", TimePoint{}, Duration{}, std::nullopt},
                      std::move(cb));
    });
    after = start_insert(store, job_for("q"));
  }
  EXPECT_TRUE(IsOk(finish(before)));
  EXPECT_TRUE(IsError(finish(missing), Errc::not_found));
  EXPECT_TRUE(IsError(finish(wrong_token), Errc::lease_lost));
  EXPECT_TRUE(IsOk(finish(after)));
}

TEST(SqliteStore, ReadsAreServedWhileTheWriterIsBusy) {
  TempDir dir;
  metrics::Registry registry;
  SqliteStore store(testing::small_options(dir.file("db")), registry);
  auto job =
      await_result<InsertOutcome>([&](auto cb) { store.insert(job_for("q"), TimePoint{}, std::move(cb)); });
  ASSERT_TRUE(IsOk(job));
  WriterGate gate(store);
  auto read = await_result<Job>([&](auto cb) { store.get(job->job.id, std::move(cb)); });
  ASSERT_TRUE(IsOk(read));
  EXPECT_EQ(read->id, job->job.id);
}

}  // namespace
}  // namespace replyd::store::sqlite
