// A full disk, simulated with PRAGMA max_page_count on the writer: writes fail with Errc::unavailable
// and store nothing (not even the parts of their batch that would have fit), reads keep working, and
// writes work again once there is room.
#include "store/sqlite/sqlite_store.h"

#include "store/sqlite/testing/sqlite_test_support.h"

#include <gtest/gtest.h>

namespace replyd::store::sqlite {
namespace {

using namespace std::chrono_literals;
using contract::await_result;
using contract::IsError;
using contract::IsOk;
using testing::finish;
using testing::job_for;
using testing::start;
using testing::TempDir;
using testing::WriterGate;

std::int64_t page_count(const std::string& path) {
  Connection db(path, SQLITE_OPEN_READONLY, 1000);
  return db.query_int64("PRAGMA page_count").value();
}

class DiskFullTest : public ::testing::Test {
 protected:
  Result<InsertOutcome> insert(NewJob job) {
    return await_result<InsertOutcome>([&](auto cb) { store_.insert(std::move(job), t0_, std::move(cb)); });
  }
  std::future<Result<Job>> start_heartbeat(const Job& job, TimePoint now) {
    return start<Job>([&](auto cb) {
      store_.heartbeat(HeartbeatRequest{job.id, job.lease_token, now, 1h, Progress{1, 2, "half"}},
                       std::move(cb));
    });
  }
  std::array<std::int64_t, kJobStateCount> counts_of(const std::string& queue) {
    auto stats =
        await_result<std::vector<QueueStats>>([&](auto cb) { store_.queue_stats(t0_, std::move(cb)); });
    for (const auto& s : stats.value()) {
      if (s.queue == queue) return s.counts;
    }
    return {};
  }

  TempDir dir_;
  metrics::Registry registry_;
  SqliteStore store_{testing::small_options(dir_.file("db")), registry_};
  TimePoint t0_ = FakeClock().now();
};

TEST_F(DiskFullTest, WritesFailWholeWhileFullAndRecover) {
  ASSERT_TRUE(IsOk(insert(job_for("q", "first"))));
  ASSERT_TRUE(IsOk(insert(job_for("q", "second"))));
  auto leased = await_result<LeaseBatch>([&](auto cb) {
    store_.lease(LeaseRequest{"q", 1, t0_, 1h}, std::move(cb));
  });
  ASSERT_TRUE(IsOk(leased));
  ASSERT_EQ(leased->grants.size(), 1u);
  const Job running = leased->grants[0].job;

  std::future<Result<Job>> beat;
  std::future<Result<InsertOutcome>> big;
  {
    // One batch: a heartbeat that would fit in place, and an insert that needs new pages.
    WriterGate gate(store_);
    store_.set_max_page_count(page_count(dir_.file("db")));  // not one page more, from the next batch on
    beat = start_heartbeat(running, t0_ + 1s);
    big = start<InsertOutcome>(
        [&](auto cb) { store_.insert(job_for("q", std::string(64 * 1024, 'z')), t0_, std::move(cb)); });
  }
  EXPECT_TRUE(IsError(finish(big), Errc::unavailable));
  EXPECT_TRUE(IsError(finish(beat), Errc::unavailable));
  EXPECT_TRUE(IsError(insert(job_for("q", std::string(64 * 1024, 'y'))), Errc::unavailable));

  // Reads still work and show nothing of the failed batches.
  auto read = await_result<Job>([&](auto cb) { store_.get(running.id, std::move(cb)); });
  ASSERT_TRUE(IsOk(read));
  EXPECT_EQ(read->version, running.version);
  EXPECT_FALSE(read->progress);
  auto page = await_result<JobPage>([&](auto cb) {
    ListQuery query;
    query.queue = "q";
    store_.list(query, std::move(cb));
  });
  ASSERT_TRUE(IsOk(page));
  EXPECT_EQ(page->jobs.size(), 2u);
  EXPECT_EQ(counts_of("q"), (std::array<std::int64_t, kJobStateCount>{1, 1, 0, 0, 0}));

  store_.set_max_page_count(0);  // room again
  auto late = insert(job_for("q", std::string(64 * 1024, 'w')));
  ASSERT_TRUE(IsOk(late));
  auto beat_again = start_heartbeat(running, t0_ + 2s);
  ASSERT_TRUE(IsOk(finish(beat_again)));
  auto payload = await_result<Blob>([&](auto cb) { store_.get_payload(late->job.id, std::move(cb)); });
  ASSERT_TRUE(IsOk(payload));
  EXPECT_EQ(payload->bytes.size(), 64u * 1024);
  EXPECT_EQ(counts_of("q"), (std::array<std::int64_t, kJobStateCount>{2, 1, 0, 0, 0}));
  std::string text = registry_.render();
  EXPECT_NE(text.find("replyd_store_operations_total{op=\"insert\",result=\"unavailable\"} 2\n"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace replyd::store::sqlite
