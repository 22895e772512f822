// Hostile input (issue 3 item 8; DESIGN.md section 4, Bad input): malformed requests, oversized and
// unframed bodies, invalid worker bodies, bad Prefer and numeric options each get a precise problem
// (never a crash, a hang or a stored job). The cases errors_test.cpp, submit_test.cpp and
// worker_protocol_test.cpp already cover are not repeated here.
#include "tests/blackbox/blackbox_test.h"
#include "tests/support/job_listing.h"

namespace replyd::blackbox {
namespace {

class HostileInputTest : public BlackboxTest {
 protected:
  std::vector<std::string> extra_options() const override { return {"--max-body", "4096"}; }

  // Sends `bytes` on a new connection and returns the one answer.
  HttpResponse raw_exchange(std::string_view bytes) {
    RawConnection raw(server().url());
    raw.send(bytes);
    return raw.read_response();
  }
};

TEST_F(HostileInputTest, MalformedRequestsAre400ProblemsAndStoreNothing) {
  const std::vector<std::string> requests = {
      "GET\r\n\r\n",
      "GET /healthz\r\n\r\n",
      "GET /healthz HTTP/1.1 extra\r\nHost: x\r\n\r\n",
      "GET /healthz HTTX/1.1\r\nHost: x\r\n\r\n",
      "G\x01T /healthz HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nNo colon in this header\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nBad Name: x\r\n\r\n",
      "POST /v1/queues/q/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
      "POST /v1/queues/q/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\nhello",
      "POST /v1/queues/q/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
      "POST /v1/queues/q/jobs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
      std::string("POST /v1/queues/q/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nX-Nul: a") + '\0' +
          "b\r\n\r\nx",
  };
  for (const auto& request : requests) {
    EXPECT_TRUE(IsProblem(raw_exchange(request), 400)) << request;
  }
  EXPECT_EQ(client().get("/healthz").status, 200);
  EXPECT_TRUE(list_all_jobs(client(), "q").empty()) << "a malformed request stored a job";
}

TEST_F(HostileInputTest, DeclaredBodyOverTheLimitIs413WithoutWaitingForTheBody) {
  // The body never comes: the answer must not wait for it.
  auto response = raw_exchange("POST /v1/queues/q/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n");
  EXPECT_TRUE(IsProblem(response, 413));
  EXPECT_TRUE(list_all_jobs(client(), "q").empty());
}

TEST_F(HostileInputTest, ChunkedBodyOverTheLimitIs413) {
  std::string chunk(1000, 'c');
  std::string request = "POST /v1/queues/q/jobs HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 5; ++i) request += "3e8\r\n" + chunk + "\r\n";
  request += "0\r\n\r\n";
  EXPECT_TRUE(IsProblem(raw_exchange(request), 413));
  EXPECT_TRUE(list_all_jobs(client(), "q").empty());
}

TEST_F(HostileInputTest, ResultOverTheLimitIs413AndTheLeaseSurvives) {
  auto job = submit_and_lease("q");
  EXPECT_TRUE(IsProblem(complete_job(client(), job, std::string(5000, 'r')), 413));
  EXPECT_EQ(text(status_of(job.id), "status"), "running");
  EXPECT_EQ(complete_job(client(), job, "small").status, 200);
}

TEST_F(HostileInputTest, BadPreferIs400NamingTheOffendingValue) {
  auto id = submit_job(client(), "q");
  for (std::string prefer : {"wait=abc", "wait=-1", "wait=99999999999", "respond-async=1", "wait=1,,,;;=x"}) {
    for (auto response : {client().post(submit_path("q"), "x", {{"Prefer", prefer}}),
                          client().get(job_path(id), {{"Prefer", prefer}}),
                          client().post(lease_path("q"), {}, {{"Prefer", prefer}})}) {
      ASSERT_TRUE(IsProblem(response, 400)) << prefer;
      std::string detail = problem_detail(response);
      EXPECT_TRUE(detail.find("Prefer") != std::string::npos || detail.find("wait") != std::string::npos ||
                  detail.find("respond-async") != std::string::npos)
          << prefer << ": the detail names neither the header nor the preference: " << response.describe();
    }
  }
  EXPECT_EQ(list_all_jobs(client(), "q").size(), 1u) << "a refused submit stored a job";
  EXPECT_EQ(text(status_of(id), "status"), "queued") << "a refused lease took the job";
}

TEST_F(HostileInputTest, NumericOptionsAreParsedStrictlyWithADetailNamingTheParameter) {
  const std::vector<std::pair<std::string, std::string>> submits = {
      {"delay=nan", "delay"},          {"delay=inf", "delay"},
      {"delay=", "delay"},             {"timeout=1e999", "timeout"},
      {"priority=%201", "priority"},   {"priority=1%00", "priority"},
      {"priority=", "priority"},       {"max_attempts=3abc", "max_attempts"},
      {"max_attempts=0x3", "max_attempts"}, {"ttl=-5", "ttl"},
      {"priority=1&priority=2", "priority"},
  };
  for (const auto& [query, parameter] : submits) {
    auto response = client().post(submit_path("q", query), "x");
    ASSERT_TRUE(IsProblem(response, 400)) << query;
    EXPECT_NE(problem_detail(response).find(parameter), std::string::npos)
        << query << ": the detail does not name '" << parameter << "': " << response.describe();
  }
  for (std::string query : {"limit=1e2", "limit=", "limit=10abc"}) {
    auto response = client().get("/v1/jobs?" + query);
    ASSERT_TRUE(IsProblem(response, 400)) << query;
    EXPECT_NE(problem_detail(response).find("limit"), std::string::npos) << response.describe();
  }
  for (std::string query : {"max=2.5", "max=", "max=%2B2"}) {
    auto response = client().post(lease_path("q", query));
    ASSERT_TRUE(IsProblem(response, 400)) << query;
    EXPECT_NE(problem_detail(response).find("max"), std::string::npos) << response.describe();
  }
  EXPECT_TRUE(list_all_jobs(client(), "q").empty()) << "a refused submit stored a job";
}

TEST_F(HostileInputTest, InvalidJsonAndUnknownFieldsInWorkerBodiesAre400AndChangeNothing) {
  auto job = submit_and_lease("q");
  const std::string deep = std::string(10000, '[') + std::string(10000, ']');
  for (std::string body : {std::string(R"({"current": 1)"), std::string("\xff\xfe"), deep,
                           std::string(R"({"current": 1, "colour": "red"})")}) {
    EXPECT_TRUE(IsProblem(heartbeat(client(), job, body), 400)) << body.substr(0, 40);
  }
  auto unknown = heartbeat(client(), job, R"({"current": 1, "colour": "red"})");
  EXPECT_NE(problem_detail(unknown).find("colour"), std::string::npos) << unknown.describe();
  for (std::string body : {std::string("not json"), deep, std::string(R"({"error": "x", "retryable": true, "colour": 1})")}) {
    auto response = client().post(job_path(job.id) + "/fail", body,
                                  {{"Replyd-Lease-Token", job.token}, {"Content-Type", "application/json"}});
    EXPECT_TRUE(IsProblem(response, 400)) << body.substr(0, 40);
  }
  json::object doc = status_of(job.id);
  EXPECT_EQ(text(doc, "status"), "running");
  EXPECT_TRUE(absent_or_null(doc, "progress")) << doc;
  EXPECT_EQ(heartbeat(client(), job).status, 200) << "the lease did not survive the bad bodies";
}

}  // namespace
}  // namespace replyd::blackbox
