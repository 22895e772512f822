// The worker protocol (DESIGN.md section 3): lease (single and batch form), heartbeat, complete and
// fail, with priorities, delays, retries and the server-enforced attempt timeout.
#include "tests/blackbox/blackbox_test.h"

#include <future>
#include <map>

namespace replyd::blackbox {
namespace {

using WorkerProtocolTest = BlackboxTest;

// RFC 4648 base64 (standard or URL-safe alphabet, padding optional); nullopt for anything else.
std::optional<std::string> decode_base64(std::string_view text) {
  while (text.ends_with('=')) text.remove_suffix(1);
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    int v = c >= 'A' && c <= 'Z'   ? c - 'A'
            : c >= 'a' && c <= 'z' ? c - 'a' + 26
            : c >= '0' && c <= '9' ? c - '0' + 52
            : c == '+' || c == '-' ? 62
            : c == '/' || c == '_' ? 63
                                   : -1;
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  return out;
}

TEST_F(WorkerProtocolTest, LeaseLongPollOnAnEmptyQueueIs204) {
  auto response = client().post(lease_path("idle"), {}, {{"Prefer", "wait=1"}});
  EXPECT_EQ(response.status, 204) << response.describe();
  EXPECT_EQ(response.body, "");
}

TEST_F(WorkerProtocolTest, LeaseWithoutWaitOnAnEmptyQueueIs204) {
  auto response = client().post(lease_path("idle"));
  EXPECT_EQ(response.status, 204) << response.describe();
}

TEST_F(WorkerProtocolTest, LeaseGrantsThePayloadWithTheProtocolHeaders) {
  auto id = submit_job(client(), "work", R"({"to":"a@example.com"})", "application/json");
  auto response = client().post(lease_path("work"));
  ASSERT_EQ(response.status, 200) << response.describe();
  EXPECT_EQ(response.body, R"({"to":"a@example.com"})");
  EXPECT_EQ(response.header("Content-Type"), "application/json");
  EXPECT_EQ(response.header("Replyd-Job-Id"), id);
  EXPECT_FALSE(response.header("Replyd-Lease-Token").value_or("").empty()) << response.describe();
  EXPECT_TRUE(parse_utc_timestamp(response.header("Replyd-Lease-Expires").value_or("")))
      << response.describe();
  EXPECT_EQ(response.header("Replyd-Attempt"), "1");

  json::object doc = status_of(id);
  EXPECT_EQ(text(doc, "status"), "running");
  EXPECT_EQ(doc.at("attempt").as_int64(), 1);
}

TEST_F(WorkerProtocolTest, LeaseLongPollIsWokenBySubmit) {
  auto worker = std::async(std::launch::async, [url = server().url()] {
    HttpClient own(url);
    return lease_job(own, "wake", 60);
  });
  wait_for_active_waits(client(), 1);
  auto id = submit_job(client(), "wake", "now");
  // wait=60: an answer before the client's deadline can only come from the submit waking the lease.
  auto job = worker.get();
  EXPECT_EQ(job.id, id);
  EXPECT_EQ(job.response.body, "now");
}

TEST_F(WorkerProtocolTest, LeaseLongPollWithAPendingJobAnswersAtOnce) {
  auto id = submit_job(client(), "ready");
  auto response = client().post(lease_path("ready"), {}, {{"Prefer", "wait=30"}}, 20s);
  ASSERT_EQ(response.status, 200) << response.describe();
  EXPECT_EQ(response.header("Replyd-Job-Id"), id);
}

TEST_F(WorkerProtocolTest, BatchLeaseAnswersJsonWithBase64Payloads) {
  std::map<std::string, std::pair<std::string, std::string>> submitted;  // id -> payload, type
  const std::string binary("\0\x01\xfe\xff", 4);
  submitted[submit_job(client(), "batch", "one", "text/plain")] = {"one", "text/plain"};
  submitted[submit_job(client(), "batch", binary, "application/octet-stream")] = {binary,
                                                                                  "application/octet-stream"};
  submitted[submit_job(client(), "batch", "", "text/csv")] = {"", "text/csv"};

  auto response = client().post(lease_path("batch", "max=5"));
  ASSERT_EQ(response.status, 200) << response.describe();
  EXPECT_TRUE(response.header("Content-Type").value_or("").starts_with("application/json"))
      << response.describe();
  json::array jobs = response.json().at("jobs").as_array();
  ASSERT_EQ(jobs.size(), 3u) << response.describe();
  for (const auto& granted : jobs) {
    std::string id = text(granted, "id");
    ASSERT_TRUE(submitted.contains(id)) << response.describe();
    EXPECT_EQ(decode_base64(text(granted, "payload_base64")), submitted[id].first) << id;
    EXPECT_EQ(text(granted, "content_type"), submitted[id].second) << id;
    EXPECT_EQ(granted.at("attempt").as_int64(), 1);
    EXPECT_TRUE(parse_utc_timestamp(text(granted, "lease_expires_at"))) << response.describe();
    LeasedJob job{id, text(granted, "lease_token"), "1", "", {}};
    EXPECT_EQ(complete_job(client(), job).status, 200) << id;
  }
}

TEST_F(WorkerProtocolTest, BatchLeaseOnAnEmptyQueueIs204) {
  EXPECT_EQ(client().post(lease_path("batch", "max=5")).status, 204);
}

TEST_F(WorkerProtocolTest, BadLeaseParametersAre400) {
  for (std::string query : {"max=0", "max=-1", "max=many", "max=1000000", "limit=2"}) {
    EXPECT_TRUE(IsProblem(client().post(lease_path("q", query)), 400)) << query;
  }
  EXPECT_TRUE(IsProblem(client().post(lease_path("bad%20queue")), 400));
}

TEST_F(WorkerProtocolTest, HigherPriorityIsLeasedFirst) {
  auto p0 = submit_job(client(), "prio", "x", "text/plain", "priority=0");
  auto p10 = submit_job(client(), "prio", "x", "text/plain", "priority=10");
  auto p5 = submit_job(client(), "prio", "x", "text/plain", "priority=5");
  auto negative = submit_job(client(), "prio", "x", "text/plain", "priority=-1");
  std::vector<std::string> order;
  for (int i = 0; i < 4; ++i) order.push_back(lease_job(client(), "prio").id);
  EXPECT_EQ(order, (std::vector<std::string>{p10, p5, p0, negative}));
}

TEST_F(WorkerProtocolTest, DelayedJobIsNotLeasedBeforeItsTime) {
  auto delayed = submit_job(client(), "later", "x", "text/plain", "delay=30&priority=100");
  auto future_run =
      submit_job(client(), "later", "x", "text/plain", "run_at=2099-01-01T00:00:00Z&priority=100");
  auto now = submit_job(client(), "later");
  EXPECT_EQ(lease_job(client(), "later").id, now);
  EXPECT_FALSE(try_lease(client(), "later"));
  EXPECT_EQ(text(status_of(delayed), "status"), "queued");
  EXPECT_EQ(text(status_of(future_run), "status"), "queued");
}

TEST_F(WorkerProtocolTest, HeartbeatExtendsTheLeaseAndRecordsProgress) {
  auto id = submit_job(client(), "q");
  auto job = lease_job(client(), "q");
  auto response = heartbeat(client(), job, R"({"current": 40, "total": 100, "message": "uploading"})");
  ASSERT_EQ(response.status, 200) << response.describe();
  json::object answer = response.json().as_object();
  EXPECT_TRUE(parse_utc_timestamp(text(answer, "lease_expires_at"))) << response.describe();
  EXPECT_FALSE(answer.at("cancel_requested").as_bool());

  json::object progress = status_of(id).at("progress").as_object();
  EXPECT_EQ(progress.at("current").as_int64(), 40);
  EXPECT_EQ(progress.at("total").as_int64(), 100);
  EXPECT_DOUBLE_EQ(progress.at("percent").to_number<double>(), 40.0);
  EXPECT_EQ(text(progress, "message"), "uploading");
}

TEST_F(WorkerProtocolTest, ProgressPercentIsComputedFromCurrentAndTotal) {
  auto id = submit_job(client(), "q");
  auto job = lease_job(client(), "q");
  ASSERT_EQ(heartbeat(client(), job, R"({"current": 1, "total": 8})").status, 200);
  EXPECT_DOUBLE_EQ(status_of(id).at("progress").at("percent").to_number<double>(), 12.5);
}

TEST_F(WorkerProtocolTest, HeartbeatWithoutBodyIs200) {
  auto job = submit_and_lease("q");
  auto response = heartbeat(client(), job);
  ASSERT_EQ(response.status, 200) << response.describe();
  EXPECT_FALSE(response.json().at("cancel_requested").as_bool());
}

TEST_F(WorkerProtocolTest, WrongLeaseTokenIs409) {
  auto job = submit_and_lease("q");
  LeasedJob impostor = job;
  impostor.token = "not-the-lease-token";
  EXPECT_TRUE(IsProblem(heartbeat(client(), impostor), 409));
  EXPECT_TRUE(IsProblem(complete_job(client(), impostor), 409));
  EXPECT_TRUE(IsProblem(fail_job(client(), impostor, "x", true), 409));
  EXPECT_EQ(text(status_of(job.id), "status"), "running") << "a call with a wrong token changed the job";
}

TEST_F(WorkerProtocolTest, MissingLeaseTokenIs400) {
  auto job = submit_and_lease("q");
  for (std::string action : {"/heartbeat", "/complete", "/fail"}) {
    EXPECT_TRUE(IsProblem(client().post(job_path(job.id) + action), 400)) << action;
  }
}

TEST_F(WorkerProtocolTest, BadHeartbeatBodiesAre400) {
  auto job = submit_and_lease("q");
  for (std::string body : {"not json", "[1, 2]", R"({"current": -1})", R"({"current": "forty"})",
                           R"({"total": 1.5})", R"({"message": 7})", R"({"percent": 40})"}) {
    EXPECT_TRUE(IsProblem(heartbeat(client(), job, body), 400)) << body;
  }
  EXPECT_EQ(heartbeat(client(), job).status, 200) << "the lease did not survive bad heartbeats";
}

TEST_F(WorkerProtocolTest, BadFailBodiesAre400) {
  auto job = submit_and_lease("q");
  for (std::string body : {"{", R"({"retryable": "yes"})", R"({"error": 42})", R"({"reason": "x"})"}) {
    auto response = client().post(job_path(job.id) + "/fail", body, {{"Replyd-Lease-Token", job.token}});
    EXPECT_TRUE(IsProblem(response, 400)) << body;
  }
  EXPECT_EQ(text(status_of(job.id), "status"), "running");
}

TEST_F(WorkerProtocolTest, CompleteIs200AndASecondCompleteIs409) {
  auto id = submit_job(client(), "q");
  auto job = lease_job(client(), "q");
  auto first = complete_job(client(), job, "result one", "text/plain");
  ASSERT_EQ(first.status, 200) << first.describe();
  EXPECT_EQ(text(first.json(), "status"), "succeeded");
  EXPECT_TRUE(IsProblem(complete_job(client(), job, "result two", "text/plain"), 409));
  EXPECT_EQ(client().get(job_path(id) + "/result").body, "result one");
}

TEST_F(WorkerProtocolTest, HeartbeatAndFailAfterCompleteAre409) {
  auto job = submit_and_lease("q");
  ASSERT_EQ(complete_job(client(), job).status, 200);
  EXPECT_TRUE(IsProblem(heartbeat(client(), job), 409));
  EXPECT_TRUE(IsProblem(fail_job(client(), job, "late", true), 409));
}

TEST_F(WorkerProtocolTest, RetryableFailQueuesTheJobAgainAndItIsLeasedAsAttempt2) {
  auto id = submit_job(client(), "retry", "payload");
  auto first = lease_job(client(), "retry");
  auto failed = fail_job(client(), first, "temporary outage", true);
  ASSERT_EQ(failed.status, 200) << failed.describe();
  json::object doc = failed.json().as_object();
  EXPECT_EQ(text(doc, "status"), "queued");
  EXPECT_EQ(text(doc.at("error"), "detail"), "temporary outage");
  EXPECT_TRUE(parse_utc_timestamp(text(doc, "run_at"))) << doc;
  EXPECT_EQ(doc.at("attempt").as_int64(), 1);

  json::object status = status_of(id);
  EXPECT_EQ(text(status, "status"), "queued");
  EXPECT_EQ(text(status.at("error"), "detail"), "temporary outage");

  auto second = lease_job(client(), "retry", 10);
  EXPECT_EQ(second.id, id);
  EXPECT_EQ(second.attempt, "2");
  EXPECT_EQ(second.response.body, "payload");
  EXPECT_NE(second.token, first.token);
  EXPECT_EQ(status_of(id).at("attempt").as_int64(), 2);
}

TEST_F(WorkerProtocolTest, NonRetryableFailFailsTheJob) {
  auto id = submit_job(client(), "q");
  auto response = fail_job(client(), lease_job(client(), "q"), "invalid address", false);
  ASSERT_EQ(response.status, 200) << response.describe();
  EXPECT_EQ(text(response.json(), "status"), "failed");
  EXPECT_EQ(text(status_of(id).at("error"), "detail"), "invalid address");
  EXPECT_FALSE(try_lease(client(), "q"));
}

TEST_F(WorkerProtocolTest, ExhaustedAttemptsFailTheJobWithTheLastError) {
  auto id = submit_job(client(), "retry", "x", "text/plain", "max_attempts=2");
  ASSERT_EQ(fail_job(client(), lease_job(client(), "retry"), "first failure", true).status, 200);
  auto second = lease_job(client(), "retry", 10);
  ASSERT_EQ(second.attempt, "2");
  auto response = fail_job(client(), second, "second failure", true);
  ASSERT_EQ(response.status, 200) << response.describe();
  EXPECT_EQ(text(response.json(), "status"), "failed");
  json::object doc = status_of(id);
  EXPECT_EQ(text(doc, "status"), "failed");
  EXPECT_EQ(text(doc.at("error"), "detail"), "second failure");
  EXPECT_EQ(doc.at("attempt").as_int64(), 2);
  EXPECT_FALSE(try_lease(client(), "retry"));
}

TEST_F(WorkerProtocolTest, AttemptTimeoutIsEnforcedByTheServer) {
  auto id = submit_job(client(), "slow", "x", "text/plain", "timeout=0.2&max_attempts=1");
  auto job = lease_job(client(), "slow");
  auto response = client().get(job_path(id), {{"Prefer", "wait=20"}}, 30s);
  ASSERT_EQ(response.status, 200) << response.describe();
  json::object doc = response.json().as_object();
  EXPECT_EQ(text(doc, "status"), "failed");
  EXPECT_TRUE(doc.contains("error")) << doc;
  EXPECT_TRUE(IsProblem(complete_job(client(), job), 409)) << "a timed-out attempt still completed";
}

}  // namespace
}  // namespace replyd::blackbox
