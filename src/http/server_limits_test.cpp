// The limits and timeouts of the HTTP server: every refusal is a problem+json with the right status,
// and slow or idle clients are cut off.
#include "http/server.h"

#include "http/testing/test_client.h"
#include "http/testing/test_server.h"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace replyd::http {
namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;
using testing::get_request;
using testing::TestClient;
using testing::TestServer;

net::awaitable<Response> echo_size(Exchange& exchange) {
  co_return Response::bytes(200, "text/plain", std::to_string(exchange.request().take_body().size()));
}

void expect_problem(const testing::Reply& reply, int status) {
  ASSERT_TRUE(reply.complete);
  EXPECT_EQ(reply.status, status);
  EXPECT_EQ(reply.header("Content-Type"), "application/problem+json");
  EXPECT_EQ(boost::json::parse(reply.body).as_object().at("status").as_int64(), status);
}

class ServerLimitsTest : public ::testing::Test {
 protected:
  void start(ServerOptions options = {}) {
    router_.add(
        Method::post, "/upload", [](Exchange& e) { return echo_size(e); },
        RouteOptions{.max_body_bytes = 100, .require_length = true});
    router_.add(Method::post, "/big", [](Exchange& e) { return echo_size(e); });
    server_ = std::make_unique<TestServer>(router_, std::move(options));
  }

  Router router_;
  std::unique_ptr<TestServer> server_;
};

TEST_F(ServerLimitsTest, MissingLengthIsLengthRequired) {
  start();
  TestClient client(server_->port());
  expect_problem(client.roundtrip("POST /upload HTTP/1.1\r\nHost: t\r\n\r\n"), 411);
  // Without a length there is no body either: the connection stays usable.
  EXPECT_EQ(client.roundtrip("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc").body, "3");
}

TEST_F(ServerLimitsTest, DeclaredLengthOverTheRouteLimitIsRefusedBeforeTheBody) {
  start();
  TestClient client(server_->port());
  // Expect: 100-continue makes the point: no 100 is sent, the body is never asked for.
  auto reply = client.roundtrip(
      "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 101\r\nExpect: 100-continue\r\n\r\n");
  expect_problem(reply, 413);
  EXPECT_EQ(reply.header("Connection"), "close");
  EXPECT_EQ(client.read_until_close(), "");
}

TEST_F(ServerLimitsTest, ServerDefaultLimitAppliesToRoutesWithoutOne) {
  ServerOptions options;
  options.max_body_bytes = 10;
  start(options);
  TestClient client(server_->port());
  expect_problem(client.roundtrip("POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\n"), 413);
  TestClient other(server_->port());
  EXPECT_EQ(other.roundtrip("POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\n0123456789").body,
            "10");
}

TEST_F(ServerLimitsTest, ChunkedBodyOverTheLimitIsRefused) {
  start();
  TestClient client(server_->port());
  std::string chunk(60, 'x');
  std::string request = "POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3c\r\n" +
                        chunk + "\r\n3c\r\n" + chunk + "\r\n0\r\n\r\n";
  expect_problem(client.roundtrip(request), 413);
  EXPECT_EQ(client.read_until_close(), "");
}

TEST_F(ServerLimitsTest, OversizedHeadIsRequestHeaderFieldsTooLarge) {
  ServerOptions options;
  options.max_header_bytes = 4096;
  start(options);
  TestClient client(server_->port());
  auto reply = client.roundtrip(get_request("/big", "X-Filler: " + std::string(8000, 'a') + "\r\n"));
  expect_problem(reply, 431);
  EXPECT_EQ(client.read_until_close(), "");
}

// A head of many small fields: each field fits, their sum does not.
std::string many_fields(int count) {
  std::string fields;
  for (int i = 0; i < count; ++i) fields += "X-Field-" + std::to_string(i) + ": " + std::string(40, 'v') + "\r\n";
  return fields;
}

TEST_F(ServerLimitsTest, ManySmallFieldsOverTheLimitAreRefused) {
  ServerOptions options;
  options.max_header_bytes = 4096;
  start(options);
  TestClient client(server_->port());
  expect_problem(client.roundtrip(get_request("/big", many_fields(200))), 431);
}

