// Submit: POST /v1/queues/{queue}/jobs (DESIGN.md section 3, Client API and submit options).
#include "tests/blackbox/blackbox_test.h"

#include <regex>

namespace replyd::blackbox {
namespace {

using SubmitTest = BlackboxTest;

TEST_F(SubmitTest, Answers202WithAbsoluteLocationRetryAfterAndStatusDocument) {
  auto response = client().post(submit_path("email"), "hello", {{"Content-Type", "text/plain"}});
  ASSERT_EQ(response.status, 202) << response.describe();
  EXPECT_TRUE(response.header("Content-Type").value_or("").starts_with("application/json"))
      << response.describe();
  EXPECT_TRUE(is_integer_at_least(response.header("Retry-After").value_or(""), 1)) << response.describe();

  json::object doc = response.json().as_object();
  std::string id = text(doc, "id");
  EXPECT_TRUE(std::regex_match(id, std::regex("[A-Za-z0-9_-]{22,}"))) << "not a URL-safe 128-bit id: " << id;
  EXPECT_EQ(response.header("Location"), url(job_path(id)));
  EXPECT_EQ(text(doc, "queue"), "email");
  EXPECT_EQ(text(doc, "status"), "queued");
  EXPECT_EQ(doc.at("attempt").as_int64(), 0);
  EXPECT_EQ(doc.at("max_attempts").as_int64(), 5);
  EXPECT_FALSE(doc.at("cancel_requested").as_bool());
  EXPECT_TRUE(parse_utc_timestamp(text(doc, "created_at"))) << doc;
  EXPECT_TRUE(parse_utc_timestamp(text(doc, "updated_at"))) << doc;
  EXPECT_TRUE(absent_or_null(doc, "error")) << doc;
  EXPECT_TRUE(absent_or_null(doc, "finished_at")) << doc;
  json::object links = doc.at("links").as_object();
  EXPECT_EQ(text(links, "self"), url(job_path(id)));
  EXPECT_EQ(text(links, "events"), url(job_path(id) + "/events"));
  EXPECT_TRUE(absent_or_null(links, "result")) << doc;
}

TEST_F(SubmitTest, TwoSubmitsGetDistinctIds) {
  EXPECT_NE(submit_job(client(), "q"), submit_job(client(), "q"));
}

TEST_F(SubmitTest, LocationAnswersImmediatelyAfterEvery202) {
  // The 202 is sent only once the job is stored: another connection must find it at once, every time.
  auto reader = new_client();
  for (int i = 0; i < 300; ++i) {
    auto submitted = client().post(submit_path("q"), "job " + std::to_string(i));
    ASSERT_EQ(submitted.status, 202) << submitted.describe();
    auto location = submitted.header("Location");
    ASSERT_TRUE(location) << submitted.describe();
    auto status = reader->get(*location);
    ASSERT_EQ(status.status, 200) << "submit " << i << ": " << status.describe();
    ASSERT_EQ(text(status.json(), "id"), text(submitted.json(), "id"));
  }
}

TEST_F(SubmitTest, BinaryPayloadIsStoredVerbatimWithItsContentType) {
  std::string payload;
  for (int round = 0; round < 4; ++round) {
    for (int b = 0; b < 256; ++b) payload += static_cast<char>(b);
  }
  const std::string type = "application/x-replyd-test; charset=binary";
  auto id = submit_job(client(), "bin", payload, type);
  auto job = lease_job(client(), "bin");
  EXPECT_EQ(job.id, id);
  EXPECT_EQ(job.response.body, payload);
  EXPECT_EQ(job.response.header("Content-Type"), type);
}

TEST_F(SubmitTest, EmptyPayloadWithContentLengthZeroIsAccepted) {
  RawConnection raw(server().url());
  raw.send(
      "POST /v1/queues/empty/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
      "Content-Length: 0\r\n\r\n");
  auto response = raw.read_response();
  ASSERT_EQ(response.status, 202) << response.describe();
  auto job = lease_job(client(), "empty");
  EXPECT_EQ(job.id, text(response.json(), "id"));
  EXPECT_EQ(job.response.body, "");
  EXPECT_EQ(job.response.header("Content-Type"), "text/plain");
}

TEST_F(SubmitTest, ChunkedPayloadIsAcceptedAndStoredWhole) {
  RawConnection raw(server().url());
  raw.send(
      "POST /v1/queues/chunked/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n"
      "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n");
  auto response = raw.read_response();
  ASSERT_EQ(response.status, 202) << response.describe();
  EXPECT_EQ(lease_job(client(), "chunked").response.body, "hello world");
}

TEST_F(SubmitTest, MissingLengthIs411) {
  RawConnection raw(server().url());
  raw.send("POST /v1/queues/q/jobs HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\n\r\n");
  EXPECT_TRUE(IsProblem(raw.read_response(), 411));
}

TEST_F(SubmitTest, QueueNamesOfTheAllowedCharactersAreAccepted) {
  const std::string longest(64, 'q');
  for (std::string queue :
       {std::string("a"), std::string("Az09._-"), std::string("EMAIL.v2_high-prio"), longest}) {
    auto response = client().post(submit_path(queue));
    EXPECT_EQ(response.status, 202) << queue << ": " << response.describe();
    if (response.status == 202) {
      EXPECT_EQ(text(response.json(), "queue"), queue);
    }
  }
}

TEST_F(SubmitTest, QueueNamesOutsideTheRulesAre400) {
  const std::string too_long(65, 'q');
  for (std::string queue :
       {too_long, std::string("a%20b"), std::string("a%2Fb"), std::string("a+b"), std::string("caf%C3%A9"),
        std::string("a*b"), std::string("a%00b"), std::string("a:b")}) {
    auto response = client().post(submit_path(queue), "x");
    EXPECT_TRUE(IsProblem(response, 400)) << "queue " << queue;
  }
}

TEST_F(SubmitTest, PriorityTimeoutAndMaxAttemptsAreEchoed) {
  auto response = client().post(submit_path("q", "priority=7&timeout=2.5&max_attempts=3"));
  ASSERT_EQ(response.status, 202) << response.describe();
  json::object doc = response.json().as_object();
  EXPECT_EQ(doc.at("priority").as_int64(), 7);
  EXPECT_EQ(doc.at("max_attempts").as_int64(), 3);
  EXPECT_DOUBLE_EQ(doc.at("timeout_seconds").to_number<double>(), 2.5);
}

TEST_F(SubmitTest, NegativePriorityIsAccepted) {
  auto response = client().post(submit_path("q", "priority=-3"));
  ASSERT_EQ(response.status, 202) << response.describe();
  EXPECT_EQ(response.json().at("priority").as_int64(), -3);
}

TEST_F(SubmitTest, DelayMakesRunAtThatMuchLaterThanCreation) {
  auto response = client().post(submit_path("q", "delay=30"));
  ASSERT_EQ(response.status, 202) << response.describe();
  json::object doc = response.json().as_object();
  auto created = parse_utc_timestamp(text(doc, "created_at"));
  auto run_at = parse_utc_timestamp(doc.contains("run_at") ? text(doc, "run_at") : "");
  ASSERT_TRUE(created && run_at) << doc;
  auto delay = *run_at - *created;
  EXPECT_GE(delay, std::chrono::seconds(29)) << doc;
  EXPECT_LE(delay, std::chrono::seconds(31)) << doc;
  EXPECT_TRUE(is_integer_at_least(response.header("Retry-After").value_or(""), 1)) << response.describe();
}

TEST_F(SubmitTest, RunAtIsEchoed) {
  auto response = client().post(submit_path("q", "run_at=2030-01-02T03:04:05Z"));
  ASSERT_EQ(response.status, 202) << response.describe();
  auto run_at = parse_utc_timestamp(text(response.json(), "run_at"));
  ASSERT_TRUE(run_at) << response.describe();
  EXPECT_EQ(*run_at, *parse_utc_timestamp("2030-01-02T03:04:05Z"));
}

TEST_F(SubmitTest, TtlIsTheRetentionAfterFinishing) {
  auto id = submit_job(client(), "q", "x", "text/plain", "ttl=120");
  auto cancelled = client().del(job_path(id));
  ASSERT_EQ(cancelled.status, 200) << cancelled.describe();
  json::object doc = cancelled.json().as_object();
  auto finished = parse_utc_timestamp(text(doc, "finished_at"));
  auto expires = parse_utc_timestamp(text(doc, "expires_at"));
  ASSERT_TRUE(finished && expires) << doc;
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(*expires - *finished), std::chrono::seconds(120))
      << doc;
}

// This server has no --webhook-secret: callbacks are refused rather than sent unsigned (accepted
// callbacks are tested in webhook_test.cpp).
TEST_F(SubmitTest, CallbackWithoutAWebhookSecretIs400) {
  auto response = client().post(submit_path("q", "callback=http%3A%2F%2Fexample.com%2Fhook"));
  ASSERT_TRUE(IsProblem(response, 400));
  EXPECT_NE(problem_detail(response).find("webhook secret"), std::string::npos) << response.describe();
}

TEST_F(SubmitTest, BadOptionValuesAre400NamingTheParameter) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"priority=high", "priority"},
      {"priority=1.5", "priority"},
      {"priority=99999999999", "priority"},
      {"delay=-1", "delay"},
      {"delay=soon", "delay"},
      {"run_at=tomorrow", "run_at"},
      {"run_at=2030-13-01T00:00:00Z", "run_at"},
      {"timeout=0", "timeout"},
      {"timeout=abc", "timeout"},
      {"max_attempts=0", "max_attempts"},
      {"max_attempts=1001", "max_attempts"},
      {"max_attempts=two", "max_attempts"},
      {"ttl=0", "ttl"},
      {"ttl=x", "ttl"},
      {"callback=ftp%3A%2F%2Fexample.com%2F", "callback"},
      {"callback=not-a-url", "callback"},
  };
  for (const auto& [query, parameter] : cases) {
    auto response = client().post(submit_path("q", query), "x");
    ASSERT_TRUE(IsProblem(response, 400)) << query;
    EXPECT_NE(problem_detail(response).find(parameter), std::string::npos)
        << query << ": the detail does not name '" << parameter << "': " << response.describe();
  }
}

