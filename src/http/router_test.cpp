#include "http/router.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace replyd::http {
namespace {

boost::asio::awaitable<Response> ok(Exchange&) { co_return Response::empty(200); }
Handler handler() {
  return [](Exchange& e) { return ok(e); };
}

class RouterTest : public ::testing::Test {
 protected:
  RouterTest() {
    router_.add(Method::post, "/v1/queues/{queue}/jobs", handler());
    router_.add(Method::get, "/v1/jobs/{id}", handler());
    router_.add(Method::delete_, "/v1/jobs/{id}", handler());
    router_.add(Method::get, "/v1/jobs/{id}/result", handler());
    router_.add(Method::get, "/v1/jobs/stats", handler());
    router_.add(Method::get, "/v1/jobs", handler());
    router_.add(Method::get, "/", handler());
    router_.add(Method::get, "/ui/", handler());
    router_.add(Method::get, "/ui/{path...}", handler());
  }
  Router router_;
};

TEST_F(RouterTest, LiteralAndParameterSegments) {
  Match m = router_.match(Method::post, "/v1/queues/email/jobs");
  ASSERT_EQ(m.kind, Match::Kind::found);
  EXPECT_EQ(m.route->pattern, "/v1/queues/{queue}/jobs");
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0].first, "queue");
  EXPECT_EQ(m.params[0].second, "email");

  m = router_.match(Method::get, "/v1/jobs/abc/result");
  ASSERT_EQ(m.kind, Match::Kind::found);
  EXPECT_EQ(m.route->pattern, "/v1/jobs/{id}/result");
  EXPECT_EQ(m.params[0].second, "abc");
}

TEST_F(RouterTest, ParametersArePercentDecodedButPlusStays) {
  Match m = router_.match(Method::get, "/v1/jobs/a%2Fb+c");
  ASSERT_EQ(m.kind, Match::Kind::found);
  EXPECT_EQ(m.params[0].second, "a/b+c");
  m = router_.match(Method::get, "/v1/jobs/bad%zz");
  ASSERT_EQ(m.kind, Match::Kind::found);
  EXPECT_EQ(m.params[0].second, "bad%zz");
}

TEST_F(RouterTest, LiteralMatchesItsPercentEncodedSpelling) {
  Match m = router_.match(Method::get, "/v1/%6Aobs");
  ASSERT_EQ(m.kind, Match::Kind::found);
  EXPECT_EQ(m.route->pattern, "/v1/jobs");
}

TEST_F(RouterTest, LiteralBeatsParameter) {
  Match m = router_.match(Method::get, "/v1/jobs/stats");
  ASSERT_EQ(m.kind, Match::Kind::found);
  EXPECT_EQ(m.route->pattern, "/v1/jobs/stats");
  EXPECT_TRUE(m.params.empty());
}

TEST_F(RouterTest, MoreSpecificPatternWithoutTheMethodFallsThrough) {
  Match m = router_.match(Method::delete_, "/v1/jobs/stats");
  ASSERT_EQ(m.kind, Match::Kind::found);
  EXPECT_EQ(m.route->pattern, "/v1/jobs/{id}");
  EXPECT_EQ(m.params[0].second, "stats");
}

TEST_F(RouterTest, TrailingSlashIsAnotherPath) {
  EXPECT_EQ(router_.match(Method::get, "/v1/jobs/").kind, Match::Kind::not_found);
  EXPECT_EQ(router_.match(Method::get, "/v1/jobs/abc/").kind, Match::Kind::not_found);
  EXPECT_EQ(router_.match(Method::get, "/ui").kind, Match::Kind::not_found);
}

TEST_F(RouterTest, EmptySegmentDoesNotBindAParameter) {
  EXPECT_EQ(router_.match(Method::post, "/v1/queues//jobs").kind, Match::Kind::not_found);
}

