// A node crash (issue 5): one of three nodes is killed with SIGKILL while client threads submit and
// workers lease and complete on every node. Nothing acknowledged is lost (every 202'd job completes,
// as the surviving nodes report), and the jobs leased through the dead node are retried by the others
// once their lease has expired, as a later attempt.
#include "tests/blackbox/multinode_test.h"
#include "tests/support/job_load.h"

#include <csignal>
#include <map>

namespace replyd::blackbox {
namespace {

class MultinodeCrashTest : public MultinodeTest {
 protected:
  std::vector<std::string> extra_options() const override { return {"--lease-ttl", "2"}; }
};

TEST_F(MultinodeCrashTest, KilledNodeLosesNoAcknowledgedJobAndItsLeasesAreRetriedByTheOthers) {
  constexpr int kVictim = 0;
  constexpr int kHeld = 4;
  LoadOptions options;
  options.submitters = 3;
  options.jobs_per_submitter = 30;
  options.workers = 3;

  // Jobs leased through the victim by a worker that never finishes them: their leases die with it.
  std::map<std::string, std::string> held;
  for (int i = 0; i < kHeld; ++i) {
    std::string payload = "held " + std::to_string(i);
    held.emplace(submit_job(client(1), options.queue, payload), payload);
  }
  for (int i = 0; i < kHeld; ++i) {
    LeasedJob job = lease_job(client(kVictim), options.queue);
    ASSERT_TRUE(held.count(job.id)) << "leased an unknown job " << job.id;
    EXPECT_EQ(job.attempt, "1");
  }

  JobLoad load(node_urls(), options);
  ASSERT_TRUE(load.wait_acknowledged(20, 60s)) << "the load did not get going";
  load.mark_down(kVictim);
  node(kVictim).kill(SIGKILL);
  std::size_t total = std::size_t(options.submitters * options.jobs_per_submitter);
  EXPECT_LT(load.acknowledged().size(), total) << "the load was over before the node died";
  EXPECT_EQ(node(kVictim).wait_exit(), 128 + SIGKILL);
  ASSERT_TRUE(load.wait_submitters_done(120s));

  // A submit cut by the kill is sent again to another node: every job is acknowledged once.
  std::map<std::string, std::string> acknowledged = load.acknowledged();
  EXPECT_EQ(acknowledged.size(), total);
  for (const auto& [id, payload] : acknowledged) {
    json::object doc = wait_finished(client(1 + id.back() % 2), id);
    ASSERT_EQ(text(doc, "status"), "succeeded") << doc;
    EXPECT_GE(doc.at("attempt").as_int64(), 1);
    auto result = client(2).get(job_path(id) + "/result");
    ASSERT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(result.body, payload);
  }
  for (const auto& [id, payload] : held) {
    json::object doc = wait_finished(client(2), id);
    ASSERT_EQ(text(doc, "status"), "succeeded") << doc;
    EXPECT_GE(doc.at("attempt").as_int64(), 2) << "not retried after the lease expired: " << doc;
    EXPECT_EQ(client(1).get(job_path(id) + "/result").body, payload);
  }
  load.stop();
  EXPECT_EQ(load.unexpected(), std::vector<std::string>{});
  EXPECT_EQ(load.refusals(), 0u);
  EXPECT_GE(metric_sum("replyd_leases_expired_total", {1, 2}), double(kHeld));

  // The node comes back on the same database and sees the same jobs.
  start_node(kVictim);
  auto status = client(kVictim).get(job_path(held.begin()->first));
  EXPECT_EQ(status.status, 303) << status.describe();
}

}  // namespace
}  // namespace replyd::blackbox
