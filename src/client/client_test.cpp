#include "client/client.h"

#include "client/testing/test_http_server.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <future>

namespace replyd::client {
namespace {

using testing::TestHttpServer;
using testing::TestRequest;
using testing::TestResponse;

constexpr std::string_view kDoc =
    R"({"id":"j1","queue":"email","status":"queued","attempt":0,"max_attempts":5,)"
    R"("links":{"self":"http://h/v1/jobs/j1"}})";

// A port on which nothing listens: bound, then closed.
std::uint16_t closed_port() {
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor a(io, {boost::asio::ip::make_address("127.0.0.1"), 0});
  return a.local_endpoint().port();
}

TEST(Client, RejectsBadBaseUrls) {
  EXPECT_THROW(Client("ftp://h"), std::invalid_argument);
  EXPECT_THROW(Client("https://h"), std::invalid_argument);
  EXPECT_THROW(Client("http://"), std::invalid_argument);
  EXPECT_THROW(Client("not a url"), std::invalid_argument);
  EXPECT_THROW(Client("http://h:1/?q=1"), std::invalid_argument);
}

TEST(Client, SubmitSendsOptionsAsQueryAndHeaders) {
  TestHttpServer server([](const TestRequest&) {
    auto r = TestResponse::json(202, std::string(kDoc));
    r.headers.emplace_back("Location", "http://h/v1/jobs/j1");
    r.headers.emplace_back("Retry-After", "3");
    return r;
  });
  Client client(server.url());
  SubmitOptions options;
  options.priority = 7;
  options.delay_s = 5;
  options.run_at = "2026-01-01T00:00:00Z";
  options.timeout_s = 60;
  options.max_attempts = 3;
  options.ttl_s = 3600;
  options.callback = "http://cb/x?a=1&b=2";
  options.idempotency_key = "key-1";
  options.prefer_wait_s = 2;
  auto sub = client.submit("e mail", "payload bytes", "text/plain", options);
  ASSERT_TRUE(sub) << sub.error().message();
  EXPECT_EQ(sub->status.id, "j1");
  EXPECT_EQ(sub->status.http_status, 202);
  EXPECT_EQ(sub->location, "http://h/v1/jobs/j1");
  EXPECT_EQ(sub->retry_after_s, 3);
  EXPECT_FALSE(sub->replayed);

  auto requests = server.requests();
  ASSERT_EQ(requests.size(), 1u);
  const auto& req = requests[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.path(), "/v1/queues/e mail/jobs");
  EXPECT_EQ(req.query("priority"), "7");
  EXPECT_EQ(req.query("delay"), "5");
  EXPECT_EQ(req.query("run_at"), "2026-01-01T00:00:00Z");
  EXPECT_EQ(req.query("timeout"), "60");
  EXPECT_EQ(req.query("max_attempts"), "3");
  EXPECT_EQ(req.query("ttl"), "3600");
  EXPECT_EQ(req.query("callback"), "http://cb/x?a=1&b=2");
  EXPECT_EQ(req.header("Idempotency-Key"), "\"key-1\"");
  EXPECT_EQ(req.header("Prefer"), "respond-async, wait=2");
  EXPECT_EQ(req.header("Content-Type"), "text/plain");
  EXPECT_EQ(req.body, "payload bytes");
}

TEST(Client, SubmitWithoutOptionsSendsNoQuery) {
  TestHttpServer server([](const TestRequest&) {
    auto r = TestResponse::json(200, std::string(kDoc));
    r.headers.emplace_back("Idempotent-Replayed", "true");
    return r;
  });
  Client client(server.url() + "/prefix/");
  auto sub = client.submit("q", "", "");
  ASSERT_TRUE(sub);
  EXPECT_TRUE(sub->replayed);
  auto req = server.requests().at(0);
  EXPECT_EQ(req.target, "/prefix/v1/queues/q/jobs");
  EXPECT_EQ(req.header("Content-Type"), "application/octet-stream");
  EXPECT_EQ(req.header("Prefer"), "");
}

TEST(Client, ProblemAnswersKeepStatusAndDetail) {
  TestHttpServer server([](const TestRequest& req) {
    if (req.header("Idempotency-Key").empty())
      return TestResponse::problem(400, "Bad request", "priority: not an integer");
    return TestResponse::problem(422, "Idempotency key reused", "another body was sent with this key");
  });
  Client client(server.url());
  auto bad = client.submit("q", "x", "text/plain");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), Errc::invalid_argument);
  EXPECT_EQ(bad.error().http_status(), 400);
  EXPECT_EQ(bad.error().detail(), "priority: not an integer");
  SubmitOptions keyed;
  keyed.idempotency_key = "k";
  auto mismatch = client.submit("q", "x", "text/plain", keyed);
  ASSERT_FALSE(mismatch);
  EXPECT_EQ(mismatch.error().code(), Errc::idempotency_mismatch);
}

TEST(Client, StatusReadsTheDocumentOfA303AndLongPolls) {
  TestHttpServer server([](const TestRequest&) {
    TestResponse r = TestResponse::json(303, R"({"id":"j1","status":"succeeded"})");
    r.headers.emplace_back("Location", "http://h/v1/jobs/j1/result");
    r.headers.emplace_back("Preference-Applied", "wait=4");
    return r;
  });
  Client client(server.url());
  auto st = client.status("j1", 4);
  ASSERT_TRUE(st) << st.error().message();
  EXPECT_EQ(st->http_status, 303);
  EXPECT_EQ(st->state, JobState::succeeded);
  EXPECT_EQ(st->location, "http://h/v1/jobs/j1/result");
  EXPECT_EQ(st->preference_applied, "wait=4");
  auto req = server.requests().at(0);
  EXPECT_EQ(req.method, "GET");
  EXPECT_EQ(req.target, "/v1/jobs/j1");
  EXPECT_EQ(req.header("Prefer"), "wait=4");
}

