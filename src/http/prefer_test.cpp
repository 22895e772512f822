#include "http/prefer.h"

#include <gtest/gtest.h>

#include <climits>

namespace replyd::http {
namespace {

Preferences parse_ok(std::string_view value) {
  auto result = parse_prefer(value);
  EXPECT_TRUE(result.has_value()) << value << ": " << (result ? "" : result.error().detail());
  return result ? *result : Preferences{};
}

std::string parse_error(std::string_view value) {
  auto result = parse_prefer(value);
  EXPECT_FALSE(result.has_value()) << value;
  if (result) return {};
  EXPECT_EQ(result.error().code(), Errc::invalid_argument);
  return result.error().detail();
}

TEST(PreferTest, RespondAsyncAndWait) {
  Preferences p = parse_ok("respond-async, wait=10");
  EXPECT_TRUE(p.respond_async);
  EXPECT_EQ(p.wait_seconds, 10);
}

TEST(PreferTest, EmptyAndAbsentMeanNoPreference) {
  Preferences p = parse_ok("");
  EXPECT_FALSE(p.respond_async);
  EXPECT_FALSE(p.wait_seconds.has_value());
  auto none = parse_prefer(std::span<const std::string_view>());
  ASSERT_TRUE(none.has_value());
  EXPECT_FALSE(none->wait_seconds.has_value());
}

TEST(PreferTest, NamesAreCaseInsensitiveAndSpacingIsFlexible) {
  Preferences p = parse_ok("  Respond-Async ,WAIT = 0 ");
  EXPECT_TRUE(p.respond_async);
  EXPECT_EQ(p.wait_seconds, 0);
}

TEST(PreferTest, SeveralHeadersAndFirstOccurrenceWins) {
  std::vector<std::string_view> values{"wait=5", "respond-async, wait=7"};
  auto result = parse_prefer(values);
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(result->respond_async);
  EXPECT_EQ(result->wait_seconds, 5);
  EXPECT_EQ(parse_ok("wait=3, wait=9").wait_seconds, 3);
}

TEST(PreferTest, UnknownPreferencesAndParametersAreIgnored) {
  Preferences p =
      parse_ok("return=minimal; foo=\"a,b;c\", handling=lenient, wait=2;x;y=1, x-custom=\"q\\\"t\"");
  EXPECT_EQ(p.wait_seconds, 2);
  EXPECT_FALSE(p.respond_async);
}

TEST(PreferTest, EmptyListElementsAreAllowed) { EXPECT_EQ(parse_ok(",, wait=4 ,,").wait_seconds, 4); }

TEST(PreferTest, LargestWaitAndOverflow) {
  EXPECT_EQ(parse_ok("wait=" + std::to_string(INT_MAX)).wait_seconds, INT_MAX);
  EXPECT_NE(parse_error("wait=2147483648").find("too large"), std::string::npos);
  EXPECT_NE(parse_error("wait=99999999999999999999999").find("too large"), std::string::npos);
}

TEST(PreferTest, MalformedValuesAreRejectedPrecisely) {
  EXPECT_NE(parse_error("wait=abc").find("\"abc\""), std::string::npos);
  EXPECT_NE(parse_error("wait=-1").find("\"-1\""), std::string::npos);
  EXPECT_NE(parse_error("wait=1.5").find("\"1.5\""), std::string::npos);
  EXPECT_NE(parse_error("wait").find("wait needs a number"), std::string::npos);
  EXPECT_NE(parse_error("wait=\"5\"").find("wait needs a number"), std::string::npos);
  EXPECT_NE(parse_error("wait=").find("after '='"), std::string::npos);
  EXPECT_NE(parse_error("respond-async=yes").find("takes no value"), std::string::npos);
}

TEST(PreferTest, JunkIsRejected) {
  parse_error("respond-async wait=5");
  parse_error("=5");
  parse_error("wait=5 x");
  parse_error("foo=\"unterminated");
  parse_error("foo=\"bad\x01\"");
  parse_error("@");
  // An unknown preference must still be well-formed.
  parse_error("foo=bar baz");
}

TEST(PreferTest, ErrorDetailQuotesTheHeader) {
  std::string detail = parse_error("respond-async, wait=soon");
  EXPECT_NE(detail.find("respond-async, wait=soon"), std::string::npos) << detail;
}

TEST(PreferTest, FromRequestHeaders) {
  OwnedRequest request(Method::post, "/x", {{"Prefer", "respond-async"}, {"Prefer", "wait=30"}});
  auto result = parse_prefer(request.get());
  ASSERT_TRUE(result.has_value());
  EXPECT_TRUE(result->respond_async);
  EXPECT_EQ(result->wait_seconds, 30);
}

}  // namespace
}  // namespace replyd::http
