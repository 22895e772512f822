// Several replyd nodes on one database: two store instances (two "nodes") opened on the same fresh
// database of the test server. What the contract suite cannot see: NOTIFY across nodes, and leases,
// lease expiry and retention run by both nodes at once, each job handled exactly once.
#include "store/contract/job_store_contract.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/testing/postgres_server.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <set>
#include <thread>

namespace replyd::store::postgres {
namespace {

using contract::await_result;
using contract::ChangeRecorder;
using contract::IsOk;

const TimePoint kStart = from_micros(1'767'225'600'000'000);
constexpr Duration kTtl = std::chrono::seconds(30);

class PostgresNodes : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!PostgresServer::available()) GTEST_SKIP() << "PostgreSQL server binaries are not installed";
    uri_ = PostgresServer::shared().create_database();
    a_ = open();
    b_ = open();
  }
  void TearDown() override {
    if (a_) a_->close();
    if (b_) b_->close();
  }

  std::unique_ptr<JobStore> open() {
    PostgresStoreOptions options;
    options.uri = uri_;
    options.reader_threads = 1;
    return open_postgres_store(options, registry_);
  }

  static Job insert(JobStore& store, std::string queue = "q", TimePoint now = kStart) {
    NewJob job;
    job.spec.queue = std::move(queue);
    job.payload = Blob{"text/plain", "payload"};
    auto r = await_result<InsertOutcome>([&](auto cb) { store.insert(std::move(job), now, std::move(cb)); });
    EXPECT_TRUE(IsOk(r));
    return r ? r->job : Job{};
  }

  // Inserts `n` jobs through both nodes, concurrently.
  std::vector<JobId> insert_many(int n, std::string queue = "q") {
    auto half = [&](JobStore* store, int count) {
      std::vector<JobId> ids;
      for (int i = 0; i < count; ++i) ids.push_back(insert(*store, queue).id);
      return ids;
    };
    auto first = std::async(std::launch::async, half, a_.get(), n / 2);
    auto ids = half(b_.get(), n - n / 2);
    auto more = first.get();
    ids.insert(ids.end(), more.begin(), more.end());
    return ids;
  }

  // Runs `step(store)` from `threads` threads per node until it returns 0 everywhere; returns what each
  // call collected.
  template <class Step>
  std::vector<JobId> drain_from_both(int threads, Step step) {
    std::vector<std::future<std::vector<JobId>>> workers;
    for (JobStore* store : {a_.get(), b_.get()}) {
      for (int t = 0; t < threads; ++t) {
        workers.push_back(std::async(std::launch::async, [store, step] {
          std::vector<JobId> mine;
          while (step(*store, mine) > 0) {
          }
          return mine;
        }));
      }
    }
    std::vector<JobId> all;
    for (auto& w : workers) {
      auto mine = w.get();
      all.insert(all.end(), mine.begin(), mine.end());
    }
    return all;
  }

  metrics::Registry registry_;
  std::string uri_;
  // Declared before the stores: a writer may still publish a change after the caller had its answer,
  // until TearDown closes the stores, so the recorders must outlive them.
  ChangeRecorder heard_by_a_, heard_by_b_;
  std::unique_ptr<JobStore> a_, b_;
};

TEST_F(PostgresNodes, ChangesReachTheOtherNodeAndNotTheSenderTwice) {
  a_->set_change_listener(heard_by_a_.listener());
  b_->set_change_listener(heard_by_b_.listener());

  Job from_a = insert(*a_);
  auto at_b = heard_by_b_.wait_for(1);
  EXPECT_EQ(at_b[0].id, from_a.id);
  EXPECT_EQ(at_b[0].queue, "q");
  EXPECT_EQ(at_b[0].state, JobState::queued);
  EXPECT_EQ(at_b[0].version, 1);
  EXPECT_TRUE(at_b[0].created);

  // NOTIFYs arrive in commit order: had A not skipped its own, it would hear from_a twice before from_b.
  Job from_b = insert(*b_);
  auto at_a = heard_by_a_.wait_for(2);
  ASSERT_EQ(at_a.size(), 2u);
  EXPECT_EQ(at_a[0].id, from_a.id);
  EXPECT_EQ(at_a[1].id, from_b.id);
}

TEST_F(PostgresNodes, LargeBatchesArriveWhole) {
  b_->set_change_listener(heard_by_b_.listener());
  // Long queue names and many concurrent inserts make commit batches whose NOTIFY must be split.
  std::string queue(64, 'x');
  constexpr int kJobs = 400;
  std::vector<std::promise<Result<InsertOutcome>>> results(kJobs);
  for (int i = 0; i < kJobs; ++i) {
    NewJob job;
    job.spec.queue = queue;
    job.payload = Blob{"text/plain", "p"};
    a_->insert(std::move(job), kStart,
               [&results, i](Result<InsertOutcome> r) { results[i].set_value(std::move(r)); });
  }
  std::set<JobId> inserted;
  for (auto& p : results) {
    auto r = p.get_future().get();
    ASSERT_TRUE(IsOk(r));
    inserted.insert(r->job.id);
  }
  auto heard = heard_by_b_.wait_for(kJobs);
  std::set<JobId> ids;
  for (const auto& c : heard) ids.insert(c.id);
  EXPECT_EQ(ids, inserted);
}