TEST(Client, ResultBlobAndNotReady) {
  std::string big(5 * 1024 * 1024 + 3, 'r');  // beyond Beast's default 1 MB body limit
  TestHttpServer server([&](const TestRequest& req) {
    if (req.target == "/v1/jobs/done/result") return TestResponse{200, {{"Content-Type", "image/png"}}, big};
    return TestResponse::problem(409, "Result not ready", "the job is running");
  });
  Client client(server.url());
  auto blob = client.result("done");
  ASSERT_TRUE(blob) << blob.error().message();
  EXPECT_EQ(blob->content_type, "image/png");
  EXPECT_EQ(blob->bytes, big);
  auto not_ready = client.result("running");
  ASSERT_FALSE(not_ready);
  EXPECT_EQ(not_ready.error().code(), Errc::not_ready);
  EXPECT_EQ(not_ready.error().detail(), "the job is running");
}

TEST(Client, CancelListAndQueues) {
  TestHttpServer server([](const TestRequest& req) {
    if (req.method == "DELETE")
      return TestResponse::json(202, R"({"id":"j1","status":"running","cancel_requested":true})");
    if (req.path() == "/v1/jobs")
      return TestResponse::json(200, R"({"jobs":[{"id":"a","status":"queued"}],"next_cursor":"n"})");
    return TestResponse::json(200, R"({"queues":[{"name":"email","counts":{"queued":2}}]})");
  });
  Client client(server.url());
  auto c = client.cancel("j1");
  ASSERT_TRUE(c);
  EXPECT_TRUE(c->cancel_requested);
  EXPECT_EQ(c->http_status, 202);
  auto page = client.list({"email", "queued", 10, "abc"});
  ASSERT_TRUE(page);
  EXPECT_EQ(page->jobs.at(0).id, "a");
  EXPECT_EQ(page->next_cursor, "n");
  auto q = client.queues();
  ASSERT_TRUE(q);
  EXPECT_EQ(q->at(0).counts.at("queued"), 2);
  auto reqs = server.requests();
  EXPECT_EQ(reqs[1].query("queue"), "email");
  EXPECT_EQ(reqs[1].query("status"), "queued");
  EXPECT_EQ(reqs[1].query("limit"), "10");
  EXPECT_EQ(reqs[1].query("cursor"), "abc");
  EXPECT_EQ(reqs[2].target, "/v1/queues");
}

TEST(Client, ReusesOneConnection) {
  TestHttpServer server([](const TestRequest&) { return TestResponse::json(200, std::string(kDoc)); });
  Client client(server.url());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(client.status("j1"));
  EXPECT_EQ(server.connections_accepted(), 1u);
}

TEST(Client, ReplacesConnectionsIdleLongerThanMaxIdle) {
  TestHttpServer server([](const TestRequest&) { return TestResponse::json(200, std::string(kDoc)); });
  ClientOptions options;
  options.max_idle = std::chrono::milliseconds(0);  // every connection is too old to reuse
  Client client(server.url(), options);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(client.status("j1"));
  EXPECT_EQ(server.connections_accepted(), 3u);
}

TEST(Client, ReconnectsWhenTheServerClosedTheConnection) {
  TestHttpServer server([](const TestRequest&) { return TestResponse::json(200, std::string(kDoc)); });
  Client client(server.url());
  ASSERT_TRUE(client.status("j1"));
  server.drop_connections();
  ASSERT_TRUE(client.status("j1"));
  EXPECT_EQ(server.connections_accepted(), 2u);
}

TEST(Client, RetriesASafeRequestOnceWhenAReusedConnectionFails) {
  std::atomic<int> calls{0};
  TestHttpServer server([&](const TestRequest&) {
    TestResponse r = TestResponse::json(200, std::string(kDoc));
    r.drop = calls++ == 1;  // the second request dies without an answer
    return r;
  });
  Client client(server.url());
  ASSERT_TRUE(client.status("j1"));
  auto again = client.status("j1");
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ(calls.load(), 3);
  EXPECT_EQ(server.connections_accepted(), 2u);
}

TEST(Client, DoesNotRetryAnUnsafeRequest) {
  std::atomic<int> calls{0};
  TestHttpServer server([&](const TestRequest&) {
    TestResponse r = TestResponse::json(202, std::string(kDoc));
    r.drop = calls++ == 1;
    return r;
  });
  Client client(server.url());
  ASSERT_TRUE(client.submit("q", "a", "text/plain"));
  auto lost = client.submit("q", "b", "text/plain");
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().code(), Errc::unavailable);
  EXPECT_EQ(lost.error().http_status(), 0);
  EXPECT_EQ(calls.load(), 2);
}

TEST(Client, TransportErrorsAreUnavailable) {
  Client client("http://127.0.0.1:" + std::to_string(closed_port()));
  auto st = client.status("j1");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), Errc::unavailable);
  EXPECT_NE(st.error().detail().find("cannot connect"), std::string::npos);
}

TEST(Client, ReadTimeoutIsUnavailable) {
  std::promise<void> release;
  auto released = release.get_future().share();
  TestHttpServer server([released](const TestRequest&) {
    released.wait();
    return TestResponse::json(200, std::string(kDoc));
  });
  ClientOptions options;
  options.io_timeout = std::chrono::milliseconds(50);
  Client client(server.url(), options);
  auto st = client.status("j1");
  release.set_value();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code(), Errc::unavailable);
  EXPECT_NE(st.error().detail().find("timed out"), std::string::npos);
}

}  // namespace
}  // namespace replyd::client
