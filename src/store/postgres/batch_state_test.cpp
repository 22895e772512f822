#include "store/postgres/batch_state.h"

#include "core/lifecycle.h"

#include <gtest/gtest.h>

namespace replyd::store::postgres {
namespace {

const TimePoint kNow = from_micros(1'767'225'600'000'000);
constexpr Duration kTtl = std::chrono::seconds(30);

Job queued_job(std::string queue = "q") {
  JobSpec spec;
  spec.queue = std::move(queue);
  Job job = lifecycle::create(spec, JobId::random(), "text/plain", 5, kNow);
  job.seq = 1;
  return job;
}

LeaseOp lease_op(int max_jobs) { return LeaseOp{LeaseRequest{"q", max_jobs, kNow, kTtl}, nullptr, {}}; }

TEST(BatchState, LeasesOfOneQueueShareTheCandidatesWithoutOverlap) {
  BatchState state;
  Job a = queued_job(), b = queued_job();
  state.load(a);
  state.load(b);
  std::vector<JobId> candidates = {a.id, b.id};
  LeaseOp first = lease_op(1), second = lease_op(1), third = lease_op(1);
  state.apply(0, first, candidates);
  state.apply(1, second, candidates);
  state.apply(2, third, candidates);
  ASSERT_EQ((*first.outcome)->grants.size(), 1u);
  ASSERT_EQ((*second.outcome)->grants.size(), 1u);
  EXPECT_EQ((*first.outcome)->grants[0].job.id, a.id);
  EXPECT_EQ((*second.outcome)->grants[0].job.id, b.id);
  EXPECT_TRUE((*third.outcome)->grants.empty());
  EXPECT_NE((*first.outcome)->grants[0].job.lease_token, (*second.outcome)->grants[0].job.lease_token);
}

TEST(BatchState, OpsApplyInOrderToTheSameRow) {
  BatchState state;
  Job a = queued_job();
  state.load(a);
  CancelOp cancel{CancelRequest{a.id, kNow}, nullptr, {}};
  LeaseOp lease = lease_op(1);
  state.apply(0, cancel);
  std::vector<JobId> candidates = {a.id};
  state.apply(1, lease, candidates);
  EXPECT_EQ((*cancel.outcome)->job.state, JobState::cancelled);
  EXPECT_TRUE((*lease.outcome)->grants.empty());

  BatchState other;
  Job b = queued_job();
  other.load(b);
  LeaseOp lease_first = lease_op(1);
  CancelOp cancel_after{CancelRequest{b.id, kNow}, nullptr, {}};
  std::vector<JobId> b_candidates = {b.id};
  other.apply(0, lease_first, b_candidates);
  other.apply(1, cancel_after);
  EXPECT_TRUE((*cancel_after.outcome)->requested_only);
  auto changes = other.changes();
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].version, 2);
  EXPECT_EQ(changes[1].version, 3);
  EXPECT_EQ(other.find(b.id)->ops, (std::vector<std::size_t>{0, 1}));
}

TEST(BatchState, UnknownJobsAreNotFoundAndLogicalErrorsChangeNothing) {
  BatchState state;
  HeartbeatOp unknown{HeartbeatRequest{JobId::random(), "token", kNow, kTtl, {}}, nullptr, {}};
  state.apply(0, unknown);
  ASSERT_FALSE(*unknown.outcome);
  EXPECT_EQ(unknown.outcome->error().code(), Errc::not_found);

  Job a = queued_job();
  state.load(a);
  CompleteOp wrong_token{CompleteRequest{a.id, "nope", kNow, Blob{"text/plain", "x"}}, nullptr, {}};
  state.apply(1, wrong_token);
  EXPECT_EQ(wrong_token.outcome->error().code(), Errc::lease_lost);
  EXPECT_FALSE(state.find(a.id)->dirty);
  EXPECT_TRUE(state.changes().empty());
  EXPECT_TRUE(state.state_deltas().empty());
}

TEST(BatchState, CountsFollowInsertsStateChangesAndPurges) {
  BatchState state;
  Job inserted = queued_job("q");
  state.inserted(inserted);
  Job loaded = queued_job("q");
  state.load(loaded);
  LeaseOp lease = lease_op(1);
  std::vector<JobId> candidates = {loaded.id};
  state.apply(0, lease, candidates);
  const std::string token = (*lease.outcome)->grants[0].job.lease_token;
  CompleteOp complete{
      CompleteRequest{loaded.id, token, kNow + std::chrono::seconds(2), Blob{"text/plain", "r"}},
      nullptr,
      {}};
  state.apply(1, complete);
  state.purged("old", JobState::failed);

  auto deltas = state.state_deltas();
  // q: +1 queued (the insert) and -1 queued +1 succeeded (the loaded job): queued nets to zero.
  EXPECT_EQ(deltas.size(), 2u);
  EXPECT_EQ((deltas[{"q", static_cast<int>(JobState::succeeded)}]), 1);
  EXPECT_EQ((deltas[{"old", static_cast<int>(JobState::failed)}]), -1);
  EXPECT_EQ(deltas.count({"q", static_cast<int>(JobState::queued)}), 0u);
  auto finished = state.finished_deltas();
  ASSERT_EQ(finished.size(), 1u);
  EXPECT_EQ(finished.begin()->second, 1);
  auto changes = state.changes();
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_TRUE(changes[0].created);
  EXPECT_EQ(changes[2].state, JobState::succeeded);
}

}  // namespace
}  // namespace replyd::store::postgres