TEST_F(PostgresNodes, ConcurrentLeasesNeverHandOutAJobTwice) {
  constexpr int kJobs = 300;
  auto ids = insert_many(kJobs);
  auto leased = drain_from_both(4, [](JobStore& store, std::vector<JobId>& mine) {
    auto r = await_result<LeaseBatch>([&](auto cb) {
      store.lease(LeaseRequest{"q", 3, kStart, kTtl}, std::move(cb));
    });
    EXPECT_TRUE(IsOk(r));
    if (!r) return std::size_t{0};
    for (const auto& g : r->grants) {
      EXPECT_EQ(g.payload.bytes, "payload");
      mine.push_back(g.job.id);
    }
    return r->grants.size();
  });
  std::set<JobId> unique(leased.begin(), leased.end());
  EXPECT_EQ(unique.size(), leased.size()) << "a job was leased twice";
  EXPECT_EQ(unique, std::set<JobId>(ids.begin(), ids.end()));
}

TEST_F(PostgresNodes, BothNodesExpiringLeasesHandleEachJobOnce) {
  constexpr int kJobs = 200;
  auto ids = insert_many(kJobs);
  std::size_t leased = 0;
  while (leased < ids.size()) {
    auto r = await_result<LeaseBatch>([&](auto cb) {
      a_->lease(LeaseRequest{"q", 50, kStart, kTtl}, std::move(cb));
    });
    ASSERT_TRUE(IsOk(r));
    ASSERT_FALSE(r->grants.empty());
    leased += r->grants.size();
  }
  const TimePoint later = kStart + std::chrono::minutes(5);
  auto expired = drain_from_both(2, [later](JobStore& store, std::vector<JobId>& mine) {
    auto r = await_result<std::vector<Job>>([&](auto cb) {
      store.expire_leases(ExpireRequest{later, 7, RetryPolicy{}, 42}, std::move(cb));
    });
    EXPECT_TRUE(IsOk(r));
    if (!r) return std::size_t{0};
    for (const Job& j : *r) {
      EXPECT_EQ(j.state, JobState::queued);
      EXPECT_EQ(j.attempt, 1);
      mine.push_back(j.id);
    }
    return r->size();
  });
  std::set<JobId> unique(expired.begin(), expired.end());
  EXPECT_EQ(unique.size(), expired.size()) << "a lease was expired twice";
  EXPECT_EQ(unique, std::set<JobId>(ids.begin(), ids.end()));
}

TEST_F(PostgresNodes, BothNodesPurgingDeleteEachJobOnce) {
  constexpr int kJobs = 120;
  insert_many(kJobs);
  for (int done = 0; done < kJobs;) {
    auto r = await_result<LeaseBatch>([&](auto cb) {
      b_->lease(LeaseRequest{"q", 40, kStart, kTtl}, std::move(cb));
    });
    ASSERT_TRUE(IsOk(r));
    ASSERT_FALSE(r->grants.empty());
    for (const auto& g : r->grants) {
      auto c = await_result<Job>([&](auto cb) {
        b_->complete(CompleteRequest{g.job.id, g.job.lease_token, kStart, Blob{"text/plain", "r"}},
                     std::move(cb));
      });
      ASSERT_TRUE(IsOk(c));
      ++done;
    }
  }
  const TimePoint after_retention = kStart + std::chrono::hours(48);
  std::atomic<std::int64_t> purged{0};
  drain_from_both(2, [&purged, after_retention](JobStore& store, std::vector<JobId>&) {
    auto r = await_result<std::int64_t>([&](auto cb) {
      store.purge_expired(PurgeRequest{after_retention, 9}, std::move(cb));
    });
    EXPECT_TRUE(IsOk(r));
    if (!r) return std::int64_t{0};
    purged += *r;
    return *r;
  });
  EXPECT_EQ(purged.load(), kJobs);
  auto stats = await_result<std::vector<QueueStats>>(
      [&](auto cb) { a_->queue_stats(after_retention, std::move(cb)); });
  ASSERT_TRUE(IsOk(stats));
  EXPECT_TRUE(stats->empty()) << "the counts must drop to zero with the purge";
}

TEST(PostgresMigrations, ConcurrentOpensApplyEachMigrationOnce) {
  if (!PostgresServer::available()) GTEST_SKIP() << "PostgreSQL server binaries are not installed";
  std::string uri = PostgresServer::shared().create_database();
  auto first = std::async(std::launch::async, [&] { return migrate_postgres(uri); });
  auto second = std::async(std::launch::async, [&] { return migrate_postgres(uri); });
  auto applied_first = first.get();
  auto applied_second = second.get();
  EXPECT_TRUE(applied_first.empty() != applied_second.empty()) << "exactly one of them migrates";
  EXPECT_FALSE(applied_first.empty() && applied_second.empty());
  EXPECT_TRUE(migrate_postgres(uri).empty()) << "a third run finds the schema up to date";
  // And a store opens on it without migrating again.
  metrics::Registry registry;
  PostgresStoreOptions options;
  options.uri = uri;
  auto store = open_postgres_store(options, registry);
  auto ping = await_result<void>([&](auto cb) { store->ping(std::move(cb)); });
  EXPECT_TRUE(IsOk(ping));
  store->close();
}

}  // namespace
}  // namespace replyd::store::postgres
