// A database outage under load (issue 5): PostgreSQL is stopped while three nodes take submits and
// run workers, then started again on the same port and data. Meanwhile every write answers 503 with
// Retry-After (never 202 without a commit), /readyz says not ready, reads that need the database fail
// as problems, and the process stays alive; afterwards the nodes reconnect by themselves and every
// acknowledged job completes. The fixture has its own PostgreSQL server: stopping the shared one
// would disturb the other tests.
#include "tests/blackbox/multinode_test.h"
#include "tests/support/job_load.h"

#include <algorithm>

namespace replyd::blackbox {
namespace {

class MultinodeOutageTest : public MultinodeTest {
 protected:
  std::vector<std::string> extra_options() const override { return {"--lease-ttl", "2"}; }
  PostgresServer& database_server() override {
    if (!own_) own_ = std::make_unique<PostgresServer>();
    return *own_;
  }

  std::unique_ptr<PostgresServer> own_;
};

::testing::AssertionResult HasRetryAfter(const HttpResponse& response) {
  std::string value = response.header("Retry-After").value_or("");
  if (value.empty() || !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      std::stoll(value) < 1) {
    return ::testing::AssertionFailure() << "no integer Retry-After >= 1: " << response.describe();
  }
  return ::testing::AssertionSuccess();
}

TEST_F(MultinodeOutageTest, WritesAreRefusedWhileTheDatabaseIsAwayAndEveryAcknowledgedJobCompletes) {
  std::string before = submit_job(client(0), "quiet", "before the outage");
  LoadOptions options;
  options.submitters = 3;
  options.jobs_per_submitter = 30;
  options.workers = 3;
  JobLoad load(node_urls(), options);
  ASSERT_TRUE(load.wait_acknowledged(15, 60s)) << "the load did not get going";

  database_server().stop();
  std::size_t total = std::size_t(options.submitters * options.jobs_per_submitter);
  EXPECT_LT(load.acknowledged().size(), total) << "the load was over before the database stopped";
  for (int n = 0; n < kNodes; ++n) {
    SCOPED_TRACE("node " + std::to_string(n));
    auto refused = client(n).post(submit_path("quiet"), "during the outage", {{"Content-Type", "text/plain"}});
    EXPECT_TRUE(IsProblem(refused, 503));
    EXPECT_TRUE(HasRetryAfter(refused));
    EXPECT_TRUE(IsProblem(client(n).get("/readyz"), 503));
    EXPECT_TRUE(IsProblem(client(n).get(job_path(before)), 503));
    EXPECT_TRUE(IsProblem(client(n).get("/v1/jobs?queue=quiet"), 503));
    EXPECT_TRUE(IsProblem(client(n).post(lease_path("quiet")), 503));
    EXPECT_EQ(client(n).get("/healthz").status, 200);
  }

  database_server().start();
  for (int n = 0; n < kNodes; ++n) ASSERT_TRUE(wait_ready(client(n))) << "node " << n << " did not reconnect";
  load.resume();
  ASSERT_TRUE(load.wait_submitters_done(120s));

  std::map<std::string, std::string> acknowledged = load.acknowledged();
  EXPECT_EQ(acknowledged.size(), total);
  EXPECT_GT(load.refusals(), 0u) << "no request of the load met the outage";
  for (const auto& [id, payload] : acknowledged) {
    json::object doc = wait_finished(client(id.back() % kNodes), id);
    ASSERT_EQ(text(doc, "status"), "succeeded") << doc;
    auto result = client(0).get(job_path(id) + "/result");
    ASSERT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(result.body, payload);
  }
  load.stop();
  EXPECT_EQ(load.unexpected(), std::vector<std::string>{});

  // Nothing refused was stored: the queue holds only the job from before, and it is intact.
  auto list = client(1).get("/v1/jobs?queue=quiet");
  ASSERT_EQ(list.status, 200) << list.describe();
  ASSERT_EQ(list.json().at("jobs").as_array().size(), 1u) << list.body;
  EXPECT_EQ(text(list.json().at("jobs").as_array()[0], "id"), before);
  EXPECT_EQ(lease_job(client(2), "quiet").response.body, "before the outage");
}

}  // namespace
}  // namespace replyd::blackbox
