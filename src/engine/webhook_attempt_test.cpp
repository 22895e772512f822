// The retry schedule of a delivery, on plain values with a fake clock's time points.
#include "engine/webhook_attempt.h"

#include <gtest/gtest.h>

namespace replyd::engine {
namespace {

using namespace std::chrono_literals;

class WebhookAttemptTest : public ::testing::Test {
 protected:
  WebhookAttemptTest() {
    options_.retry_base = 10s;
    options_.retry_cap = 100s;
    options_.retry_window = 1h;
    delivery_.created_at = clock_.now();
    delivery_.claim_token = "token";
    delivery_.status.state = DeliveryState::delivering;
  }
  store::DeliveryReport decide(int status, double unit = 0.5, std::string error = {}, bool refused = false) {
    return decide_attempt(delivery_, AttemptOutcome{status, std::move(error), refused}, clock_.now(), options_, unit);
  }

  FakeClock clock_;
  WebhookOptions options_;
  store::WebhookDelivery delivery_;
};

TEST_F(WebhookAttemptTest, TwoHundredsAreDelivered) {
  for (int status : {200, 202, 204, 299}) {
    auto r = decide(status);
    EXPECT_EQ(r.state, DeliveryState::delivered) << status;
    EXPECT_EQ(r.claim_token, "token");
    EXPECT_TRUE(r.error.empty());
  }
}

TEST_F(WebhookAttemptTest, GoneDisables) {
  auto r = decide(410);
  EXPECT_EQ(r.state, DeliveryState::disabled);
  EXPECT_NE(r.error.find("410"), std::string::npos);
}

TEST_F(WebhookAttemptTest, RedirectsAndErrorsAreRetried) {
  for (int status : {301, 302, 307, 400, 404, 429, 500, 503}) {
    auto r = decide(status);
    EXPECT_EQ(r.state, DeliveryState::pending) << status;
    EXPECT_NE(r.error.find(std::to_string(status)), std::string::npos) << r.error;
  }
  EXPECT_NE(decide(302).error.find("redirects are not followed"), std::string::npos);
  auto r = decide(0, 0.5, "connect: Connection refused");
  EXPECT_EQ(r.state, DeliveryState::pending);
  EXPECT_EQ(r.error, "connect: Connection refused");
}

TEST_F(WebhookAttemptTest, RefusedTargetsFailAtOnce) {
  auto r = decide(0, 0.5, "localhost resolves to 127.0.0.1, a loopback address: refused", true);
  EXPECT_EQ(r.state, DeliveryState::failed);
  EXPECT_NE(r.error.find("loopback"), std::string::npos);
}

TEST_F(WebhookAttemptTest, BackoffIsExponentialWithFullJitterAndCapped) {
  // Ceiling after n attempts: 10 s * 2^(n-1), capped at 100 s; the jitter picks a point below it.
  const Duration ceilings[] = {10s, 20s, 40s, 80s, 100s, 100s};
  for (int n = 0; n < 6; ++n) {
    delivery_.status.attempts = n;
    auto top = decide(500, 0.999999);
    auto bottom = decide(500, 0.0);
    auto middle = decide(500, 0.5);
    ASSERT_EQ(top.state, DeliveryState::pending);
    EXPECT_LE(*top.next_attempt_at - clock_.now(), ceilings[n]) << n;
    EXPECT_GT(*top.next_attempt_at - clock_.now(), ceilings[n] - 1s) << n;
    EXPECT_EQ(*bottom.next_attempt_at, clock_.now()) << n;
    EXPECT_EQ(*middle.next_attempt_at - clock_.now(), ceilings[n] / 2) << n;
  }
}

TEST_F(WebhookAttemptTest, GivesUpWhenTheNextAttemptFallsAfterTheWindow) {
  delivery_.status.attempts = 10;
  clock_.advance(1h - 60s);  // the next attempt (50 s away at unit 0.5) is still inside the window
  EXPECT_EQ(decide(500).state, DeliveryState::pending);
  clock_.advance(20s);  // now it would land after the window's end
  auto r = decide(500);
  EXPECT_EQ(r.state, DeliveryState::failed);
  EXPECT_NE(r.error.find("gave up after 11 attempts"), std::string::npos) << r.error;
  EXPECT_NE(r.error.find("HTTP 500"), std::string::npos) << r.error;
}

}  // namespace
}  // namespace replyd::engine
