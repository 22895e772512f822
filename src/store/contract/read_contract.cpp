// Contract: listing and queue statistics.
#include "store/contract/job_store_contract.h"

#include <set>

namespace replyd::store::contract {
namespace {

using namespace std::chrono_literals;

std::vector<JobId> ids_of(const std::vector<Job>& jobs) {
  std::vector<JobId> ids;
  for (const auto& j : jobs) ids.push_back(j.id);
  return ids;
}

TEST_P(JobStoreContract, ListIsNewestFirstAndFiltersByQueueAndState) {
  Job a1 = submit("a");
  Job b1 = submit("b");
  Job a2 = submit("a");
  Job a3 = submit("a");
  ASSERT_TRUE(IsOk(cancel(a2.id)));

  auto all = list(ListQuery{});
  ASSERT_TRUE(IsOk(all));
  EXPECT_EQ(ids_of(all->jobs), (std::vector<JobId>{a3.id, a2.id, b1.id, a1.id}));
  EXPECT_FALSE(all->next_cursor);

  ListQuery by_queue;
  by_queue.queue = "a";
  EXPECT_EQ(ids_of(list(by_queue)->jobs), (std::vector<JobId>{a3.id, a2.id, a1.id}));

  ListQuery by_state;
  by_state.state = JobState::queued;
  EXPECT_EQ(ids_of(list(by_state)->jobs), (std::vector<JobId>{a3.id, b1.id, a1.id}));

  ListQuery both;
  both.queue = "a";
  both.state = JobState::cancelled;
  auto cancelled = list(both);
  ASSERT_TRUE(IsOk(cancelled));
  ASSERT_EQ(cancelled->jobs.size(), 1u);
  EXPECT_EQ(cancelled->jobs[0].id, a2.id);
  EXPECT_EQ(cancelled->jobs[0].state, JobState::cancelled);

  ListQuery none;
  none.queue = "nobody";
  EXPECT_TRUE(list(none)->jobs.empty());
}

TEST_P(JobStoreContract, ListPagesWithACursorWithoutDuplicatesOrGaps) {
  std::vector<JobId> submitted;
  for (int i = 0; i < 25; ++i) submitted.push_back(submit(i % 2 ? "odd" : "even").id);
  std::vector<JobId> expected(submitted.rbegin(), submitted.rend());

  std::vector<JobId> seen;
  ListQuery query;
  query.limit = 10;
  std::vector<std::size_t> page_sizes;
  for (int guard = 0; guard < 10; ++guard) {
    auto page = list(query);
    ASSERT_TRUE(IsOk(page));
    page_sizes.push_back(page->jobs.size());
    for (const auto& j : page->jobs) seen.push_back(j.id);
    if (!page->next_cursor) break;
    query.before_seq = page->next_cursor;
  }
  EXPECT_EQ(page_sizes, (std::vector<std::size_t>{10, 10, 5}));
  EXPECT_EQ(seen, expected);
}

TEST_P(JobStoreContract, ListEndsOnAFullLastPage) {
  for (int i = 0; i < 20; ++i) submit("q");
  ListQuery query;
  query.queue = "q";
  query.limit = 10;
  auto first = list(query);
  ASSERT_TRUE(IsOk(first));
  ASSERT_TRUE(first->next_cursor);
  query.before_seq = first->next_cursor;
  auto second = list(query);
  ASSERT_TRUE(IsOk(second));
  EXPECT_EQ(second->jobs.size(), 10u);
  EXPECT_FALSE(second->next_cursor);
}

TEST_P(JobStoreContract, QueueStatsFollowEveryTransition) {
  auto counts = [&](const std::string& q) { return stats_of(q).counts; };
  using Counts = std::array<std::int64_t, kJobStateCount>;  // queued, running, succeeded, failed, cancelled

  EXPECT_TRUE(queue_stats()->empty());
  NewJob spec = new_job("q");
  spec.spec.max_attempts = 2;
  spec.spec.ttl = 1h;
  Job j1 = submit(spec);
  Job j2 = submit(spec);
  Job j3 = submit(spec);
  Job j4 = submit(spec);
  submit("other");
  EXPECT_EQ(counts("q"), (Counts{4, 0, 0, 0, 0}));

  auto batch = lease("q", 3);
  ASSERT_EQ(batch->grants.size(), 3u);
  EXPECT_EQ(counts("q"), (Counts{1, 3, 0, 0, 0}));
  auto token = [&](const Job& j) {
    for (const auto& g : batch->grants) {
      if (g.job.id == j.id) return g.job.lease_token;
    }
    return std::string();
  };
  ASSERT_TRUE(IsOk(complete(j1.id, token(j1))));
  EXPECT_EQ(counts("q"), (Counts{1, 2, 1, 0, 0}));
  ASSERT_TRUE(IsOk(fail(j2.id, token(j2), Problem{"urn:test:x", "X", 500, ""}, false)));
  EXPECT_EQ(counts("q"), (Counts{1, 1, 1, 1, 0}));
  ASSERT_TRUE(IsOk(fail(j3.id, token(j3), Problem{"urn:test:x", "X", 500, ""}, true)));
  EXPECT_EQ(counts("q"), (Counts{2, 0, 1, 1, 0}));
  ASSERT_TRUE(IsOk(cancel(j4.id)));
  EXPECT_EQ(counts("q"), (Counts{1, 0, 1, 1, 1}));

  clock_.advance(retry_.cap);
  LeaseGrant again = lease_one("q");
  EXPECT_EQ(counts("q"), (Counts{0, 1, 1, 1, 1}));
  clock_.advance(kLeaseTtl);
  ASSERT_EQ(expire_leases()->size(), 1u);  // second attempt of two: failed
  EXPECT_EQ(counts("q"), (Counts{0, 0, 1, 2, 1}));

  clock_.advance(1h);
  EXPECT_EQ(purge().value(), 4);
  EXPECT_EQ(counts("q"), (Counts{0, 0, 0, 0, 0}));
  auto stats = queue_stats();
  ASSERT_TRUE(IsOk(stats));
  ASSERT_EQ(stats->size(), 1u);  // a queue with no jobs left is not listed
  EXPECT_EQ((*stats)[0].queue, "other");
}

TEST_P(JobStoreContract, QueueStatsAreSortedByName) {
  for (const char* q : {"zeta", "alpha", "mid"}) submit(q);
  auto stats = queue_stats();
  ASSERT_TRUE(IsOk(stats));
  std::vector<std::string> names;
  for (const auto& s : *stats) names.push_back(s.queue);
  EXPECT_EQ(names, (std::vector<std::string>{"alpha", "mid", "zeta"}));
}

TEST_P(JobStoreContract, QueueStatsReportTheOldestDueQueuedJob) {
  NewJob delayed = new_job("q");
  delayed.spec.run_at = now() + 1h;
  submit(delayed);  // the oldest, but not due
  clock_.advance(10s);
  const TimePoint first_due = now();
  submit("q");
  clock_.advance(10s);
  submit("q");
  EXPECT_EQ(stats_of("q").oldest_queued_created_at, first_due);

  lease_one("q");
  lease_one("q");
  EXPECT_FALSE(stats_of("q").oldest_queued_created_at);
}

TEST_P(JobStoreContract, QueueStatsCountJobsFinishedInTheLastMinute) {
  for (int i = 0; i < 3; ++i) submit("q");
  auto batch = lease("q", 3, 10min);
  ASSERT_EQ(batch->grants.size(), 3u);
  ASSERT_TRUE(IsOk(complete(batch->grants[0].job.id, batch->grants[0].job.lease_token)));
  ASSERT_TRUE(IsOk(fail(batch->grants[1].job.id, batch->grants[1].job.lease_token, Problem{}, false)));
  EXPECT_EQ(stats_of("q").finished_last_minute, 2);
  clock_.advance(30s);
  ASSERT_TRUE(IsOk(complete(batch->grants[2].job.id, batch->grants[2].job.lease_token)));
  EXPECT_EQ(stats_of("q").finished_last_minute, 3);
  clock_.advance(45s);
  EXPECT_EQ(stats_of("q").finished_last_minute, 1);
  clock_.advance(2min);
  EXPECT_EQ(stats_of("q").finished_last_minute, 0);
}

}  // namespace
}  // namespace replyd::store::contract
