// Lease expiry (DESIGN.md section 4, At-least-once execution): a worker that stops heartbeating loses
// its lease, the job is retried as the next attempt, and the old lease token is refused. The server
// runs with --lease-ttl 1 and a fast reaper; tests wait for the expiry with long-polls.
#include "tests/blackbox/blackbox_test.h"

namespace replyd::blackbox {
namespace {

class LeaseExpiryTest : public BlackboxTest {
 protected:
  std::vector<std::string> extra_options() const override { return {"--lease-ttl", "1"}; }
};

TEST_F(LeaseExpiryTest, ExpiredLeaseIsLeasedAgainAsAttempt2AndTheOldTokenIsRefused) {
  auto id = submit_job(client(), "q", "payload");
  auto first = lease_job(client(), "q");
  ASSERT_EQ(first.attempt, "1");

  auto second = lease_job(client(), "q", 20);
  EXPECT_EQ(second.id, id);
  EXPECT_EQ(second.attempt, "2");
  EXPECT_EQ(second.response.body, "payload");
  EXPECT_NE(second.token, first.token);

  EXPECT_TRUE(IsProblem(complete_job(client(), first, "stale"), 409));
  EXPECT_TRUE(IsProblem(heartbeat(client(), first), 409));
  ASSERT_EQ(complete_job(client(), second, "fresh").status, 200);
  EXPECT_EQ(client().get(job_path(id) + "/result").body, "fresh");
}

TEST_F(LeaseExpiryTest, ExpiryOfTheLastAttemptFailsTheJob) {
  auto id = submit_job(client(), "q", "x", "text/plain", "max_attempts=1");
  auto job = lease_job(client(), "q");
  auto response = client().get(job_path(id), {{"Prefer", "wait=20"}}, 30s);
  ASSERT_EQ(response.status, 200) << response.describe();
  json::object doc = response.json().as_object();
  EXPECT_EQ(text(doc, "status"), "failed");
  EXPECT_TRUE(doc.at("error").at("type").is_string()) << doc;
  EXPECT_TRUE(IsProblem(complete_job(client(), job), 409));
}

TEST_F(LeaseExpiryTest, CancelRequestedJobWhoseLeaseExpiresIsCancelled) {
  auto id = submit_job(client(), "q");
  lease_job(client(), "q");
  ASSERT_EQ(client().del(job_path(id)).status, 202);
  auto response = client().get(job_path(id), {{"Prefer", "wait=20"}}, 30s);
  ASSERT_EQ(response.status, 200) << response.describe();
  EXPECT_EQ(text(response.json(), "status"), "cancelled");
  EXPECT_FALSE(try_lease(client(), "q")) << "a cancelled job was leased again";
}

}  // namespace
}  // namespace replyd::blackbox
