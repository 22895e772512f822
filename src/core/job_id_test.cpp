#include "core/job_id.h"

#include <gtest/gtest.h>

#include <set>

namespace replyd {
namespace {

TEST(JobId, RoundTripsThroughText) {
  for (int i = 0; i < 1000; ++i) {
    JobId id = JobId::random();
    std::string text = id.to_string();
    ASSERT_EQ(text.size(), JobId::kTextLength);
    auto parsed = JobId::parse(text);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(*parsed, id);
  }
}

TEST(JobId, TextIsUrlSafeLowercaseBase32) {
  std::string text = JobId::random().to_string();
  for (char c : text) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7')) << c;
}

TEST(JobId, KnownVectors) {
  JobId zero;
  EXPECT_EQ(zero.to_string(), std::string(26, 'a'));
  JobId::Bytes ones;
  ones.fill(0xff);
  // 128 one-bits: 25 full characters of 31 ('7'), then 3 bits + 2 zero padding bits = 0b11100 = 28 ('4').
  EXPECT_EQ(JobId(ones).to_string(), std::string(25, '7') + "4");
}

TEST(JobId, RejectsMalformedText) {
  std::string good = JobId::random().to_string();
  EXPECT_FALSE(JobId::parse(""));
  EXPECT_FALSE(JobId::parse(good.substr(1)));
  EXPECT_FALSE(JobId::parse(good + "a"));
  std::string upper = good;
  upper[0] = 'A';
  EXPECT_FALSE(JobId::parse(upper));
  std::string bad_char = good;
  bad_char[3] = '1';
  EXPECT_FALSE(JobId::parse(bad_char));
  // Non-zero padding bits in the last character would give a second spelling of the same id.
  std::string padded = std::string(25, 'a') + "b";
  EXPECT_FALSE(JobId::parse(padded));
}

TEST(JobId, RandomIdsDiffer) {
  std::set<JobId> ids;
  for (int i = 0; i < 10000; ++i) ids.insert(JobId::random());
  EXPECT_EQ(ids.size(), 10000u);
}

}  // namespace
}  // namespace replyd
