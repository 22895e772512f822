// Cluster duties with three nodes (issue 5): every node runs the lease reaper and the retention pass
// on the shared database, yet each item is handled once. An expired lease is re-queued once (the
// expiries the nodes count add up to the extra attempts the jobs show), and an expired finished job is
// deleted once (the deletions the nodes count add up to the jobs).
#include "tests/blackbox/multinode_test.h"

#include <set>

namespace replyd::blackbox {
namespace {

class MultinodeDutiesTest : public MultinodeTest {
 protected:
  std::vector<std::string> extra_options() const override {
    return {"--lease-ttl", "1", "--retention-interval", "0.05"};
  }
};

TEST_F(MultinodeDutiesTest, ExpiredLeaseIsRequeuedOnceWhileEveryNodeReaps) {
  constexpr int kJobs = 10;
  std::set<std::string> ids;
  for (int i = 0; i < kJobs; ++i) ids.insert(submit_job(client(i % kNodes), "reap", "job " + std::to_string(i)));
  for (int i = 0; i < kJobs; ++i) {
    LeasedJob abandoned = lease_job(client(0), "reap");
    EXPECT_EQ(abandoned.attempt, "1");
  }

  // Each job comes back after its lease expired and is completed at once through another node.
  std::set<std::string> done;
  while (done.size() < ids.size()) {
    LeasedJob again = lease_job(client(1 + done.size() % 2), "reap", 20);
    ASSERT_TRUE(ids.count(again.id)) << again.id;
    EXPECT_GE(std::stoi(again.attempt), 2);
    auto completed = complete_job(client(1), again, again.response.body);
    if (completed.status == 200) done.insert(again.id);
  }

  std::int64_t extra_attempts = 0;
  for (const std::string& id : ids) {
    json::object doc = wait_finished(client(2), id);
    ASSERT_EQ(text(doc, "status"), "succeeded") << doc;
    extra_attempts += doc.at("attempt").as_int64() - 1;
  }
  EXPECT_GE(extra_attempts, kJobs);
  EXPECT_EQ(metric_sum("replyd_leases_expired_total", {0, 1, 2}), double(extra_attempts))
      << "a lease expiry was counted by more than one node, or missed";
}

TEST_F(MultinodeDutiesTest, ExpiredFinishedJobIsDeletedOnceWhileEveryNodeRunsRetention) {
  constexpr int kJobs = 6;
  std::vector<std::string> ids;
  for (int i = 0; i < kJobs; ++i) {
    ids.push_back(submit_job(client(i % kNodes), "retain", "x", "text/plain", "ttl=1"));
    LeasedJob job = lease_job(client((i + 1) % kNodes), "retain");
    ASSERT_EQ(complete_job(client((i + 2) % kNodes), job).status, 200);
  }
  // Waits for the deletions through the nodes' counters (the only event retention gives).
  auto deadline = std::chrono::steady_clock::now() + 30s;
  double purged = 0;
  while ((purged = metric_sum("replyd_jobs_purged_total", {0, 1, 2})) < kJobs) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "only " << purged << " jobs were deleted";
  }
  EXPECT_EQ(purged, double(kJobs)) << "a job was deleted by more than one node";
  for (const std::string& id : ids) {
    for (int n = 0; n < kNodes; ++n) EXPECT_TRUE(IsProblem(client(n).get(job_path(id)), 404));
  }
}

}  // namespace
}  // namespace replyd::blackbox
