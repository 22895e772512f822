#include "http/server.h"

#include "http/testing/test_client.h"
#include "http/testing/test_server.h"

#include <gtest/gtest.h>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>

#include <stdexcept>

namespace replyd::http {
namespace {

namespace net = boost::asio;
using testing::get_request;
using testing::TestClient;
using testing::TestServer;

net::awaitable<Response> hello(Exchange&) { co_return Response::bytes(200, "text/plain", "hello"); }

net::awaitable<Response> echo_params(Exchange& exchange) {
  Request& request = exchange.request();
  std::string out = std::string(request.path_param("id")) + "|" +
                    std::string(request.query_param("x").value_or("-")) + "|" +
                    std::string(request.query_param("y").value_or("-"));
  co_return Response::bytes(200, "text/plain", out);
}

net::awaitable<Response> echo_body(Exchange& exchange) {
  co_return Response::bytes(200, "application/octet-stream", exchange.request().take_body());
}

net::awaitable<Response> header_sizes(Exchange& exchange) {
  std::string out;
  for (std::string_view value : exchange.request().headers("X-Big"))
    out += std::to_string(value.size()) + ",";
  co_return Response::bytes(200, "text/plain", out);
}

net::awaitable<Response> fail(Exchange&) {
  throw std::runtime_error("handler bug");
  co_return Response::empty(200);
}

net::awaitable<Response> stream_three(Exchange& exchange) {
  Response head = Response::empty(200);
  head.set_header("Content-Type", "text/event-stream");
  if (!co_await exchange.begin_stream(std::move(head))) co_return Response::empty(200);
  for (std::string_view part : {"one\n", "two\n", "three\n"}) {
    if (!co_await exchange.write_chunk(part)) break;
  }
  co_return Response::empty(200);
}

class ServerTest : public ::testing::Test {
 protected:
  ServerTest() {
    router_.add(Method::get, "/hello", [](Exchange& e) { return hello(e); });
    router_.add(Method::get, "/things/{id}", [](Exchange& e) { return echo_params(e); });
    router_.add(Method::delete_, "/things/{id}", [](Exchange& e) { return hello(e); });
    router_.add(Method::post, "/echo", [](Exchange& e) { return echo_body(e); });
    router_.add(Method::get, "/fail", [](Exchange& e) { return fail(e); });
    router_.add(Method::get, "/headers", [](Exchange& e) { return header_sizes(e); });
    router_.add(Method::get, "/stream", [](Exchange& e) { return stream_three(e); });
    server_ = std::make_unique<TestServer>(router_);
  }

  Router router_;
  std::unique_ptr<TestServer> server_;
};

void expect_problem(const testing::Reply& reply, int status) {
  EXPECT_EQ(reply.status, status);
  EXPECT_EQ(reply.header("Content-Type"), "application/problem+json");
  auto doc = boost::json::parse(reply.body).as_object();
  EXPECT_EQ(doc.at("status").as_int64(), status);
  EXPECT_TRUE(doc.contains("title"));
  EXPECT_EQ(doc.at("type").as_string(), "about:blank");
}

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  TestClient client(server_->port());
  for (int i = 0; i < 3; ++i) {
    auto reply = client.roundtrip(get_request("/hello"));
    ASSERT_TRUE(reply.complete);
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.body, "hello");
    EXPECT_EQ(reply.header("Content-Length"), "5");
    EXPECT_EQ(reply.header("Server"), "replyd");
    EXPECT_TRUE(reply.header("Date").ends_with(" GMT"));
    EXPECT_FALSE(reply.has_header("Connection"));
  }
  EXPECT_EQ(server_->server().connection_count(), 1u);
}

TEST_F(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  TestClient client(server_->port());
  ASSERT_TRUE(client.send(get_request("/things/a") + get_request("/things/b") + get_request("/hello")));
  EXPECT_EQ(client.read_response().body, "a|-|-");
  EXPECT_EQ(client.read_response().body, "b|-|-");
  EXPECT_EQ(client.read_response().body, "hello");
}

TEST_F(ServerTest, PathAndQueryParametersArePercentDecoded) {
  TestClient client(server_->port());
  auto reply = client.roundtrip(get_request("/things/a%20b?x=1&y=hello+w%C3%B6rld"));
  EXPECT_EQ(reply.body, "a b|1|hello w\xC3\xB6rld");
}

TEST_F(ServerTest, UnknownPathIsNotFoundProblem) {
  TestClient client(server_->port());
  expect_problem(client.roundtrip(get_request("/nope")), 404);
  // The trailing slash is another path.
  expect_problem(client.roundtrip(get_request("/hello/")), 404);
  EXPECT_EQ(client.roundtrip(get_request("/hello")).status, 200);
}

TEST_F(ServerTest, WrongMethodIsMethodNotAllowedWithAllow) {
  TestClient client(server_->port());
  auto reply = client.roundtrip("PUT /things/1 HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n");
  expect_problem(reply, 405);
  EXPECT_EQ(reply.header("Allow"), "GET, HEAD, DELETE");
  EXPECT_EQ(client.roundtrip(get_request("/hello")).status, 200);
}

