// Cancel: DELETE /v1/jobs/{id} in every state (DESIGN.md section 3, Client API; section 4,
// Cancellation).
#include "tests/blackbox/blackbox_test.h"

namespace replyd::blackbox {
namespace {

using CancelTest = BlackboxTest;

TEST_F(CancelTest, QueuedJobBecomesCancelledWith200AndItsStatusDocument) {
  auto id = submit_job(client(), "q");
  auto response = client().del(job_path(id));
  ASSERT_EQ(response.status, 200) << response.describe();
  json::object doc = response.json().as_object();
  EXPECT_EQ(text(doc, "id"), id);
  EXPECT_EQ(text(doc, "status"), "cancelled");
  EXPECT_FALSE(try_lease(client(), "q")) << "a cancelled job was leased";
}

TEST_F(CancelTest, RunningJobIsAskedToStopWith202AndTheWorkerLearnsItAtItsHeartbeat) {
  auto id = submit_job(client(), "q");
  auto job = lease_job(client(), "q");
  auto response = client().del(job_path(id));
  ASSERT_EQ(response.status, 202) << response.describe();
  json::object doc = response.json().as_object();
  EXPECT_EQ(text(doc, "status"), "running");
  EXPECT_TRUE(doc.at("cancel_requested").as_bool()) << doc;

  auto beat = heartbeat(client(), job);
  ASSERT_EQ(beat.status, 200) << beat.describe();
  EXPECT_TRUE(beat.json().at("cancel_requested").as_bool()) << beat.describe();

  ASSERT_EQ(fail_job(client(), job, "stopped on request", true).status, 200);
  auto status = client().get(job_path(id));
  ASSERT_EQ(status.status, 200) << status.describe();
  EXPECT_EQ(text(status.json(), "status"), "cancelled");
  EXPECT_TRUE(status.json().as_object().contains("error")) << status.describe();
}

TEST_F(CancelTest, CancellingACancelledJobAgainIs200) {
  auto id = submit_job(client(), "q");
  ASSERT_EQ(client().del(job_path(id)).status, 200);
  auto again = client().del(job_path(id));
  ASSERT_EQ(again.status, 200) << again.describe();
  EXPECT_EQ(text(again.json(), "status"), "cancelled");
}

TEST_F(CancelTest, CancellingARunningJobTwiceStays202) {
  auto id = submit_job(client(), "q");
  lease_job(client(), "q");
  ASSERT_EQ(client().del(job_path(id)).status, 202);
  auto again = client().del(job_path(id));
  EXPECT_EQ(again.status, 202) << again.describe();
}

TEST_F(CancelTest, SucceededJobIs409) {
  auto id = submit_job(client(), "q");
  ASSERT_EQ(complete_job(client(), lease_job(client(), "q")).status, 200);
  EXPECT_TRUE(IsProblem(client().del(job_path(id)), 409));
  EXPECT_EQ(client().get(job_path(id)).status, 303) << "a refused cancel changed the job";
}

TEST_F(CancelTest, FailedJobIs409) {
  auto id = submit_job(client(), "q");
  ASSERT_EQ(fail_job(client(), lease_job(client(), "q"), "broken", false).status, 200);
  EXPECT_TRUE(IsProblem(client().del(job_path(id)), 409));
  EXPECT_EQ(text(client().get(job_path(id)).json(), "status"), "failed");
}

TEST_F(CancelTest, UnknownJobIs404) {
  EXPECT_TRUE(IsProblem(client().del(job_path("aaaaaaaaaaaaaaaaaaaaaaaaaa")), 404));
}

}  // namespace
}  // namespace replyd::blackbox
