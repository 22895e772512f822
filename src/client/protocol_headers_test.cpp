#include "client/protocol_headers.h"

#include "client/json_fields.h"
#include "core/time_format.h"

#include <gtest/gtest.h>

namespace replyd::client {
namespace {

TEST(ProtocolHeaders, RetryAfterIsIntegerSeconds) {
  EXPECT_EQ(parse_retry_after("5"), 5);
  EXPECT_EQ(parse_retry_after(" 0 "), 0);
  EXPECT_EQ(parse_retry_after("99999999999999999999999"), 24 * 3600);
  EXPECT_FALSE(parse_retry_after(""));
  EXPECT_FALSE(parse_retry_after("-1"));
  EXPECT_FALSE(parse_retry_after("1.5"));
  EXPECT_FALSE(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT"));
}

TEST(ProtocolHeaders, SmallInts) {
  EXPECT_EQ(parse_small_int("3"), 3);
  EXPECT_EQ(parse_small_int("2147483647"), 2147483647);
  EXPECT_FALSE(parse_small_int("2147483648"));
  EXPECT_FALSE(parse_small_int("3a"));
  EXPECT_FALSE(parse_small_int(""));
}

TEST(ProtocolHeaders, HttpDateRoundTrips) {
  auto t = from_micros(1'795'508'530'000'000);
  EXPECT_EQ(parse_http_date(format_http_date(t)), t);
  EXPECT_EQ(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), from_micros(784'111'777'000'000));
  EXPECT_FALSE(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT"));
  EXPECT_FALSE(parse_http_date("Sun, 31 Feb 1994 08:49:37 GMT"));
  EXPECT_FALSE(parse_http_date("Sun, 06 Nov 1994 25:49:37 GMT"));
  EXPECT_FALSE(parse_http_date("Sun, 06 Foo 1994 08:49:37 GMT"));
  EXPECT_FALSE(parse_http_date(""));
}

TEST(ProtocolHeaders, PreferValues) {
  EXPECT_EQ(prefer_wait(10, true), "respond-async, wait=10");
  EXPECT_EQ(prefer_wait(3, false), "wait=3");
  EXPECT_EQ(prefer_wait(-4, false), "wait=0");
}

TEST(ProtocolHeaders, IdempotencyKeyIsAStructuredFieldString) {
  EXPECT_EQ(idempotency_key_header("abc"), "\"abc\"");
  EXPECT_EQ(idempotency_key_header("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_FALSE(idempotency_key_header(""));
  EXPECT_FALSE(idempotency_key_header("tab\there"));
  EXPECT_FALSE(idempotency_key_header("caf\xc3\xa9"));
}

TEST(JsonFields, ValidUtf8KeepsGoodTextAndReplacesBadBytes) {
  using json_fields::valid_utf8;
  EXPECT_EQ(valid_utf8("plain"), "plain");
  EXPECT_EQ(valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
            "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  EXPECT_EQ(valid_utf8("\xc3"), "\xEF\xBF\xBD");
  EXPECT_EQ(valid_utf8("\xc0\xaf"), "\xEF\xBF\xBD\xEF\xBF\xBD");                  // overlong
  EXPECT_EQ(valid_utf8("\xed\xa0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(valid_utf8("\xf4\x90\x80\x80").size(), 12u);                          // past U+10FFFF
}

}  // namespace
}  // namespace replyd::client