TEST_F(ServerTest, HeadGetsTheGetHeadersWithoutBody) {
  TestClient client(server_->port());
  auto reply = client.roundtrip("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n", true);
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.header("Content-Length"), "5");
  EXPECT_EQ(reply.header("Content-Type"), "text/plain");
  EXPECT_TRUE(reply.body.empty());
  // Had a body been sent, it would now be read as the next response.
  EXPECT_EQ(client.roundtrip(get_request("/hello")).body, "hello");
}

TEST_F(ServerTest, BodyReachesTheHandler) {
  TestClient client(server_->port());
  auto reply = client.roundtrip("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\nhello world");
  EXPECT_EQ(reply.body, "hello world");
  reply = client.roundtrip(
      "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n "
      "world\r\n0\r\n\r\n");
  EXPECT_EQ(reply.body, "hello world");
}

TEST_F(ServerTest, LargeHeadsAreReadWholeOnEveryRequest) {
  // Heads past the connection's inline arena, between small ones, on one connection.
  TestClient client(server_->port());
  std::string big = "X-Big: " + std::string(3000, 'a') + "\r\nX-Big: " + std::string(5000, 'b') + "\r\n";
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(client.roundtrip(get_request("/headers", big)).body, "3000,5000,");
    EXPECT_EQ(client.roundtrip(get_request("/headers", "X-Big: 1\r\n")).body, "1,");
  }
}

TEST_F(ServerTest, ExpectContinueGetsAnInterimResponse) {
  TestClient client(server_->port());
  ASSERT_TRUE(
      client.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n"));
  auto interim = client.read_response();
  EXPECT_EQ(interim.status, 100);
  ASSERT_TRUE(client.send("data"));
  auto reply = client.read_response();
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, "data");
}

TEST_F(ServerTest, HandlerExceptionIsInternalErrorAndConnectionSurvives) {
  TestClient client(server_->port());
  expect_problem(client.roundtrip(get_request("/fail")), 500);
  EXPECT_EQ(client.roundtrip(get_request("/hello")).body, "hello");
}

TEST_F(ServerTest, StreamIsChunkedAndClosedAfterTheHandler) {
  TestClient client(server_->port());
  auto reply = client.roundtrip(get_request("/stream"));
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.header("Transfer-Encoding"), "chunked");
  EXPECT_EQ(reply.header("Connection"), "close");
  EXPECT_EQ(reply.header("Content-Type"), "text/event-stream");
  EXPECT_EQ(reply.body, "one\ntwo\nthree\n");
  EXPECT_EQ(client.read_until_close(), "");
}

TEST_F(ServerTest, Http10ClientGetsItsAnswerAndTheConnectionCloses) {
  TestClient client(server_->port());
  auto reply = client.roundtrip("GET /hello HTTP/1.0\r\n\r\n");
  EXPECT_EQ(reply.body, "hello");
  EXPECT_EQ(reply.header("Connection"), "close");
  EXPECT_EQ(client.read_until_close(), "");
}

TEST_F(ServerTest, ConnectionCloseRequestIsHonoured) {
  TestClient client(server_->port());
  auto reply = client.roundtrip(get_request("/hello", "Connection: close\r\n"));
  EXPECT_EQ(reply.header("Connection"), "close");
  EXPECT_EQ(client.read_until_close(), "");
}

TEST_F(ServerTest, MetricsCountRequestsByRouteMethodAndStatus) {
  {
    TestClient client(server_->port());
    client.roundtrip(get_request("/things/1"));
    client.roundtrip(get_request("/things/2"));
    client.roundtrip(get_request("/missing"));
    client.roundtrip("HEAD /hello HTTP/1.1\r\nHost: t\r\n\r\n", true);
    EXPECT_EQ(server_->metric("replyd_http_connections"), 1);
  }
  EXPECT_EQ(server_->metric(R"(replyd_http_requests_total{route="/things/{id}",method="GET",status="200"})"),
            2);
  EXPECT_EQ(server_->metric(R"(replyd_http_requests_total{route="unmatched",method="GET",status="404"})"), 1);
  EXPECT_EQ(server_->metric(R"(replyd_http_requests_total{route="/hello",method="HEAD",status="200"})"), 1);
  EXPECT_EQ(server_->metric(R"(replyd_http_request_duration_seconds_count{route="/things/{id}"})"), 2);
}

TEST(ServerStartTest, PortInUseIsAClearError) {
  Router router;
  TestServer first(router);
  net::io_context io;
  metrics::Registry registry;
  ServerOptions options;
  options.listen = "127.0.0.1:" + std::to_string(first.port());
  Server second(io, options, router, registry);
  try {
    second.start();
    FAIL() << "start() should throw";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot listen on 127.0.0.1:"), std::string::npos) << e.what();
  }
}

TEST(ServerStartTest, BaseUrlNamesTheBoundPort) {
  Router router;
  TestServer server(router);
  EXPECT_NE(server.port(), 0);
  EXPECT_EQ(server.server().base_url(), "http://127.0.0.1:" + std::to_string(server.port()));
}

}  // namespace
}  // namespace replyd::http