TEST_F(SubmitTest, TtlBeyondTheServersMaximumIs400) {
  auto response = client().post(submit_path("q", "ttl=31536000"), "x");
  ASSERT_TRUE(IsProblem(response, 400));
  EXPECT_NE(problem_detail(response).find("ttl"), std::string::npos) << response.describe();
}

TEST_F(SubmitTest, DelayAndRunAtTogetherAre400) {
  auto response = client().post(submit_path("q", "delay=5&run_at=2030-01-02T03:04:05Z"), "x");
  ASSERT_TRUE(IsProblem(response, 400));
  EXPECT_NE(problem_detail(response).find("run_at"), std::string::npos) << response.describe();
}

TEST_F(SubmitTest, UnknownParameterIs400NamingIt) {
  auto response = client().post(submit_path("q", "colour=red"), "x");
  ASSERT_TRUE(IsProblem(response, 400));
  EXPECT_NE(problem_detail(response).find("colour"), std::string::npos) << response.describe();
}

TEST_F(SubmitTest, RejectedSubmitStoresNoJob) {
  ASSERT_TRUE(IsProblem(client().post(submit_path("q", "priority=high"), "x"), 400));
  auto list = client().get("/v1/jobs?queue=q");
  ASSERT_EQ(list.status, 200) << list.describe();
  EXPECT_TRUE(list.json().at("jobs").as_array().empty()) << list.describe();
}

class SmallBodySubmitTest : public BlackboxTest {
 protected:
  std::vector<std::string> extra_options() const override { return {"--max-body", "4096"}; }
};

TEST_F(SmallBodySubmitTest, PayloadOverTheLimitIs413) {
  auto response = client().post(submit_path("q"), std::string(5000, 'x'));
  EXPECT_TRUE(IsProblem(response, 413));
}

TEST_F(SmallBodySubmitTest, PayloadAtTheLimitIsAccepted) {
  auto response = client().post(submit_path("q"), std::string(4096, 'x'));
  EXPECT_EQ(response.status, 202) << response.describe();
}

}  // namespace
}  // namespace replyd::blackbox