TEST_F(ServerLimitsTest, AHeadSentInPiecesIsCountedWhole) {
  ServerOptions options;
  options.max_header_bytes = 4096;
  start(options);
  TestClient client(server_->port());
  std::string request = get_request("/big", many_fields(200));
  bool closed = false;
  // Pieces the server reads one by one (it has answered nothing yet when each one is sent), so the
  // parser consumes the head field by field across reads.
  for (std::size_t at = 0; at < request.size() && !closed; at += 500) {
    ASSERT_TRUE(client.send(request.substr(at, 500)));
    closed = client.closed_within(5ms);
  }
  expect_problem(client.read_response(), 431);
}

TEST_F(ServerLimitsTest, AHeadJustUnderTheLimitSentInPiecesIsServed) {
  ServerOptions options;
  options.max_header_bytes = 4096;
  start(options);
  TestClient client(server_->port());
  std::string request = get_request("/big", many_fields(50));
  ASSERT_LT(request.size(), 4096u);
  for (std::size_t at = 0; at < request.size(); at += 500) {
    ASSERT_TRUE(client.send(request.substr(at, 500)));
    ASSERT_FALSE(client.closed_within(5ms));
  }
  EXPECT_EQ(client.read_response().status, 405);  // parsed whole and routed: /big takes only POST
}

TEST_F(ServerLimitsTest, MalformedRequestLineIsBadRequestAndCloses) {
  start();
  TestClient client(server_->port());
  auto reply = client.roundtrip("GET /a b c\r\nHost: t\r\n\r\n");
  expect_problem(reply, 400);
  EXPECT_EQ(reply.header("Connection"), "close");
  EXPECT_EQ(client.read_until_close(), "");
}

TEST_F(ServerLimitsTest, MissingHostIsBadRequest) {
  start();
  TestClient client(server_->port());
  expect_problem(client.roundtrip("GET /big HTTP/1.1\r\n\r\n"), 400);
}

TEST_F(ServerLimitsTest, UnsupportedVersionIsRefused) {
  start();
  TestClient client(server_->port());
  expect_problem(client.roundtrip("GET /big HTTP/2.0\r\nHost: t\r\n\r\n"), 505);
}

TEST_F(ServerLimitsTest, SlowlorisIsCutOffAtTheHeaderTimeout) {
  ServerOptions options;
  options.header_timeout = 200ms;
  options.idle_timeout = 60s;
  start(options);
  TestClient client(server_->port());
  ASSERT_TRUE(client.send("GET /big HTTP/1.1\r\nHost: t\r\nX-Slow: "));
  // One more header byte whenever the server has said nothing for 20 ms: each byte arrives well
  // within any per-read timeout, so only a deadline on the whole head can end this.
  std::size_t trickled = 0;
  bool closed = false;
  while (!closed && trickled < 10'000) {
    closed = client.closed_within(20ms);
    if (!closed) closed = !client.send("a");
    ++trickled;
  }
  EXPECT_TRUE(closed);
  EXPECT_EQ(client.read_until_close(), "");  // closed silently, no response
}

TEST_F(ServerLimitsTest, IdleKeepAliveConnectionIsClosedSilently) {
  ServerOptions options;
  options.idle_timeout = 100ms;
  start(options);
  TestClient client(server_->port());
  EXPECT_EQ(client.roundtrip("POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n").status, 200);
  EXPECT_EQ(client.read_until_close(), "");
}

TEST_F(ServerLimitsTest, ConnectionsOverTheLimitGetServiceUnavailable) {
  ServerOptions options;
  options.max_connections = 1;
  start(options);
  TestClient first(server_->port());
  EXPECT_EQ(first.roundtrip("POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n").status, 200);
  TestClient second(server_->port());
  auto reply = second.roundtrip(get_request("/big"));
  expect_problem(reply, 503);
  EXPECT_EQ(reply.header("Retry-After"), "1");
  EXPECT_EQ(reply.header("Connection"), "close");
  EXPECT_EQ(second.read_until_close(), "");
  EXPECT_EQ(server_->metric("replyd_http_connections_rejected_total"), 1);
  EXPECT_EQ(server_->server().connection_count(), 1u);
  // The first connection is still served.
  EXPECT_EQ(first.roundtrip("POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nab").body, "2");
}

}  // namespace
}  // namespace replyd::http
