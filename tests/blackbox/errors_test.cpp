// Error answers shared by every endpoint (DESIGN.md section 3 and section 4, Bad input): unknown and
// malformed ids are 404 (never 400), every error is application/problem+json with a matching
// `status`, a wrong method is 405 with Allow, an oversized head is 431.
#include "tests/blackbox/blackbox_test.h"

#include <boost/beast/http/verb.hpp>

namespace replyd::blackbox {
namespace {

namespace http = boost::beast::http;
using ErrorsTest = BlackboxTest;

constexpr std::string_view kUnknownId = "aaaaaaaaaaaaaaaaaaaaaaaaaa";

// Every endpoint with a job id in its path.
struct IdRoute {
  http::verb method;
  std::string suffix;
};
const std::vector<IdRoute> kIdRoutes = {
    {http::verb::get, ""},        {http::verb::delete_, ""},        {http::verb::get, "/result"},
    {http::verb::get, "/events"}, {http::verb::post, "/heartbeat"}, {http::verb::post, "/complete"},
    {http::verb::post, "/fail"},
};

HttpResponse call(HttpClient& client, const IdRoute& route, std::string_view id) {
  return client.request(route.method, job_path(id) + route.suffix, {},
                        {{"Replyd-Lease-Token", "some-token"}});
}

TEST_F(ErrorsTest, UnknownIdIs404ProblemOnEveryJobEndpoint) {
  for (const auto& route : kIdRoutes) {
    EXPECT_TRUE(IsProblem(call(client(), route, kUnknownId), 404))
        << http::to_string(route.method) << " " << route.suffix;
  }
}

TEST_F(ErrorsTest, MalformedIdIs404NeverBadRequest) {
  const std::vector<std::string> ids = {"abc",     "AAAAAAAAAAAAAAAAAAAAAAAAAA", std::string(27, 'a'), "%00",
                                        "..%2F..", "aaaaaaaaaaaaaaaaaaaaaaaaa!", "%F0%9F%98%80"};
  for (const auto& id : ids) {
    for (const auto& route : kIdRoutes) {
      EXPECT_TRUE(IsProblem(call(client(), route, id), 404))
          << http::to_string(route.method) << " /v1/jobs/" << id << route.suffix;
    }
  }
}

TEST_F(ErrorsTest, AcknowledgedJobIsNever404) {
  auto id = submit_job(client(), "q");
  EXPECT_EQ(client().get(job_path(id)).status, 200);
  EXPECT_EQ(client().get(job_path(id) + "/result").status, 409);
  SseStream events(server().url(), job_path(id) + "/events");
  EXPECT_EQ(events.head().status, 200);
}

TEST_F(ErrorsTest, UnknownPathIs404Problem) {
  EXPECT_TRUE(IsProblem(client().get("/v1/nothing-here"), 404));
  EXPECT_TRUE(IsProblem(client().get("/v2/jobs"), 404));
}

TEST_F(ErrorsTest, WrongMethodOnAJobIs405WithAllow) {
  auto id = submit_job(client(), "q");
  auto response = client().request(http::verb::put, job_path(id), "x");
  ASSERT_TRUE(IsProblem(response, 405));
  std::string allow = response.header("Allow").value_or("");
  EXPECT_NE(allow.find("GET"), std::string::npos) << response.describe();
  EXPECT_NE(allow.find("DELETE"), std::string::npos) << response.describe();
  EXPECT_EQ(allow.find("PUT"), std::string::npos) << response.describe();
}

TEST_F(ErrorsTest, WrongMethodOnSubmitIs405WithAllowPost) {
  auto response = client().get(submit_path("q"));
  ASSERT_TRUE(IsProblem(response, 405));
  EXPECT_NE(response.header("Allow").value_or("").find("POST"), std::string::npos) << response.describe();
}

TEST_F(ErrorsTest, WrongMethodOnALeaseIs405WithAllowPost) {
  auto response = client().request(http::verb::delete_, lease_path("q"));
  ASSERT_TRUE(IsProblem(response, 405));
  EXPECT_NE(response.header("Allow").value_or("").find("POST"), std::string::npos) << response.describe();
}

TEST_F(ErrorsTest, OversizedRequestHeadIs431) {
  auto response = client().get("/healthz", {{"X-Padding", std::string(24 * 1024, 'p')}});
  EXPECT_TRUE(IsProblem(response, 431));
}

TEST_F(ErrorsTest, MalformedRequestLineIs400AndTheServerStaysUp) {
  RawConnection raw(server().url());
  raw.send("THIS IS NOT HTTP\r\n\r\n");
  auto response = raw.read_response();
  EXPECT_TRUE(IsProblem(response, 400));
  EXPECT_EQ(client().get("/healthz").status, 200);
}

}  // namespace
}  // namespace replyd::blackbox
