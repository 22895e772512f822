// Handlers that wait: cancellation when the client goes away, and the graceful stop.
#include "http/server.h"

#include "http/testing/test_client.h"
#include "http/testing/test_server.h"

#include <gtest/gtest.h>

#include <future>

namespace replyd::http {
namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;
using testing::Gate;
using testing::get_request;
using testing::TestClient;
using testing::TestServer;

net::awaitable<Response> hello(Exchange&) { co_return Response::bytes(200, "text/plain", "hello"); }

// Waits on the gate; reports how the wait ended through `outcome`, which it sets exactly once.
net::awaitable<Response> wait_on_gate(Exchange* exchange, Gate* gate, std::promise<Gate::Outcome>* outcome,
                                      bool watch_peer) {
  if (watch_peer) exchange->cancel_on_peer_close();
  Gate::Outcome result = co_await gate->wait(exchange->executor());
  outcome->set_value(result);
  co_return Response::bytes(200, "text/plain", "released");
}

class ServerStopTest : public ::testing::Test {
 protected:
  ServerStopTest() {
    router_.add(Method::get, "/hello", [](Exchange& e) { return hello(e); });
    router_.add(Method::get, "/watched",
                [this](Exchange& e) { return wait_on_gate(&e, &gate_, &outcome_, true); });
    router_.add(Method::get, "/held",
                [this](Exchange& e) { return wait_on_gate(&e, &gate_, &outcome_, false); });
  }

  Router router_;
  Gate gate_;
  std::promise<Gate::Outcome> outcome_;
};

TEST_F(ServerStopTest, ClientCloseCancelsAWatchingHandler) {
  TestServer server(router_);
  TestClient client(server.port());
  ASSERT_TRUE(client.send(get_request("/watched")));
  gate_.entered().wait();
  client.close();
  EXPECT_EQ(outcome_.get_future().get(), Gate::Outcome::cancelled);
}

TEST_F(ServerStopTest, RequestPipelinedDuringTheWatchIsKept) {
  TestServer server(router_);
  TestClient client(server.port());
  ASSERT_TRUE(client.send(get_request("/watched")));
  gate_.entered().wait();
  // The watch is reading now: this request lands in its read, and must be served after the first.
  ASSERT_TRUE(client.send(get_request("/hello") + get_request("/hello")));
  gate_.open();
  EXPECT_EQ(client.read_response().body, "released");
  EXPECT_EQ(client.read_response().body, "hello");
  EXPECT_EQ(client.read_response().body, "hello");
  EXPECT_EQ(outcome_.get_future().get(), Gate::Outcome::opened);
}

TEST_F(ServerStopTest, GracefulStopFinishesInFlightRequestAndClosesIdleConnections) {
  TestServer server(router_);
  TestClient idle(server.port());
  EXPECT_EQ(idle.roundtrip(get_request("/hello")).status, 200);
  TestClient busy(server.port());
  ASSERT_TRUE(busy.send(get_request("/held")));
  gate_.entered().wait();

  std::future<void> stopped = server.stop(60s);
  EXPECT_EQ(idle.read_until_close(), "");  // closed at once, without an answer
  EXPECT_EQ(stopped.wait_for(0s), std::future_status::timeout) << "a request is still in flight";

  gate_.open();
  auto reply = busy.read_response();
  EXPECT_EQ(reply.body, "released");
  EXPECT_EQ(reply.header("Connection"), "close");
  EXPECT_EQ(busy.read_until_close(), "");
  stopped.get();
  EXPECT_EQ(server.server().connection_count(), 0u);
}

TEST_F(ServerStopTest, IdleKeepAliveConnectionDoesNotDelayTheStop) {
  TestServer server(router_);
  TestClient idle(server.port());
  EXPECT_EQ(idle.roundtrip(get_request("/hello")).status, 200);
  // A deadline far beyond the test's own timeout: only closing the idle connection at once ends this.
  server.stop(1h).get();
  EXPECT_EQ(idle.read_until_close(), "");
}

TEST_F(ServerStopTest, DeadlineCancelsHandlersThatAreStillRunning) {
  TestServer server(router_);
  TestClient busy(server.port());
  ASSERT_TRUE(busy.send(get_request("/held")));
  gate_.entered().wait();
  std::future<void> stopped = server.stop(50ms);
  EXPECT_EQ(outcome_.get_future().get(), Gate::Outcome::cancelled);
  stopped.get();
  EXPECT_EQ(busy.read_until_close(), "");
}

TEST_F(ServerStopTest, StopBeforeAnyConnectionAndNewConnectionsAreRefused) {
  TestServer server(router_);
  std::uint16_t port = server.port();
  server.stop(1s).get();
  EXPECT_THROW(TestClient{port}, std::runtime_error);
}

}  // namespace
}  // namespace replyd::http
