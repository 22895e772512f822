#include "client/api_error.h"

#include <gtest/gtest.h>

namespace replyd::client {
namespace {

TEST(ApiError, ParsesProblemDocument) {
  auto e = error_from_answer(Errc::not_found, 404, "Not Found",
                             R"({"type":"urn:replyd:problem:not-found","title":"Job not found","status":404,)"
                             R"("detail":"no job with id abc","extra":[1,2]})",
                             std::nullopt);
  EXPECT_EQ(e.code(), Errc::not_found);
  EXPECT_EQ(e.http_status(), 404);
  ASSERT_TRUE(e.problem());
  EXPECT_EQ(e.problem()->type, "urn:replyd:problem:not-found");
  EXPECT_EQ(e.problem()->title, "Job not found");
  EXPECT_EQ(e.problem()->status, 404);
  EXPECT_EQ(e.detail(), "no job with id abc");
  EXPECT_EQ(e.message(), "404 Job not found: no job with id abc");
}

TEST(ApiError, FallsBackToStatusLineForNonJsonBodies) {
  auto e = error_from_answer(Errc::unavailable, 502, "Bad Gateway", "upstream is down", 7);
  EXPECT_EQ(e.problem()->title, "Bad Gateway");
  EXPECT_EQ(e.problem()->type, "about:blank");
  EXPECT_EQ(e.detail(), "upstream is down");
  EXPECT_EQ(e.retry_after_s(), 7);
  EXPECT_EQ(e.message(), "502 Bad Gateway: upstream is down");
}

TEST(ApiError, IgnoresBinaryBodiesAndMissingReason) {
  auto e = error_from_answer(Errc::internal, 500, "", std::string("\x01\x02", 2), std::nullopt);
  EXPECT_EQ(e.problem()->title, "HTTP 500");
  EXPECT_EQ(e.detail(), "HTTP 500");
  EXPECT_EQ(e.message(), "500 HTTP 500");
}

TEST(ApiError, TransportErrorsHaveNoStatus) {
  ApiError e(Errc::unavailable, "cannot connect to http://127.0.0.1:1: Connection refused");
  EXPECT_EQ(e.http_status(), 0);
  EXPECT_FALSE(e.problem());
  EXPECT_EQ(e.message(), "unavailable: cannot connect to http://127.0.0.1:1: Connection refused");
  EXPECT_EQ(e.to_error().code(), Errc::unavailable);
}

TEST(ApiError, MapsStatusesToErrc) {
  EXPECT_EQ(errc_for_status(400), Errc::invalid_argument);
  EXPECT_EQ(errc_for_status(404), Errc::not_found);
  EXPECT_EQ(errc_for_status(409), Errc::invalid_state);
  EXPECT_EQ(errc_for_status(413), Errc::payload_too_large);
  EXPECT_EQ(errc_for_status(415), Errc::invalid_argument);
  EXPECT_EQ(errc_for_status(429), Errc::overloaded);
  EXPECT_EQ(errc_for_status(503), Errc::overloaded);
  EXPECT_EQ(errc_for_status(502), Errc::unavailable);
  EXPECT_EQ(errc_for_status(500), Errc::internal);
}

TEST(ApiError, ValueThrowsWithTheMessage) {
  ApiResult<int> r = ApiError(Errc::not_found, "gone");
  EXPECT_THROW((void)r.value(), std::runtime_error);
}

}  // namespace
}  // namespace replyd::client
