// GET /v1/jobs/{id}/payload: the submitted bytes with their Content-Type, in every state while the job
// is kept (the dashboard's payload preview and resubmit read it).
#include "tests/blackbox/blackbox_test.h"

namespace replyd::blackbox {
namespace {

using PayloadTest = BlackboxTest;

const std::string kBinary("\x89PNG\r\n\x1a\n\0\xff<html>", 16);

TEST_F(PayloadTest, AnswersTheSubmittedBytesAndTypeWhileQueued) {
  auto id = submit_job(client(), "q", kBinary, "image/png");
  auto response = client().get(job_path(id) + "/payload");
  ASSERT_EQ(response.status, 200) << response.describe();
  EXPECT_EQ(response.body, kBinary);
  EXPECT_EQ(response.header("Content-Type"), "image/png");
  EXPECT_EQ(response.header("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(response.header("Content-Security-Policy"), "sandbox");
}

TEST_F(PayloadTest, StaysReadableAfterTheJobSucceeded) {
  auto job = submit_and_lease("q");
  ASSERT_EQ(complete_job(client(), job, "done", "text/plain").status, 200);
  auto response = client().get(job_path(job.id) + "/payload");
  ASSERT_EQ(response.status, 200) << response.describe();
  EXPECT_EQ(response.body, "payload");
  EXPECT_EQ(response.header("Content-Type"), "text/plain");
}

TEST_F(PayloadTest, UnknownOrMalformedIdIs404Problem) {
  EXPECT_TRUE(IsProblem(client().get(job_path("aaaaaaaaaaaaaaaaaaaaaaaaaa") + "/payload"), 404));
  EXPECT_TRUE(IsProblem(client().get("/v1/jobs/not-an-id/payload"), 404));
}

}  // namespace
}  // namespace replyd::blackbox
