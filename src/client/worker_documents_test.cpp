#include "client/worker_documents.h"

#include "core/time_format.h"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace replyd::client {
namespace {

TEST(LeaseHeaders, BuildsALeasedJob) {
  auto job =
      leased_job_from_headers({"job1", "tok", "2026-01-01T00:00:30.000Z", "2"}, Blob{"text/plain", "hello"});
  ASSERT_TRUE(job) << job.error().message();
  EXPECT_EQ(job->id, "job1");
  EXPECT_EQ(job->lease_token, "tok");
  EXPECT_EQ(job->lease_expires_at, parse_rfc3339("2026-01-01T00:00:30Z"));
  EXPECT_EQ(job->attempt, 2);
  EXPECT_EQ(job->payload.content_type, "text/plain");
  EXPECT_EQ(job->payload.bytes, "hello");
}

TEST(LeaseHeaders, RejectsMissingOrMalformedHeaders) {
  Blob none;
  EXPECT_FALSE(leased_job_from_headers({"", "tok", "2026-01-01T00:00:30Z", "1"}, none));
  EXPECT_FALSE(leased_job_from_headers({"id", "", "2026-01-01T00:00:30Z", "1"}, none));
  EXPECT_FALSE(leased_job_from_headers({"id", "tok", "tomorrow", "1"}, none));
  EXPECT_FALSE(leased_job_from_headers({"id", "tok", "2026-01-01T00:00:30Z", "-1"}, none));
  EXPECT_FALSE(leased_job_from_headers({"id", "tok", "2026-01-01T00:00:30Z", "99999999999"}, none));
}

TEST(LeaseBatch, ParsesJobsAndDecodesPayloads) {
  auto jobs = parse_lease_batch(R"({"jobs":[
    {"id":"a","lease_token":"t1","lease_expires_at":"2026-01-01T00:00:30Z","attempt":1,
     "content_type":"application/json","payload_base64":"eyJ4IjoxfQ=="},
    {"id":"b","lease_token":"t2","lease_expires_at":"2026-01-01T00:00:31Z","attempt":3,
     "payload_base64":""}]})");
  ASSERT_TRUE(jobs) << jobs.error().message();
  ASSERT_EQ(jobs->size(), 2u);
  EXPECT_EQ((*jobs)[0].payload.bytes, R"({"x":1})");
  EXPECT_EQ((*jobs)[0].payload.content_type, "application/json");
  EXPECT_EQ((*jobs)[1].attempt, 3);
  EXPECT_EQ((*jobs)[1].payload.content_type, "application/octet-stream");
  EXPECT_EQ((*jobs)[1].payload.bytes, "");
}

TEST(LeaseBatch, RejectsMalformedBatches) {
  EXPECT_FALSE(parse_lease_batch("{}"));
  EXPECT_FALSE(parse_lease_batch(R"({"jobs":{}})"));
  EXPECT_FALSE(parse_lease_batch(R"({"jobs":[1]})"));
  EXPECT_FALSE(
      parse_lease_batch(R"({"jobs":[{"id":"a","lease_token":"t","attempt":1,"payload_base64":""}]})"));
  EXPECT_FALSE(
      parse_lease_batch(R"({"jobs":[{"id":"a","lease_token":"t","lease_expires_at":"2026-01-01T00:00:30Z",
                                   "attempt":1,"payload_base64":"!!"}]})"));
  EXPECT_TRUE(parse_lease_batch(R"({"jobs":[]})"));
}

TEST(HeartbeatAnswer, ParsesExpiryAndCancel) {
  auto a = parse_heartbeat_answer(R"({"lease_expires_at":"2026-01-01T00:01:00Z","cancel_requested":true})");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->lease_expires_at, parse_rfc3339("2026-01-01T00:01:00Z"));
  EXPECT_TRUE(a->cancel_requested);
  auto b = parse_heartbeat_answer(R"({"lease_expires_at":"2026-01-01T00:01:00Z"})");
  ASSERT_TRUE(b);
  EXPECT_FALSE(b->cancel_requested);
  EXPECT_FALSE(parse_heartbeat_answer(R"({"cancel_requested":false})"));
  EXPECT_FALSE(parse_heartbeat_answer("nope"));
}

TEST(WorkerBodies, HeartbeatBodyLeavesOutAbsentMembers) {
  EXPECT_EQ(heartbeat_body(Progress{40, 100, "uploading"}),
            R"({"current":40,"total":100,"message":"uploading"})");
  EXPECT_EQ(heartbeat_body(Progress{std::nullopt, std::nullopt, "hi"}), R"({"message":"hi"})");
  EXPECT_EQ(heartbeat_body(Progress{}), "{}");
}

TEST(WorkerBodies, FailBodyIsValidJsonForAnyText) {
  std::string nasty = "quote \" backslash \\ newline \n bad utf8 \xff\xfe end";
  auto value = boost::json::parse(fail_body(nasty, false));
  EXPECT_EQ(value.at("retryable").as_bool(), false);
  std::string error(value.at("error").as_string());
  EXPECT_EQ(error, "quote \" backslash \\ newline \n bad utf8 \xEF\xBF\xBD\xEF\xBF\xBD end");
}

TEST(WorkerBodies, LongTextsAreCutToTheServersLimits) {
  auto hb = boost::json::parse(heartbeat_body(Progress{1, 2, std::string(5000, 'm')}));
  EXPECT_EQ(hb.at("message").as_string().size(), kMaxProgressMessageBytes);
  // A two-byte character straddling the limit is dropped whole, not split.
  std::string accents;
  for (int i = 0; i < 3000; ++i) accents += "\xc3\xa9";
  auto fail = boost::json::parse(fail_body("x" + accents, true));
  EXPECT_EQ(fail.at("error").as_string().size(), kMaxFailErrorBytes - 1);
}

}  // namespace
}  // namespace replyd::client
