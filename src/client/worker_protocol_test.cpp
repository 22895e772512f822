#include "client/client.h"

#include "client/testing/test_http_server.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

namespace replyd::client {
namespace {

using testing::TestHttpServer;
using testing::TestRequest;
using testing::TestResponse;

constexpr std::string_view kDoc = R"({"id":"j1","status":"succeeded"})";

TEST(WorkerProtocol, LeaseReadsHeadersPayloadAnd204) {
  std::atomic<int> calls{0};
  TestHttpServer server([&](const TestRequest&) {
    if (calls++ > 0) return TestResponse{204, {}, ""};
    return TestResponse{200,
                        {{"Content-Type", "application/json"},
                         {"Replyd-Job-Id", "j1"},
                         {"Replyd-Lease-Token", "tok"},
                         {"Replyd-Lease-Expires", "2026-01-01T00:00:30Z"},
                         {"Replyd-Attempt", "1"},
                         {"Date", "Thu, 01 Jan 2026 00:00:00 GMT"}},
                        R"({"to":"x"})"};
  });
  Client client(server.url());
  auto jobs = client.lease("email", 7);
  ASSERT_TRUE(jobs) << jobs.error().message();
  ASSERT_EQ(jobs->size(), 1u);
  const auto& job = jobs->front();
  EXPECT_EQ(job.id, "j1");
  EXPECT_EQ(job.queue, "email");
  EXPECT_EQ(job.lease_token, "tok");
  EXPECT_EQ(job.attempt, 1);
  EXPECT_EQ(job.payload.content_type, "application/json");
  EXPECT_EQ(job.payload.bytes, R"({"to":"x"})");
  EXPECT_EQ(job.server_date, from_micros(1'767'225'600'000'000));
  auto none = client.lease("email", 7);
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  auto req = server.requests().at(0);
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/v1/queues/email/leases");
  EXPECT_EQ(req.header("Prefer"), "wait=7");
}

TEST(WorkerProtocol, BatchLease) {
  TestHttpServer server([](const TestRequest&) {
    return TestResponse::json(
        200, R"({"jobs":[{"id":"a","lease_token":"t","lease_expires_at":"2026-01-01T00:00:30Z",
                                       "attempt":1,"content_type":"text/plain","payload_base64":"aGk="}]})");
  });
  Client client(server.url());
  auto jobs = client.lease("q", 0, 8);
  ASSERT_TRUE(jobs) << jobs.error().message();
  EXPECT_EQ(jobs->at(0).payload.bytes, "hi");
  EXPECT_EQ(jobs->at(0).queue, "q");
  EXPECT_EQ(server.requests().at(0).query("max"), "8");
}

TEST(WorkerProtocol, WorkerCallsSendTheLeaseTokenAndMap409ToLeaseLost) {
  TestHttpServer server([](const TestRequest& req) {
    if (req.header("Replyd-Lease-Token") != "tok")
      return TestResponse::problem(409, "Lease lost", "not yours");
    if (req.path().ends_with("/heartbeat")) {
      return TestResponse::json(200,
                                R"({"lease_expires_at":"2026-01-01T00:01:00Z","cancel_requested":true})");
    }
    if (req.path().ends_with("/fail")) return TestResponse::json(200, R"({"id":"j1","status":"queued"})");
    return TestResponse::json(200, R"({"id":"j1","status":"succeeded"})");
  });
  Client client(server.url());
  auto hb = client.heartbeat("j1", "tok", Progress{4, 10, "four"});
  ASSERT_TRUE(hb) << hb.error().message();
  EXPECT_TRUE(hb->cancel_requested);
  ASSERT_TRUE(client.heartbeat("j1", "tok"));
  ASSERT_TRUE(client.complete("j1", "tok", Blob{"text/csv", "a,b"}));
  auto failed = client.fail("j1", "tok", "boom", false);
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->state, JobState::queued);
  auto lost = client.heartbeat("j1", "stolen");
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().code(), Errc::lease_lost);
  EXPECT_EQ(client.complete("j1", "stolen", Blob{}).error().code(), Errc::lease_lost);

  auto reqs = server.requests();
  EXPECT_EQ(reqs[0].target, "/v1/jobs/j1/heartbeat");
  EXPECT_EQ(reqs[0].body, R"({"current":4,"total":10,"message":"four"})");
  EXPECT_EQ(reqs[1].body, "");
  EXPECT_EQ(reqs[2].target, "/v1/jobs/j1/complete");
  EXPECT_EQ(reqs[2].header("Content-Type"), "text/csv");
  EXPECT_EQ(reqs[2].body, "a,b");
  EXPECT_EQ(reqs[3].body, R"({"error":"boom","retryable":false})");
}

TEST(WorkerProtocol, InterruptEndsALongPollAtOnce) {
  std::promise<void> arrived, release;
  auto released = release.get_future().share();
  TestHttpServer server([&, released](const TestRequest&) {
    arrived.set_value();
    released.wait();
    return TestResponse{204, {}, ""};
  });
  Client client(server.url());
  std::thread interrupter([&] {
    arrived.get_future().wait();
    client.interrupt_long_polls();
  });
  auto jobs = client.lease("q", 3600);
  interrupter.join();
  release.set_value();
  ASSERT_FALSE(jobs);
  EXPECT_EQ(jobs.error().code(), Errc::shutting_down);
  // Later long-polls end at once; other calls still work.
  EXPECT_EQ(client.lease("q", 3600).error().code(), Errc::shutting_down);
}

TEST(WorkerProtocol, InterruptLeavesOrdinaryCallsAlone) {
  TestHttpServer server([](const TestRequest&) { return TestResponse::json(200, std::string(kDoc)); });
  Client client(server.url());
  client.interrupt_long_polls();
  EXPECT_TRUE(client.status("j1"));
  EXPECT_TRUE(client.complete("j1", "tok", Blob{}));
}

}  // namespace
}  // namespace replyd::client
