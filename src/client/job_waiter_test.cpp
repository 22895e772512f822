#include "client/job_waiter.h"

#include "client/testing/test_http_server.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

namespace replyd::client {
namespace {

using namespace std::chrono_literals;
using testing::TestHttpServer;
using testing::TestRequest;
using testing::TestResponse;

// Answers the n-th status request with the n-th script entry (the last one repeats).
struct Script {
  std::vector<TestResponse> answers;
  std::atomic<std::size_t> next{0};

  TestResponse operator()(const TestRequest&) {
    std::size_t i = next++;
    return answers[std::min(i, answers.size() - 1)];
  }
};

TestResponse running(int percent, std::string_view applied = "") {
  auto r = TestResponse::json(200, fmt::format(R"({{"id":"j","status":"running","progress":{{"current":{},)"
                                               R"("total":100,"percent":{},"message":"m"}}}})",
                                               percent, percent));
  r.headers.emplace_back("Retry-After", "2");
  if (!applied.empty()) r.headers.emplace_back("Preference-Applied", std::string(applied));
  return r;
}

TEST(JobWaiter, FollowsTheJobUntilItFinishes) {
  Script script{{running(10, "wait=5"), running(60, "wait=5"),
                 TestResponse::json(303, R"({"id":"j","status":"succeeded"})")}};
  TestHttpServer server([&](const TestRequest& r) { return script(r); });
  Client client(server.url());
  FakeClock clock;
  std::vector<Duration> sleeps;
  std::vector<int> seen;
  WaitOptions options;
  options.clock = &clock;
  options.sleep = [&](Duration d) { sleeps.push_back(d); };
  auto done = wait_for_job(client, "j", options, [&](const JobStatus& s) {
    seen.push_back(s.progress ? static_cast<int>(*s.progress->current) : -1);
  });
  ASSERT_TRUE(done) << done.error().message();
  EXPECT_EQ(done->state, JobState::succeeded);
  EXPECT_EQ(seen, (std::vector<int>{10, 60, -1}));
  EXPECT_TRUE(sleeps.empty());  // the server held each poll: no pause between them
  // The first poll is short; later ones last the Retry-After.
  EXPECT_EQ(server.requests().at(0).header("Prefer"), "wait=1");
  EXPECT_EQ(server.requests().at(1).header("Prefer"), "wait=2");
}

TEST(JobWaiter, HonoursRetryAfterWhenTheServerDoesNotHoldThePoll) {
  Script script{{running(10), TestResponse::json(200, R"({"id":"j","status":"failed"})")}};
  TestHttpServer server([&](const TestRequest& r) { return script(r); });
  Client client(server.url());
  FakeClock clock;  // does not move: every answer looks immediate
  std::vector<Duration> sleeps;
  WaitOptions options;
  options.clock = &clock;
  options.sleep = [&](Duration d) { sleeps.push_back(d); };
  auto done = wait_for_job(client, "j", options);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->state, JobState::failed);
  EXPECT_EQ(sleeps, (std::vector<Duration>{2s}));
}

TEST(JobWaiter, RetriesOverloadAndGivesUpOnOtherErrors) {
  auto busy = TestResponse::problem(503, "Overloaded", "try later");
  busy.headers.emplace_back("Retry-After", "3");
  Script script{{busy, TestResponse::json(200, R"({"id":"j","status":"cancelled"})")}};
  TestHttpServer server([&](const TestRequest& r) { return script(r); });
  Client client(server.url());
  std::vector<Duration> sleeps;
  WaitOptions options;
  options.sleep = [&](Duration d) { sleeps.push_back(d); };
  auto done = wait_for_job(client, "j", options);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->state, JobState::cancelled);
  ASSERT_EQ(sleeps.size(), 1u);
  EXPECT_GE(sleeps[0], Duration(3s));

  TestHttpServer missing(
      [](const TestRequest&) { return TestResponse::problem(404, "Not found", "no such job"); });
  Client other(missing.url());
  auto gone = wait_for_job(other, "j", options);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code(), Errc::not_found);
}

TEST(JobWaiter, GivesUpAfterRepeatedTransportFailures) {
  auto busy = TestResponse::problem(503, "Overloaded", "try later");
  TestHttpServer server([&](const TestRequest&) { return busy; });
  Client client(server.url());
  int sleeps = 0;
  WaitOptions options;
  options.max_failures = 3;
  options.sleep = [&](Duration) { ++sleeps; };
  auto r = wait_for_job(client, "j", options);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code(), Errc::overloaded);
  EXPECT_EQ(sleeps, 2);
  EXPECT_EQ(server.requests().size(), 3u);
}

}  // namespace
}  // namespace replyd::client
