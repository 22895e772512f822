#include "client/job_context.h"

#include <gtest/gtest.h>

#include <thread>

namespace replyd::client {
namespace {

using namespace std::chrono_literals;

TEST(JobContext, ProgressIsTakenOnceAndTheLatestWins) {
  int notified = 0;
  JobContext ctx("job", "token", from_micros(0), [&] { ++notified; });
  EXPECT_FALSE(ctx.take_progress());
  ctx.progress(1, 10, "one");
  ctx.progress(2, 10, "two");
  EXPECT_EQ(notified, 2);
  auto p = ctx.take_progress();
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, (Progress{2, 10, "two"}));
  EXPECT_FALSE(ctx.take_progress());
  ctx.restore_progress(*p);
  ctx.progress(3, 10, "three");
  ctx.restore_progress(*p);  // newer progress came: not replaced
  EXPECT_EQ(ctx.take_progress()->message, "three");
}

TEST(JobContext, FirstStopReasonWinsButCancelIsAlwaysRecorded) {
  JobContext ctx("job", "token", from_micros(0), {});
  EXPECT_FALSE(ctx.stop_requested());
  ctx.request_stop(StopReason::shutdown);
  ctx.request_stop(StopReason::cancel_requested);
  EXPECT_EQ(ctx.stop_reason(), StopReason::shutdown);
  EXPECT_TRUE(ctx.cancel_requested());
}

TEST(JobContext, WaitForStopWakesOnAStopFromAnotherThread) {
  JobContext ctx("job", "token", from_micros(0), {});
  EXPECT_FALSE(ctx.wait_for_stop(0ms));
  std::thread stopper([&] { ctx.request_stop(StopReason::cancel_requested); });
  // An hour: only the stop can end this wait.
  EXPECT_TRUE(ctx.wait_for_stop(std::chrono::hours(1)));
  stopper.join();
  EXPECT_TRUE(ctx.cancel_requested());
}

TEST(JobContext, StopCallbackFiresOnceWhenTheStopComes) {
  JobContext ctx("job", "token", from_micros(0), {});
  int calls = 0;
  ctx.on_stop([&] { ++calls; });
  EXPECT_EQ(calls, 0);
  ctx.request_stop(StopReason::lease_lost);
  ctx.request_stop(StopReason::cancel_requested);
  EXPECT_EQ(calls, 1);
}

TEST(JobContext, StopCallbackSetAfterTheStopFiresAtOnce) {
  JobContext ctx("job", "token", from_micros(0), {});
  ctx.request_stop(StopReason::shutdown);
  bool called = false;
  ctx.on_stop([&] { called = true; });
  EXPECT_TRUE(called);
}

TEST(JobContext, RemovedCallbackNeverFires) {
  JobContext ctx("job", "token", from_micros(0), {});
  bool called = false;
  ctx.on_stop([&] { called = true; });
  ctx.on_stop(nullptr);
  ctx.request_stop(StopReason::shutdown);
  EXPECT_FALSE(called);
}

TEST(JobContext, LeaseExpiryIsUpdated) {
  JobContext ctx("job", "token", from_micros(5), {});
  EXPECT_EQ(ctx.lease_expires_at(), from_micros(5));
  ctx.set_lease_expires_at(from_micros(9));
  EXPECT_EQ(ctx.lease_expires_at(), from_micros(9));
  EXPECT_EQ(ctx.job_id(), "job");
  EXPECT_EQ(ctx.lease_token(), "token");
}

}  // namespace
}  // namespace replyd::client
