#include "engine/reply_estimator.h"

#include <gtest/gtest.h>

namespace replyd::engine {
namespace {

using namespace std::chrono_literals;

Job job_in(std::string queue, TimePoint created) {
  Job j;
  j.queue = std::move(queue);
  j.created_at = created;
  j.run_at = created;
  return j;
}

TEST(ReplyEstimator, OneSecondWithoutHistory) {
  ReplyEstimator e;
  FakeClock clock;
  EXPECT_EQ(e.retry_after_seconds(job_in("q", clock.now()), clock.now()), 1);
}

TEST(ReplyEstimator, RemainingTurnaroundRoundedUp) {
  ReplyEstimator e;
  FakeClock clock;
  e.record("q", 10s);
  Job j = job_in("q", clock.now());
  EXPECT_EQ(e.retry_after_seconds(j, clock.now()), 10);
  clock.advance(7500ms);
  EXPECT_EQ(e.retry_after_seconds(j, clock.now()), 3);
  clock.advance(60s);
  EXPECT_EQ(e.retry_after_seconds(j, clock.now()), 1);  // overdue: ask again soon
  EXPECT_EQ(e.retry_after_seconds(job_in("other", clock.now()), clock.now()), 1);
}

TEST(ReplyEstimator, FollowsRecentHistory) {
  ReplyEstimator e;
  e.record("q", 100s);
  for (int i = 0; i < 100; ++i) e.record("q", 2s);
  ASSERT_TRUE(e.turnaround("q"));
  EXPECT_LT(*e.turnaround("q"), 3s);
}

TEST(ReplyEstimator, DelayedJobWaitsForItsRunAt) {
  ReplyEstimator e;
  FakeClock clock;
  Job j = job_in("q", clock.now());
  j.run_at = clock.now() + 90s;
  EXPECT_EQ(e.retry_after_seconds(j, clock.now()), 90);
  j.run_at = clock.now() + 24h;
  EXPECT_EQ(e.retry_after_seconds(j, clock.now()), ReplyEstimator::kMaxSeconds);
}

}  // namespace
}  // namespace replyd::engine
