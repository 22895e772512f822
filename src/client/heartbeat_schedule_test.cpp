#include "client/heartbeat_schedule.h"

#include <gtest/gtest.h>

namespace replyd::client {
namespace {

using namespace std::chrono_literals;

const TimePoint kT0 = from_micros(1'767'225'600'000'000);

TEST(LeaseRemaining, PrefersTheServersClock) {
  TimePoint expires = kT0 + 30s;
  EXPECT_EQ(lease_remaining(expires, std::nullopt, kT0), Duration(30s));
  // This machine's clock is 20 s ahead: the server's Date still gives the true remaining time.
  EXPECT_EQ(lease_remaining(expires, kT0, kT0 + 20s), Duration(30s));
  EXPECT_EQ(lease_remaining(expires, std::nullopt, kT0 + 40s), Duration::zero());
}

TEST(HeartbeatSchedule, BeatsAtAThirdOfTheLease) {
  HeartbeatSchedule s(kT0, 30s);
  EXPECT_EQ(s.due(), kT0 + 10s);
  EXPECT_EQ(s.lease_deadline(), kT0 + 30s);
  EXPECT_FALSE(s.expired(kT0 + 29s));
  EXPECT_TRUE(s.expired(kT0 + 30s));

  s.answered(kT0 + 10s, kT0 + 10s + 50ms, 30s);
  EXPECT_EQ(s.lease_deadline(), kT0 + 40s);  // counted from when the heartbeat was sent
  EXPECT_EQ(s.due(), kT0 + 20s);
}

TEST(HeartbeatSchedule, ProgressIsSentSoonButNotTooOften) {
  HeartbeatSchedule s(kT0, 30s, 250ms);
  s.progress_reported(kT0 + 1s);
  EXPECT_EQ(s.due(), kT0 + 1s);  // nothing sent yet: at once
  s.answered(kT0 + 1s, kT0 + 1s, 30s);
  s.progress_reported(kT0 + 1s + 10ms);
  EXPECT_EQ(s.due(), kT0 + 1s + 250ms);  // min spacing after the last heartbeat
  s.answered(kT0 + 1s + 250ms, kT0 + 1s + 260ms, 30s);
  s.progress_reported(kT0 + 5s);
  EXPECT_EQ(s.due(), kT0 + 5s);
}

TEST(HeartbeatSchedule, ProgressNeverDelaysADueHeartbeat) {
  HeartbeatSchedule s(kT0, 600ms, 250ms);
  EXPECT_EQ(s.due(), kT0 + 250ms);  // a third would be 200 ms: the minimum spacing wins
  s.answered(kT0 + 250ms, kT0 + 250ms, 600ms);
  s.progress_reported(kT0 + 260ms);
  EXPECT_EQ(s.due(), kT0 + 500ms);
}

TEST(HeartbeatSchedule, ALeaseCappedByTheAttemptDeadlineShrinks) {
  HeartbeatSchedule s(kT0, 30s);
  s.answered(kT0 + 10s, kT0 + 10s, 5s);  // the server could extend only to the deadline at +15 s
  EXPECT_EQ(s.lease_deadline(), kT0 + 15s);
  EXPECT_TRUE(s.expired(kT0 + 15s));
}

TEST(HeartbeatSchedule, RetriesSoonerAfterAFailure) {
  HeartbeatSchedule s(kT0, 30s);
  s.failed(kT0 + 10s, kT0 + 10s);
  EXPECT_EQ(s.due(), kT0 + 10s + HeartbeatSchedule::kMaxRetryDelay);  // (30-10)/4 = 5 s
  s.failed(kT0 + 28s, kT0 + 28s);
  EXPECT_EQ(s.due(), kT0 + 28s + 500ms);  // 2 s left: a quarter of it
  s.failed(kT0 + 30s, kT0 + 30s);
  EXPECT_EQ(s.due(), kT0 + 30s + HeartbeatSchedule::kDefaultMinSpacing);
}

}  // namespace
}  // namespace replyd::client
