// ProgressBoard with explicit time points: when a heartbeat may be kept in memory, what readers see,
// and the event ids.
#include "engine/progress_board.h"

#include <gtest/gtest.h>

namespace replyd::engine {
namespace {

using namespace std::chrono_literals;

class ProgressBoardTest : public ::testing::Test {
 protected:
  ProgressBoardTest() {
    job_.id = JobId::random();
    job_.queue = "q";
    job_.state = JobState::running;
    job_.version = 5;
    job_.lease_token = "token";
    job_.lease_expires_at = t0_ + 30s;
  }

  ProgressBoard board_{ProgressBoardOptions{1s, 30s}};
  TimePoint t0_ = from_micros(1'767'225'600'000'000);
  Job job_;
};

TEST_F(ProgressBoardTest, NothingIsKeptForAJobWhoseStoredStateIsUnknown) {
  EXPECT_FALSE(board_.coalesce(job_.id, "token", Progress{1, 10, ""}, t0_));
}

TEST_F(ProgressBoardTest, KeepsUpdatesWithinTheIntervalAfterAWrite) {
  board_.persisted(job_, "token", t0_);
  auto first = board_.coalesce(job_.id, "token", Progress{1, 10, "one"}, t0_ + 100ms);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->view.job.progress->current, 1);
  EXPECT_EQ(first->view.event_id, 5 * kEventIdsPerVersion + 1);
  ASSERT_TRUE(first->flush_at);
  EXPECT_EQ(*first->flush_at, t0_ + 1s);
  auto second = board_.coalesce(job_.id, "token", Progress{2, 10, "two"}, t0_ + 200ms);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->view.event_id, 5 * kEventIdsPerVersion + 2);
  EXPECT_FALSE(second->flush_at) << "one flush per run of kept updates";
}

TEST_F(ProgressBoardTest, PersistsOncePerInterval) {
  board_.persisted(job_, "token", t0_);
  EXPECT_TRUE(board_.coalesce(job_.id, "token", Progress{1, 10, ""}, t0_ + 999ms));
  EXPECT_FALSE(board_.coalesce(job_.id, "token", Progress{2, 10, ""}, t0_ + 1s));
}

TEST_F(ProgressBoardTest, PersistsWhenTheStoredLeaseNeedsExtending) {
  job_.lease_expires_at = t0_ + 14s;  // less than half of the 30 s TTL left
  board_.persisted(job_, "token", t0_);
  EXPECT_FALSE(board_.coalesce(job_.id, "token", Progress{1, 10, ""}, t0_ + 100ms));
}

TEST_F(ProgressBoardTest, PersistsForAnotherLeaseOrACancelRequest) {
  board_.persisted(job_, "token", t0_);
  EXPECT_FALSE(board_.coalesce(job_.id, "other", Progress{1, 10, ""}, t0_ + 100ms));
  job_.cancel_requested = true;
  board_.persisted(job_, "token", t0_);
  EXPECT_FALSE(board_.coalesce(job_.id, "token", Progress{1, 10, ""}, t0_ + 100ms));
}

TEST_F(ProgressBoardTest, ReadersSeeTheKeptProgressOnTheStoredVersionOnly) {
  board_.persisted(job_, "token", t0_);
  ASSERT_TRUE(board_.coalesce(job_.id, "token", Progress{7, 10, "seven"}, t0_ + 100ms));
  Job stored = job_;
  JobView view = board_.view(stored);
  ASSERT_TRUE(view.job.progress);
  EXPECT_EQ(view.job.progress->current, 7);
  EXPECT_EQ(view.event_id, 5 * kEventIdsPerVersion + 1);

  stored.version = 6;  // a newer stored state (another node wrote) wins over the kept progress
  stored.progress.reset();
  JobView newer = board_.view(stored);
  EXPECT_FALSE(newer.job.progress);
  EXPECT_EQ(newer.event_id, 6 * kEventIdsPerVersion);
  EXPECT_GT(newer.event_id, view.event_id);
}

TEST_F(ProgressBoardTest, ANewerChangeForgetsTheJob) {
  board_.persisted(job_, "token", t0_);
  board_.on_change(store::JobChange{job_.id, "q", JobState::running, 5, false, true});
  EXPECT_EQ(board_.size(), 1u) << "the change this board already holds";
  board_.on_change(store::JobChange{job_.id, "q", JobState::succeeded, 6, false, false});
  EXPECT_EQ(board_.size(), 0u);
  EXPECT_FALSE(board_.coalesce(job_.id, "token", Progress{1, 10, ""}, t0_ + 100ms));
}

TEST_F(ProgressBoardTest, TakePendingHandsOverTheLastKeptValueOnce) {
  board_.persisted(job_, "token", t0_);
  EXPECT_FALSE(board_.take_pending(job_.id, "token")) << "nothing kept yet";
  ASSERT_TRUE(board_.coalesce(job_.id, "token", Progress{1, 10, ""}, t0_ + 100ms));
  ASSERT_TRUE(board_.coalesce(job_.id, "token", Progress{2, 10, "last"}, t0_ + 200ms));
  EXPECT_FALSE(board_.take_pending(job_.id, "other"));
  auto pending = board_.take_pending(job_.id, "token");
  ASSERT_TRUE(pending);
  EXPECT_EQ(pending->progress.current, 2);
  EXPECT_EQ(pending->progress.message, "last");
  EXPECT_EQ(pending->reported_at, t0_ + 200ms);
  EXPECT_FALSE(board_.take_pending(job_.id, "token"));
}

TEST_F(ProgressBoardTest, AnOlderWriteAnsweredLateDoesNotReplaceANewerOne) {
  Job newer = job_;
  newer.version = 7;
  board_.persisted(newer, "token", t0_);
  board_.persisted(job_, "token", t0_);
  EXPECT_EQ(board_.view(newer).event_id, 7 * kEventIdsPerVersion);
  auto kept = board_.coalesce(job_.id, "token", Progress{1, 10, ""}, t0_ + 100ms);
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->view.job.version, 7);
}

