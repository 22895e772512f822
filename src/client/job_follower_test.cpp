// follow_job against a scripted server: the event stream when it works, the fallback to polling when
// it does not, and no fallback for an unknown job.
#include "client/job_follower.h"

#include "client/testing/test_http_server.h"

#include <gtest/gtest.h>

#include <atomic>

namespace replyd::client {
namespace {

using testing::TestHttpServer;
using testing::TestRequest;
using testing::TestResponse;

std::string event(std::string_view name, int id, std::string_view data) {
  return "event: " + std::string(name) + "\nid: " + std::to_string(id) + "\ndata: " + std::string(data) +
         "\n\n";
}

TestResponse stream(std::string body) {
  TestResponse r{200, {{"Content-Type", "text/event-stream"}}, std::move(body), true, false};
  return r;
}

constexpr std::string_view kQueued = R"({"id":"abc","status":"queued"})";
constexpr std::string_view kRunning =
    R"({"id":"abc","status":"running","progress":{"current":1,"total":2,"percent":50,"message":"half"}})";
constexpr std::string_view kSucceeded = R"({"id":"abc","status":"succeeded"})";

FollowOptions no_sleep() {
  FollowOptions o;
  o.polling.sleep = [](Duration) {};
  return o;
}

TEST(JobFollower, FollowsTheEventStreamToTheTerminalEvent) {
  std::atomic<int> polls{0};
  TestHttpServer server([&](const TestRequest& r) {
    if (r.path() == "/v1/jobs/abc/events") {
      EXPECT_EQ(r.header("Accept"), "text/event-stream");
      return stream("retry: 2000\n\n" + event("status", 1000, kQueued) + ": keep-alive\n\n" +
                    event("status", 2000, kRunning) + event("status", 3000, kSucceeded));
    }
    ++polls;
    return TestResponse::json(200, std::string(kSucceeded));
  });
  Client client(server.url());
  std::vector<std::string> seen;
  bool fell_back = false;
  auto done = follow_job(
      client, "abc", no_sleep(), [&](const JobStatus& s) { seen.push_back(s.status); },
      [&](const ApiError&) { fell_back = true; });
  ASSERT_TRUE(done) << done.error().message();
  EXPECT_EQ(done->status, "succeeded");
  EXPECT_EQ(seen, (std::vector<std::string>{"queued", "running", "succeeded"}));
  EXPECT_FALSE(fell_back);
  EXPECT_EQ(polls.load(), 0);
}

TEST(JobFollower, FallsBackToPollingWhenTheStreamEndsEarly) {
  TestHttpServer server([&](const TestRequest& r) {
    if (r.path() == "/v1/jobs/abc/events") return stream(event("status", 1000, kRunning));
    return TestResponse::json(200, std::string(kSucceeded));
  });
  Client client(server.url());
  std::vector<std::string> seen;
  std::string why;
  auto done = follow_job(
      client, "abc", no_sleep(), [&](const JobStatus& s) { seen.push_back(s.status); },
      [&](const ApiError& e) { why = e.message(); });
  ASSERT_TRUE(done) << done.error().message();
  EXPECT_EQ(done->status, "succeeded");
  EXPECT_EQ(seen, (std::vector<std::string>{"running", "succeeded"}));
  EXPECT_FALSE(why.empty());
}

TEST(JobFollower, FallsBackToPollingWhenTheStreamIsRefused) {
  TestHttpServer server([&](const TestRequest& r) {
    if (r.path() == "/v1/jobs/abc/events") return TestResponse::problem(503, "Unavailable", "try later");
    return TestResponse::json(200, std::string(kSucceeded));
  });
  Client client(server.url());
  bool fell_back = false;
  auto done = follow_job(client, "abc", no_sleep(), {}, [&](const ApiError&) { fell_back = true; });
  ASSERT_TRUE(done) << done.error().message();
  EXPECT_EQ(done->status, "succeeded");
  EXPECT_TRUE(fell_back);
}

TEST(JobFollower, AnUnknownJobIsNotFoundWithoutPolling) {
  std::atomic<int> polls{0};
  TestHttpServer server([&](const TestRequest& r) {
    if (r.path() != "/v1/jobs/abc/events") ++polls;
    return TestResponse::problem(404, "Not Found", "no such job");
  });
  Client client(server.url());
  auto done = follow_job(client, "abc", no_sleep());
  ASSERT_FALSE(done);
  EXPECT_EQ(done.error().code(), Errc::not_found);
  EXPECT_EQ(polls.load(), 0);
}

}  // namespace
}  // namespace replyd::client
