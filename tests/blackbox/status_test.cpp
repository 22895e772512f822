// Status and result: GET /v1/jobs/{id} in every state, and GET /v1/jobs/{id}/result (DESIGN.md
// section 3, Client API).
#include "tests/blackbox/blackbox_test.h"

namespace replyd::blackbox {
namespace {

using StatusTest = BlackboxTest;

TEST_F(StatusTest, QueuedJobAnswers200WithRetryAfter) {
  auto id = submit_job(client(), "q");
  auto response = client().get(job_path(id));
  ASSERT_EQ(response.status, 200) << response.describe();
  EXPECT_TRUE(is_integer_at_least(response.header("Retry-After").value_or(""), 1)) << response.describe();
  EXPECT_FALSE(response.has_header("Expires")) << response.describe();
  json::object doc = response.json().as_object();
  EXPECT_EQ(text(doc, "id"), id);
  EXPECT_EQ(text(doc, "status"), "queued");
  EXPECT_EQ(doc.at("attempt").as_int64(), 0);
}

TEST_F(StatusTest, RunningJobAnswers200WithRetryAfterAndNoLeaseToken) {
  auto id = submit_job(client(), "q");
  auto job = lease_job(client(), "q");
  auto response = client().get(job_path(id));
  ASSERT_EQ(response.status, 200) << response.describe();
  EXPECT_TRUE(is_integer_at_least(response.header("Retry-After").value_or(""), 1)) << response.describe();
  json::object doc = response.json().as_object();
  EXPECT_EQ(text(doc, "status"), "running");
  EXPECT_EQ(doc.at("attempt").as_int64(), 1);
  EXPECT_TRUE(parse_utc_timestamp(text(doc, "started_at"))) << doc;
  EXPECT_EQ(response.body.find(job.token), std::string::npos)
      << "the lease token is a secret: " << response.body;
}

TEST_F(StatusTest, SucceededJobAnswers303ToTheResultWithTheWorkersBytesAndType) {
  auto id = submit_job(client(), "q");
  auto job = lease_job(client(), "q");
  const std::string result("\x89PNG\r\n\x1a\n\0\xff binary", 18);
  ASSERT_EQ(complete_job(client(), job, result, "image/png").status, 200);

  auto response = client().get(job_path(id));
  ASSERT_EQ(response.status, 303) << response.describe();
  EXPECT_EQ(response.header("Location"), url(job_path(id) + "/result"));
  EXPECT_TRUE(is_http_date(response.header("Expires").value_or(""))) << response.describe();
  json::object doc = response.json().as_object();
  EXPECT_EQ(text(doc, "status"), "succeeded");
  EXPECT_EQ(text(doc.at("links"), "result"), url(job_path(id) + "/result"));
  EXPECT_TRUE(parse_utc_timestamp(text(doc, "finished_at"))) << doc;
  EXPECT_TRUE(parse_utc_timestamp(text(doc, "expires_at"))) << doc;
  EXPECT_TRUE(absent_or_null(doc, "error")) << doc;

  auto fetched = client().get(*response.header("Location"));
  ASSERT_EQ(fetched.status, 200) << fetched.describe();
  EXPECT_EQ(fetched.body, result);
  EXPECT_EQ(fetched.header("Content-Type"), "image/png");
}

TEST_F(StatusTest, EmptyResultIsServedAsEmpty) {
  auto id = submit_job(client(), "q");
  auto job = lease_job(client(), "q");
  ASSERT_EQ(complete_job(client(), job, "", "text/plain").status, 200);
  auto fetched = client().get(job_path(id) + "/result");
  ASSERT_EQ(fetched.status, 200) << fetched.describe();
  EXPECT_EQ(fetched.body, "");
  EXPECT_EQ(fetched.header("Content-Type"), "text/plain");
}

TEST_F(StatusTest, FailedJobAnswers200WithTheErrorAsAProblemObject) {
  auto id = submit_job(client(), "q");
  auto job = lease_job(client(), "q");
  ASSERT_EQ(fail_job(client(), job, "disk full", false).status, 200);

  auto response = client().get(job_path(id));
  ASSERT_EQ(response.status, 200) << response.describe();
  EXPECT_TRUE(is_http_date(response.header("Expires").value_or(""))) << response.describe();
  json::object doc = response.json().as_object();
  EXPECT_EQ(text(doc, "status"), "failed");
  json::object error = doc.at("error").as_object();
  EXPECT_TRUE(error.at("type").is_string()) << doc;
  EXPECT_TRUE(error.at("title").is_string()) << doc;
  EXPECT_TRUE(error.at("status").is_int64()) << doc;
  EXPECT_EQ(text(error, "detail"), "disk full");
  EXPECT_TRUE(absent_or_null(doc.at("links").as_object(), "result")) << doc;
}

TEST_F(StatusTest, CancelledJobAnswers200WithAnError) {
  auto id = submit_job(client(), "q");
  ASSERT_EQ(client().del(job_path(id)).status, 200);
  auto response = client().get(job_path(id));
  ASSERT_EQ(response.status, 200) << response.describe();
  EXPECT_TRUE(is_http_date(response.header("Expires").value_or(""))) << response.describe();
  json::object doc = response.json().as_object();
  EXPECT_EQ(text(doc, "status"), "cancelled");
  EXPECT_TRUE(doc.at("error").as_object().at("type").is_string()) << doc;
}

TEST_F(StatusTest, ResultIs409ProblemUntilTheJobHasSucceeded) {
  auto id = submit_job(client(), "q");
  EXPECT_TRUE(IsProblem(client().get(job_path(id) + "/result"), 409)) << "queued";
  auto job = lease_job(client(), "q");
  EXPECT_TRUE(IsProblem(client().get(job_path(id) + "/result"), 409)) << "running";
  ASSERT_EQ(fail_job(client(), job, "no", false).status, 200);
  EXPECT_TRUE(IsProblem(client().get(job_path(id) + "/result"), 409)) << "failed";
}

TEST_F(StatusTest, ResultOfAnUnknownJobIs404) {
  EXPECT_TRUE(IsProblem(client().get(job_path("aaaaaaaaaaaaaaaaaaaaaaaaaa") + "/result"), 404));
}

}  // namespace
}  // namespace replyd::blackbox