TEST_F(ProgressBoardTest, ProgressReportedWhileAWriteWasInFlightStaysPending) {
  board_.persisted(job_, "token", t0_);
  ASSERT_TRUE(board_.coalesce(job_.id, "token", Progress{2, 10, ""}, t0_ + 100ms));
  ASSERT_TRUE(board_.take_pending(job_.id, "token"));  // a flush starts writing 2 at t0 + 100 ms
  ASSERT_TRUE(board_.coalesce(job_.id, "token", Progress{3, 10, ""}, t0_ + 200ms));
  Job written = job_;
  written.version = 6;
  written.progress = Progress{2, 10, ""};
  board_.persisted(written, "token", t0_ + 100ms);  // the flush's write of 2 is answered
  JobView view = board_.view(written);
  EXPECT_EQ(view.job.progress->current, 3) << "the newer value was lost";
  EXPECT_EQ(view.event_id, 6 * kEventIdsPerVersion + 1);
  auto pending = board_.take_pending(job_.id, "token");
  ASSERT_TRUE(pending);
  EXPECT_EQ(pending->progress.current, 3);
}

TEST_F(ProgressBoardTest, ATerminalJobIsNotRemembered) {
  job_.state = JobState::succeeded;
  board_.persisted(job_, "token", t0_);
  EXPECT_EQ(board_.size(), 0u);
}

TEST_F(ProgressBoardTest, StaysWithinTheEventIdsOfOneVersion) {
  board_.persisted(job_, "token", t0_);
  int kept = 0;
  while (board_.coalesce(job_.id, "token", Progress{kept, 0, ""}, t0_ + 1ms)) ++kept;
  EXPECT_EQ(kept, kEventIdsPerVersion - 1);
  EXPECT_LT(board_.view(job_).event_id, 6 * kEventIdsPerVersion);
}

}  // namespace
}  // namespace replyd::engine
