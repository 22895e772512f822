// Contract: change notifications, concurrency, durability across reopen, callbacks' threads, shutdown.
#include "store/contract/job_store_contract.h"

#include <map>
#include <set>
#include <thread>

namespace replyd::store::contract {
namespace {

using namespace std::chrono_literals;

TEST_P(JobStoreContract, ChangeListenerHearsEveryCommittedChange) {
  Job job = submit("q");
  auto created = changes_.wait_for(1);
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(created[0].id, job.id);
  EXPECT_EQ(created[0].queue, "q");
  EXPECT_EQ(created[0].state, JobState::queued);
  EXPECT_EQ(created[0].version, 1);
  EXPECT_TRUE(created[0].created);

  LeaseGrant grant = lease_one("q");
  ASSERT_TRUE(IsOk(heartbeat(job.id, grant.job.lease_token, Progress{1, 2, "half"})));
  ASSERT_TRUE(IsOk(complete(job.id, grant.job.lease_token)));
  auto all = changes_.wait_for(4);
  ASSERT_EQ(all.size(), 4u);
  std::vector<std::int64_t> versions;
  for (const auto& c : all) {
    EXPECT_EQ(c.id, job.id);
    versions.push_back(c.version);
  }
  EXPECT_EQ(versions, (std::vector<std::int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(all[1].state, JobState::running);
  EXPECT_FALSE(all[1].created);
  EXPECT_EQ(all[3].state, JobState::succeeded);
}

TEST_P(JobStoreContract, FailedOperationsAnnounceNothing) {
  Job job = submit("q");
  changes_.wait_for(1);
  LeaseGrant grant = lease_one("q");
  changes_.wait_for(2);
  EXPECT_TRUE(IsError(heartbeat(job.id, "wrong"), Errc::lease_lost));
  EXPECT_TRUE(IsError(cancel(JobId::random()), Errc::not_found));
  // A later change proves the listener has caught up; nothing came in between.
  ASSERT_TRUE(IsOk(complete(job.id, grant.job.lease_token)));
  auto all = changes_.wait_for(3);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[2].version, 3);
}

TEST_P(JobStoreContract, ManyConcurrentInsertsAllSucceed) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 50;
  std::vector<std::vector<std::future<Result<InsertOutcome>>>> futures(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto promise = std::make_shared<std::promise<Result<InsertOutcome>>>();
        futures[t].push_back(promise->get_future());
        store().insert(new_job("bulk", "n" + std::to_string(i)), now(),
                       [promise](Result<InsertOutcome> r) { promise->set_value(std::move(r)); });
      }
    });
  }
  for (auto& t : threads) t.join();
  std::set<JobId> ids;
  for (auto& per_thread : futures) {
    for (auto& f : per_thread) {
      ASSERT_EQ(f.wait_for(kAwaitTimeout), std::future_status::ready);
      auto r = f.get();
      ASSERT_TRUE(IsOk(r));
      ids.insert(r->job.id);
    }
  }
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kThreads * kPerThread));
  for (const JobId& id : ids) ASSERT_TRUE(IsOk(get(id)));
  EXPECT_EQ(stats_of("bulk").counts[0], kThreads * kPerThread);
  EXPECT_EQ(changes_.wait_for(kThreads * kPerThread).size(), static_cast<std::size_t>(kThreads * kPerThread));
}

TEST_P(JobStoreContract, DataSurvivesCloseAndReopen) {
  NewJob spec = new_job("q", "payload");
  spec.idempotency = IdempotencyKey{"key", "hash", now() + 1h};
  Job done = submit(spec);
  LeaseGrant grant = lease_one("q");
  auto completed = complete(done.id, grant.job.lease_token, Blob{"text/csv", "a,b\n"});
  ASSERT_TRUE(IsOk(completed));
  Job waiting = submit("q");

  reopen();

  expect_same_job(get(done.id).value(), *completed);
  expect_same_job(get(waiting.id).value(), waiting);
  EXPECT_EQ(get_payload(done.id)->bytes, "payload");
  EXPECT_EQ(get_result(done.id)->bytes, "a,b\n");
  auto stats = stats_of("q");
  EXPECT_EQ(stats.counts[0], 1);
  EXPECT_EQ(stats.counts[2], 1);
  auto replay = insert(spec);
  ASSERT_TRUE(IsOk(replay));
  EXPECT_TRUE(replay->replayed);
  EXPECT_EQ(replay->job.id, done.id);
  EXPECT_EQ(lease_one("q").job.id, waiting.id);
}

TEST_P(JobStoreContract, CallbacksNeverRunOnTheCallersThread) {
  const auto caller = std::this_thread::get_id();
  auto thread_of = [&](auto start) {
    auto where = std::make_shared<std::promise<std::thread::id>>();
    auto future = where->get_future();
    start([where](auto) { where->set_value(std::this_thread::get_id()); });
    EXPECT_EQ(future.wait_for(kAwaitTimeout), std::future_status::ready);
    return future.get();
  };
  Job job = submit("q");
  EXPECT_NE(thread_of([&](auto cb) { store().insert(new_job("q"), now(), Callback<InsertOutcome>(cb)); }),
            caller);
  EXPECT_NE(thread_of([&](auto cb) { store().get(job.id, Callback<Job>(cb)); }), caller);
  EXPECT_NE(thread_of([&](auto cb) { store().cancel(JobId::random(), now(), Callback<CancelOutcome>(cb)); }),
            caller);
  EXPECT_NE(thread_of([&](auto cb) { store().ping(Callback<void>(cb)); }), caller);
}

TEST_P(JobStoreContract, PingIsOk) {
  EXPECT_TRUE(IsOk(await_result<void>([&](auto cb) { store().ping(std::move(cb)); })));
}

TEST_P(JobStoreContract, OperationsAfterCloseAreShuttingDown) {
  Job job = submit("q");
  store().close();
  EXPECT_TRUE(IsError(insert(new_job("q")), Errc::shutting_down));
  EXPECT_TRUE(IsError(get(job.id), Errc::shutting_down));
  EXPECT_TRUE(IsError(lease("q"), Errc::shutting_down));
  EXPECT_TRUE(IsError(queue_stats(), Errc::shutting_down));
  EXPECT_TRUE(
      IsError(await_result<void>([&](auto cb) { store().ping(std::move(cb)); }), Errc::shutting_down));
  store().close();  // idempotent
}

TEST_P(JobStoreContract, CloseFinishesAcceptedOperations) {
  constexpr int kCount = 100;
  std::vector<std::future<Result<InsertOutcome>>> futures;
  for (int i = 0; i < kCount; ++i) {
    auto promise = std::make_shared<std::promise<Result<InsertOutcome>>>();
    futures.push_back(promise->get_future());
    store().insert(new_job("q"), now(),
                   [promise](Result<InsertOutcome> r) { promise->set_value(std::move(r)); });
  }
  store().close();
  std::vector<JobId> ids;
  for (auto& f : futures) {
    ASSERT_EQ(f.wait_for(kAwaitTimeout), std::future_status::ready);
    auto r = f.get();
    ASSERT_TRUE(IsOk(r));  // accepted before close: done, not refused
    ids.push_back(r->job.id);
  }
  reopen();
  for (const JobId& id : ids) ASSERT_TRUE(IsOk(get(id)));
}

}  // namespace
}  // namespace replyd::store::contract