TEST_F(RouterTest, RestParameterTakesTheRemainingPath) {
  Match m = router_.match(Method::get, "/ui/js/app.js");
  ASSERT_EQ(m.kind, Match::Kind::found);
  EXPECT_EQ(m.route->pattern, "/ui/{path...}");
  EXPECT_EQ(m.params[0].second, "js/app.js");
  m = router_.match(Method::get, "/ui/");
  EXPECT_EQ(m.route->pattern, "/ui/");
}

TEST_F(RouterTest, RootPath) {
  EXPECT_EQ(router_.match(Method::get, "/").kind, Match::Kind::found);
  EXPECT_EQ(router_.match(Method::get, "").kind, Match::Kind::not_found);
  EXPECT_EQ(router_.match(Method::get, "*").kind, Match::Kind::not_found);
}

TEST_F(RouterTest, HeadFallsBackToGet) {
  Match m = router_.match(Method::head, "/v1/jobs/x");
  ASSERT_EQ(m.kind, Match::Kind::found);
  EXPECT_EQ(m.route->method, Method::get);
}

TEST_F(RouterTest, ExplicitHeadRouteWins) {
  router_.add(Method::head, "/v1/jobs/{id}", handler());
  Match m = router_.match(Method::head, "/v1/jobs/x");
  ASSERT_EQ(m.kind, Match::Kind::found);
  EXPECT_EQ(m.route->method, Method::head);
}

TEST_F(RouterTest, OtherMethodIsNotAllowedWithAllowList) {
  Match m = router_.match(Method::put, "/v1/jobs/abc");
  EXPECT_EQ(m.kind, Match::Kind::method_not_allowed);
  EXPECT_EQ(m.allow, "GET, HEAD, DELETE");
  m = router_.match(Method::get, "/v1/queues/q/jobs");
  EXPECT_EQ(m.kind, Match::Kind::method_not_allowed);
  EXPECT_EQ(m.allow, "POST");
  m = router_.match(Method::unknown, "/v1/jobs");
  EXPECT_EQ(m.kind, Match::Kind::method_not_allowed);
}

TEST_F(RouterTest, ReusedMatchIsOverwritten) {
  Match m;
  router_.match(Method::get, "/v1/jobs/abc/result", m);
  router_.match(Method::get, "/v1/jobs", m);
  EXPECT_EQ(m.kind, Match::Kind::found);
  EXPECT_TRUE(m.params.empty());
  router_.match(Method::put, "/nothing", m);
  EXPECT_EQ(m.kind, Match::Kind::not_found);
  EXPECT_EQ(m.route, nullptr);
}

TEST(RouterRegistrationTest, MalformedPatternsAreRejected) {
  Router router;
  EXPECT_THROW(router.add(Method::get, "no-slash", handler()), std::invalid_argument);
  EXPECT_THROW(router.add(Method::get, "/a/{}", handler()), std::invalid_argument);
  EXPECT_THROW(router.add(Method::get, "/a/{b-c}", handler()), std::invalid_argument);
  EXPECT_THROW(router.add(Method::get, "/a/{x}/{x}", handler()), std::invalid_argument);
  EXPECT_THROW(router.add(Method::get, "/a/{rest...}/b", handler()), std::invalid_argument);
  EXPECT_THROW(router.add(Method::get, "/a/b{c}", handler()), std::invalid_argument);
  EXPECT_THROW(router.add(Method::get, "/a?b", handler()), std::invalid_argument);
  EXPECT_THROW(router.add(Method::unknown, "/a", handler()), std::invalid_argument);
}

TEST(RouterRegistrationTest, DuplicatesAreRejected) {
  Router router;
  router.add(Method::get, "/a/{x}", handler());
  router.add(Method::post, "/a/{y}", handler());
  EXPECT_THROW(router.add(Method::get, "/a/{x}", handler()), std::invalid_argument);
  EXPECT_THROW(router.add(Method::get, "/a/{z}", handler()), std::invalid_argument);
  Match m = router.match(Method::post, "/a/1");
  ASSERT_EQ(m.kind, Match::Kind::found);
  EXPECT_EQ(m.params[0].first, "y");
}

}  // namespace
}  // namespace replyd::http
