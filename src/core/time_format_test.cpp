#include "core/time_format.h"

#include <gtest/gtest.h>

namespace replyd {
namespace {

TEST(TimeFormat, FormatsRfc3339WithMilliseconds) {
  EXPECT_EQ(format_rfc3339(from_micros(0)), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_rfc3339(from_micros(1'795'508'530'123'456)), "2026-11-24T08:22:10.123Z");
}

TEST(TimeFormat, ParsesWhatItFormats) {
  auto t = from_micros(1'795'508'530'123'000);
  EXPECT_EQ(parse_rfc3339(format_rfc3339(t)), t);
}

TEST(TimeFormat, ParsesOffsetsAndFractions) {
  EXPECT_EQ(parse_rfc3339("2026-11-24T10:22:10+02:00"), from_micros(1'795'508'530'000'000));
  EXPECT_EQ(parse_rfc3339("2026-11-24t08:22:10.5z"), from_micros(1'795'508'530'500'000));
  EXPECT_EQ(parse_rfc3339("2026-11-24T08:22:10.1234567Z"), from_micros(1'795'508'530'123'456));
}

TEST(TimeFormat, RejectsMalformed) {
  for (const char* bad : {"", "2026-11-24", "2026-11-24T08:22:10", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
                          "2026-11-24T24:00:00Z", "2026-11-24T08:22:60Z", "2026-11-24T08:22:10.Z",
                          "2026-11-24T08:22:10Zjunk", "1969-12-31T23:59:59Z", "2026-11-24T08:22:10+2:00"}) {
    EXPECT_FALSE(parse_rfc3339(bad)) << bad;
  }
}

TEST(TimeFormat, FormatsHttpDate) {
  EXPECT_EQ(format_http_date(from_micros(784'111'777'000'000)), "Sun, 06 Nov 1994 08:49:37 GMT");
}

}  // namespace
}  // namespace replyd
