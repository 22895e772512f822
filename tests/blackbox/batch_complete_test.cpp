// The batch form of complete (POST /v1/jobs:complete): many results in one request, each item answered
// on its own with what the single-job form would have answered for it.
#include "tests/blackbox/blackbox_test.h"

namespace replyd::blackbox {
namespace {

using BatchCompleteTest = BlackboxTest;

const std::string kCompletePath = "/v1/jobs:complete";

struct Granted {
  std::string id;
  std::string token;
};

// Submits `count` jobs to `queue` and leases them all with one batch lease.
std::vector<Granted> submit_and_lease_batch(HttpClient& client, std::string_view queue, int count) {
  for (int i = 0; i < count; ++i) submit_job(client, queue, "payload " + std::to_string(i));
  // max=1 would be the single-job form; ask for at least two to get the JSON batch answer.
  auto response = client.post(lease_path(queue, "max=" + std::to_string(std::max(count, 2))));
  require_status(response, 200, "batch lease");
  std::vector<Granted> out;
  json::array granted = response.json().at("jobs").as_array();
  for (const auto& job : granted) out.push_back({text(job, "id"), text(job, "lease_token")});
  if (out.size() != static_cast<std::size_t>(count)) throw std::runtime_error("leased fewer jobs: " + response.describe());
  return out;
}

std::string item(std::string_view id, std::string_view token, std::string_view content_type,
                 std::string_view result_base64) {
  json::object o;
  o["id"] = id;
  o["lease_token"] = token;
  o["content_type"] = content_type;
  o["result_base64"] = result_base64;
  return json::serialize(o);
}

std::string batch(const std::vector<std::string>& items) {
  std::string body = R"({"jobs":[)";
  for (std::size_t i = 0; i < items.size(); ++i) body += (i ? "," : "") + items[i];
  return body + "]}";
}

TEST_F(BatchCompleteTest, CompletesEveryItemAndStoresEachResult) {
  auto jobs = submit_and_lease_batch(client(), "bc", 3);
  // "one", "\x00\xff" and the empty result, in base64.
  auto response = client().post(kCompletePath, batch({item(jobs[0].id, jobs[0].token, "text/plain", "b25l"),
                                                      item(jobs[1].id, jobs[1].token, "application/x-bin", "AP8="),
                                                      item(jobs[2].id, jobs[2].token, "text/csv", "")}),
                                {{"Content-Type", "application/json"}});
  ASSERT_EQ(response.status, 200) << response.describe();
  json::array answers = response.json().at("jobs").as_array();
  ASSERT_EQ(answers.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(text(answers[i], "id"), jobs[i].id);
    EXPECT_EQ(answers[i].at("status").as_int64(), 200) << response.describe();
    EXPECT_EQ(text(answers[i], "state"), "succeeded");
  }
  auto first = client().get(job_path(jobs[0].id) + "/result");
  EXPECT_EQ(first.body, "one");
  EXPECT_EQ(first.header("Content-Type"), "text/plain");
  auto second = client().get(job_path(jobs[1].id) + "/result");
  EXPECT_EQ(second.body, std::string("\x00\xff", 2));
  EXPECT_EQ(second.header("Content-Type"), "application/x-bin");
  auto third = client().get(job_path(jobs[2].id) + "/result");
  EXPECT_EQ(third.status, 200) << third.describe();
  EXPECT_EQ(third.body, "");
  EXPECT_EQ(status_of(jobs[2].id).at("status").as_string(), "succeeded");
}

TEST_F(BatchCompleteTest, EachItemIsAnsweredOnItsOwn) {
  auto jobs = submit_and_lease_batch(client(), "bc", 2);
  const std::string unknown = "aaaaaaaaaaaaaaaaaaaaaaaaaa";
  auto response = client().post(kCompletePath, batch({item(jobs[0].id, "not-the-token", "text/plain", "eA=="),
                                                      item(unknown, "t", "text/plain", "eA=="),
                                                      item("malformed id", "t", "text/plain", "eA=="),
                                                      item(jobs[1].id, jobs[1].token, "text/plain", "eA==")}));
  ASSERT_EQ(response.status, 200) << response.describe();
  json::array answers = response.json().at("jobs").as_array();
  ASSERT_EQ(answers.size(), 4u);
  EXPECT_EQ(answers[0].at("status").as_int64(), 409) << response.describe();
  EXPECT_EQ(answers[0].at("error").at("status").as_int64(), 409);
  EXPECT_EQ(answers[1].at("status").as_int64(), 404) << response.describe();
  EXPECT_EQ(text(answers[1], "id"), unknown);
  EXPECT_EQ(answers[2].at("status").as_int64(), 404) << response.describe();
  EXPECT_EQ(text(answers[2], "id"), "malformed id");
  EXPECT_EQ(answers[3].at("status").as_int64(), 200) << response.describe();

  // The item with the wrong token changed nothing: the job still runs under its lease.
  EXPECT_EQ(status_of(jobs[0].id).at("status").as_string(), "running");
  EXPECT_EQ(status_of(jobs[1].id).at("status").as_string(), "succeeded");
  // A second complete of a finished job is a lost lease, as with the single form.
  auto again = client().post(kCompletePath, batch({item(jobs[1].id, jobs[1].token, "text/plain", "eA==")}));
  ASSERT_EQ(again.status, 200) << again.describe();
  EXPECT_EQ(again.json().at("jobs").at(0).at("status").as_int64(), 409) << again.describe();
}

TEST_F(BatchCompleteTest, MalformedBatchesAre400AndApplyNothing) {
  auto jobs = submit_and_lease_batch(client(), "bc", 1);
  const std::string good = item(jobs[0].id, jobs[0].token, "text/plain", "eA==");
  std::vector<std::string> bad = {
      "",
      "not json",
      "[]",
      R"({"jobs":[]})",
      R"({"jobs":{}})",
      R"({"items":[]})",
      batch({good, R"({"id":"x"})"}),
      batch({good, R"({"id":"x","lease_token":"t","result_base64":"not base64!"})"}),
      batch({good, R"({"id":"x","lease_token":"t","extra":1})"}),
      batch({good, R"({"id":7,"lease_token":"t"})"}),
  };
  for (const auto& body : bad) {
    EXPECT_TRUE(IsProblem(client().post(kCompletePath, body), 400)) << body;
  }
  std::vector<std::string> too_many(257, good);
  EXPECT_TRUE(IsProblem(client().post(kCompletePath, batch(too_many)), 400));
  EXPECT_TRUE(IsProblem(client().post(kCompletePath + "?max=2", batch({good})), 400));
  EXPECT_EQ(status_of(jobs[0].id).at("status").as_string(), "running");
}

TEST_F(BatchCompleteTest, OtherMethodsAre405) {
  auto response = client().get(kCompletePath);
  EXPECT_TRUE(IsProblem(response, 405)) << response.describe();
}

}  // namespace
}  // namespace replyd::blackbox
