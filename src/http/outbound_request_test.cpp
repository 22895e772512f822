// One outbound POST against a test server on 127.0.0.1: what is sent, the status whatever it is, the
// bounded answer, the SSRF guard before any connection, and failures as values.
#include "http/outbound_request.h"

#include "client/testing/test_http_server.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <gtest/gtest.h>

namespace replyd::http {
namespace {

namespace net = boost::asio;
using client::testing::TestHttpServer;
using client::testing::TestRequest;
using client::testing::TestResponse;

OutboundResult send(OutboundRequest request, OutboundOptions options) {
  net::io_context io;
  OutboundResult result;
  net::co_spawn(net::make_strand(io), send_outbound(std::move(request), options),
                [&result](std::exception_ptr e, OutboundResult r) {
                  if (e) std::rethrow_exception(e);
                  result = std::move(r);
                });
  io.run();
  return result;
}

OutboundOptions allow_private() {
  OutboundOptions options;
  options.allow_private = true;
  return options;
}

TEST(OutboundRequest, PostsTheBodyAndHeadersAndReturnsTheStatus) {
  TestHttpServer server([](const TestRequest&) { return TestResponse::json(201, R"({"ok":true})"); });
  OutboundRequest request{server.url() + "/hook?x=1", "application/json", {{"webhook-id", "msg_1"}}, "{}"};
  OutboundResult result = send(request, allow_private());
  EXPECT_EQ(result.status, 201) << result.error;
  EXPECT_EQ(result.body, R"({"ok":true})");
  ASSERT_EQ(server.requests().size(), 1u);
  const TestRequest seen = server.requests().at(0);
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.target, "/hook?x=1");
  EXPECT_EQ(seen.header("content-type"), "application/json");
  EXPECT_EQ(seen.header("webhook-id"), "msg_1");
  EXPECT_EQ(seen.body, "{}");
}

TEST(OutboundRequest, RedirectsAreReturnedNotFollowed) {
  TestHttpServer server([](const TestRequest&) {
    TestResponse r;
    r.status = 302;
    r.headers.emplace_back("Location", "/elsewhere");
    return r;
  });
  OutboundResult result = send(OutboundRequest{server.url() + "/hook", "text/plain", {}, "x"}, allow_private());
  EXPECT_EQ(result.status, 302);
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(OutboundRequest, ALongAnswerIsCutAndTheStatusStillCounts) {
  TestHttpServer server([](const TestRequest&) { return TestResponse::json(200, std::string(10'000, 'a')); });
  OutboundOptions options = allow_private();
  options.max_response_body = 100;
  OutboundResult result = send(OutboundRequest{server.url() + "/", "text/plain", {}, "x"}, options);
  EXPECT_EQ(result.status, 200) << result.error;
  EXPECT_LE(result.body.size(), 100u);
}

TEST(OutboundRequest, TheGuardRefusesLoopbackBeforeConnecting) {
  TestHttpServer server([](const TestRequest&) { return TestResponse::json(200, "{}"); });
  std::string url = "http://localhost:" + std::to_string(server.port()) + "/hook";
  OutboundResult result = send(OutboundRequest{url, "text/plain", {}, "x"}, OutboundOptions{});
  EXPECT_EQ(result.status, 0);
  EXPECT_TRUE(result.refused);
  EXPECT_NE(result.error.find("loopback"), std::string::npos) << result.error;
  EXPECT_EQ(server.connections_accepted(), 0u);
}

TEST(OutboundRequest, FailuresAreValues) {
  std::uint16_t closed_port = 0;
  {
    TestHttpServer gone([](const TestRequest&) { return TestResponse::json(200, "{}"); });
    closed_port = gone.port();
  }
  OutboundResult refused_connect =
      send(OutboundRequest{"http://127.0.0.1:" + std::to_string(closed_port) + "/", "text/plain", {}, "x"},
           allow_private());
  EXPECT_EQ(refused_connect.status, 0);
  EXPECT_FALSE(refused_connect.refused);
  EXPECT_NE(refused_connect.error.find("connect"), std::string::npos) << refused_connect.error;
  OutboundResult https = send(OutboundRequest{"https://example.com/", "text/plain", {}, "x"}, allow_private());
  EXPECT_TRUE(https.refused);
  EXPECT_NE(https.error.find("https"), std::string::npos);
}

}  // namespace
}  // namespace replyd::http
