#include "api/status_document.h"

#include "core/lifecycle.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

namespace replyd::api {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;

class StatusDocumentTest : public ::testing::Test {
 protected:
  Job make() {
    JobSpec spec;
    spec.queue = "email";
    spec.max_attempts = 3;
    return lifecycle::create(spec, JobId::random(), "text/plain", 3, clock.now());
  }
  json::object doc(const Job& job) { return json::parse(status_document(job, "http://h:1")).as_object(); }
  FakeClock clock;
};

TEST_F(StatusDocumentTest, QueuedJob) {
  Job job = make();
  auto d = doc(job);
  EXPECT_EQ(d["id"].as_string(), job.id.to_string());
  EXPECT_EQ(d["queue"].as_string(), "email");
  EXPECT_EQ(d["status"].as_string(), "queued");
  EXPECT_EQ(d["attempt"].as_int64(), 0);
  EXPECT_EQ(d["max_attempts"].as_int64(), 3);
  EXPECT_EQ(d["cancel_requested"].as_bool(), false);
  EXPECT_EQ(d["created_at"].as_string(), "2026-01-01T00:00:00.000Z");
  EXPECT_TRUE(d.contains("run_at"));
  EXPECT_FALSE(d.contains("error"));
  EXPECT_FALSE(d.contains("progress"));
  auto links = d["links"].as_object();
  EXPECT_EQ(links["self"].as_string(), "http://h:1/v1/jobs/" + job.id.to_string());
  EXPECT_EQ(links["events"].as_string(), "http://h:1/v1/jobs/" + job.id.to_string() + "/events");
  EXPECT_FALSE(links.contains("result"));
}

TEST_F(StatusDocumentTest, CallbackShowsTheDelivery) {
  Job job = make();
  EXPECT_FALSE(doc(job).contains("callback"));
  job.callback = CallbackStatus{"http://hooks.test/a", DeliveryState::pending, 2, "HTTP 500",
                                clock.now() + 10s, std::nullopt};
  auto c = doc(job)["callback"].as_object();
  EXPECT_EQ(c["url"].as_string(), "http://hooks.test/a");
  EXPECT_EQ(c["state"].as_string(), "pending");
  EXPECT_EQ(c["attempts"].as_int64(), 2);
  EXPECT_EQ(c["last_error"].as_string(), "HTTP 500");
  EXPECT_EQ(c["next_attempt_at"].as_string(), "2026-01-01T00:00:10.000Z");
  EXPECT_FALSE(c.contains("delivered_at"));
  job.callback = CallbackStatus{"http://hooks.test/a", DeliveryState::delivered, 3, "", std::nullopt, clock.now()};
  c = doc(job)["callback"].as_object();
  EXPECT_EQ(c["state"].as_string(), "delivered");
  EXPECT_FALSE(c.contains("last_error"));
  EXPECT_FALSE(c.contains("next_attempt_at"));
  EXPECT_EQ(c["delivered_at"].as_string(), "2026-01-01T00:00:00.000Z");
}

TEST_F(StatusDocumentTest, RunningWithProgress) {
  Job job = make();
  lifecycle::start_attempt(job, clock.now(), 30s, "t");
  ASSERT_TRUE(lifecycle::heartbeat(job, "t", clock.now(), 30s, Progress{1, 4, "a \"quoted\"\nline"}));
  auto d = doc(job);
  EXPECT_EQ(d["status"].as_string(), "running");
  auto p = d["progress"].as_object();
  EXPECT_EQ(p["current"].as_int64(), 1);
  EXPECT_EQ(p["total"].as_int64(), 4);
  EXPECT_DOUBLE_EQ(p["percent"].to_number<double>(), 25.0);
  EXPECT_EQ(p["message"].as_string(), "a \"quoted\"\nline");
  EXPECT_FALSE(d.contains("run_at"));
}

TEST_F(StatusDocumentTest, SucceededHasResultLink) {
  Job job = make();
  lifecycle::start_attempt(job, clock.now(), 30s, "t");
  ASSERT_TRUE(lifecycle::complete(job, "t", clock.now(), "application/json", 12));
  auto d = doc(job);
  EXPECT_EQ(d["status"].as_string(), "succeeded");
  EXPECT_EQ(d["links"].as_object()["result"].as_string(), "http://h:1/v1/jobs/" + job.id.to_string() + "/result");
  EXPECT_EQ(d["result"].as_object()["content_type"].as_string(), "application/json");
  EXPECT_TRUE(d.contains("finished_at"));
  EXPECT_TRUE(d.contains("expires_at"));
}

TEST_F(StatusDocumentTest, FailedHasProblem) {
  Job job = make();
  lifecycle::start_attempt(job, clock.now(), 30s, "t");
  ASSERT_TRUE(lifecycle::fail(job, "t", clock.now(), Problem{"urn:x", "Worker error", 500, "bad \xff byte"}, false,
                              RetryPolicy{}, 0));
  auto d = doc(job);
  auto e = d["error"].as_object();
  EXPECT_EQ(e["type"].as_string(), "urn:x");
  EXPECT_EQ(e["status"].as_int64(), 500);
  EXPECT_EQ(e["detail"].as_string(), "bad \xef\xbf\xbd byte");  // invalid UTF-8 replaced, JSON stays valid
}

TEST(JsonWriter, NestsAndSeparates) {
  std::string out;
  JsonWriter w(out);
  w.begin_object();
  w.key("a");
  w.begin_array();
  w.number(std::int64_t{1});
  w.boolean(true);
  w.null();
  w.begin_object();
  w.end_object();
  w.end_array();
  w.key("b");
  w.number(0.5);
  w.key("c");
  w.string("\x01");
  w.end_object();
  EXPECT_EQ(out, R"({"a":[1,true,null,{}],"b":0.5,"c":"\u0001"})");
}

}  // namespace
}  // namespace replyd::api
