// Listing jobs (GET /v1/jobs with queue, status, limit, cursor) and queue statistics (GET /v1/queues)
// (DESIGN.md section 3, Client API).
#include "tests/blackbox/blackbox_test.h"

#include <algorithm>
#include <set>

namespace replyd::blackbox {
namespace {

using ListTest = BlackboxTest;

std::vector<std::string> ids_of(const json::value& page) {
  std::vector<std::string> ids;
  for (const auto& job : page.at("jobs").as_array()) ids.push_back(text(job, "id"));
  return ids;
}

std::optional<std::string> next_cursor(const json::value& page) {
  const json::value* cursor = page.as_object().if_contains("next_cursor");
  if (cursor == nullptr || cursor->is_null()) return std::nullopt;
  return std::string(cursor->as_string());
}

TEST_F(ListTest, PagesCoverEveryJobOnceNewestFirst) {
  std::vector<std::string> submitted;
  for (int i = 0; i < 25; ++i) submitted.push_back(submit_job(client(), "paged", "job " + std::to_string(i)));

  std::vector<std::string> listed;
  std::vector<std::size_t> page_sizes;
  std::optional<std::string> cursor;
  for (int page = 0; page < 10; ++page) {
    std::string target = "/v1/jobs?queue=paged&limit=10";
    if (cursor) target += "&cursor=" + *cursor;
    auto response = client().get(target);
    ASSERT_EQ(response.status, 200) << response.describe();
    json::value body = response.json();
    auto ids = ids_of(body);
    listed.insert(listed.end(), ids.begin(), ids.end());
    page_sizes.push_back(ids.size());
    cursor = next_cursor(body);
    if (!cursor) break;
  }
  EXPECT_EQ(page_sizes, (std::vector<std::size_t>{10, 10, 5}));
  std::vector<std::string> newest_first(submitted.rbegin(), submitted.rend());
  EXPECT_EQ(listed, newest_first);
  EXPECT_EQ(std::set<std::string>(listed.begin(), listed.end()).size(), listed.size()) << "duplicates";
}

TEST_F(ListTest, ListedJobsAreStatusDocuments) {
  auto id = submit_job(client(), "docs");
  auto response = client().get("/v1/jobs?queue=docs");
  ASSERT_EQ(response.status, 200) << response.describe();
  json::value body = response.json();
  ASSERT_EQ(body.at("jobs").as_array().size(), 1u) << response.describe();
  const json::object& doc = body.at("jobs").as_array().front().as_object();
  EXPECT_EQ(text(doc, "id"), id);
  EXPECT_EQ(text(doc, "status"), "queued");
  EXPECT_EQ(text(doc, "queue"), "docs");
  EXPECT_EQ(text(doc.at("links"), "self"), url(job_path(id)));
  EXPECT_FALSE(next_cursor(body)) << response.describe();
}

TEST_F(ListTest, QueueFilterReturnsOnlyThatQueue) {
  auto a1 = submit_job(client(), "alpha");
  submit_job(client(), "beta");
  auto a2 = submit_job(client(), "alpha");
  auto response = client().get("/v1/jobs?queue=alpha");
  ASSERT_EQ(response.status, 200) << response.describe();
  EXPECT_EQ(ids_of(response.json()), (std::vector<std::string>{a2, a1}));
}

TEST_F(ListTest, StatusFilterReturnsOnlyThatState) {
  auto queued = submit_job(client(), "mixed");
  auto cancelled = submit_job(client(), "mixed");
  ASSERT_EQ(client().del(job_path(cancelled)).status, 200);
  submit_job(client(), "other");

  auto response = client().get("/v1/jobs?status=cancelled");
  ASSERT_EQ(response.status, 200) << response.describe();
  EXPECT_EQ(ids_of(response.json()), std::vector<std::string>{cancelled});

  auto both = client().get("/v1/jobs?queue=mixed&status=queued");
  ASSERT_EQ(both.status, 200) << both.describe();
  EXPECT_EQ(ids_of(both.json()), std::vector<std::string>{queued});
}

TEST_F(ListTest, BadFiltersAre400) {
  for (std::string query : {"status=done", "status=", "limit=0", "limit=1001", "limit=ten", "cursor=bogus",
                            "queue=a%20b", "colour=red"}) {
    EXPECT_TRUE(IsProblem(client().get("/v1/jobs?" + query), 400)) << query;
  }
}

TEST_F(ListTest, QueuesReportCountsByState) {
  submit_job(client(), "stats");
  submit_job(client(), "stats");
  auto running = submit_job(client(), "stats", "x", "text/plain", "priority=9");
  auto to_succeed = submit_job(client(), "stats", "x", "text/plain", "priority=8");
  auto to_fail = submit_job(client(), "stats", "x", "text/plain", "priority=7");
  auto to_cancel = submit_job(client(), "stats");
  ASSERT_EQ(lease_job(client(), "stats").id, running);
  auto succeed = lease_job(client(), "stats");
  ASSERT_EQ(succeed.id, to_succeed);
  ASSERT_EQ(complete_job(client(), succeed).status, 200);
  auto fail = lease_job(client(), "stats");
  ASSERT_EQ(fail.id, to_fail);
  ASSERT_EQ(fail_job(client(), fail, "no", false).status, 200);
  ASSERT_EQ(client().del(job_path(to_cancel)).status, 200);
  submit_job(client(), "elsewhere");

  auto response = client().get("/v1/queues");
  ASSERT_EQ(response.status, 200) << response.describe();
  json::value body = response.json();
  const json::object* stats = nullptr;
  for (const auto& q : body.at("queues").as_array()) {
    if (text(q, "name") == "stats") stats = &q.as_object();
  }
  ASSERT_NE(stats, nullptr) << response.describe();
  const json::object& counts = stats->at("counts").as_object();
  EXPECT_EQ(counts.at("queued").as_int64(), 2) << response.describe();
  EXPECT_EQ(counts.at("running").as_int64(), 1) << response.describe();
  EXPECT_EQ(counts.at("succeeded").as_int64(), 1) << response.describe();
  EXPECT_EQ(counts.at("failed").as_int64(), 1) << response.describe();
  EXPECT_EQ(counts.at("cancelled").as_int64(), 1) << response.describe();
  EXPECT_GE(stats->at("oldest_queued_age_seconds").to_number<double>(), 0.0) << response.describe();
  EXPECT_TRUE(stats->contains("finished_last_minute")) << response.describe();
}

}  // namespace
}  // namespace replyd::blackbox
