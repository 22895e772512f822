#include "api/worker_bodies.h"

#include <gtest/gtest.h>

namespace replyd::api {
namespace {

TEST(HeartbeatBody, EmptyMeansNoProgress) {
  auto p = parse_heartbeat_body("");
  ASSERT_TRUE(p);
  EXPECT_FALSE(*p);
  EXPECT_FALSE(*parse_heartbeat_body("  \n"));
}

TEST(HeartbeatBody, ParsesProgress) {
  auto p = parse_heartbeat_body(R"({"current":40,"total":100,"message":"uploading"})");
  ASSERT_TRUE(p) << p.error().detail();
  ASSERT_TRUE(*p);
  EXPECT_EQ((*p)->current, 40);
  EXPECT_EQ((*p)->total, 100);
  EXPECT_EQ((*p)->message, "uploading");
  EXPECT_DOUBLE_EQ(*(*p)->percent(), 40.0);
}

TEST(HeartbeatBody, RefusesMalformed) {
  for (std::string_view bad : {"{", "[]", "42", R"({"current":-1})", R"({"current":1.5})", R"({"total":"10"})",
                               R"({"message":7})", R"({"extra":1})", R"({"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{}}}}}}}}})"}) {
    auto p = parse_heartbeat_body(bad);
    ASSERT_FALSE(p) << bad;
    EXPECT_EQ(p.error().code(), Errc::invalid_argument);
  }
  EXPECT_FALSE(parse_heartbeat_body(R"({"message":")" + std::string(1025, 'm') + "\"}"));
}

TEST(FailBody, DefaultsAndValues) {
  auto empty = parse_fail_body("");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->retryable);
  EXPECT_FALSE(empty->error.empty());
  auto body = parse_fail_body(R"({"error":"disk full","retryable":false})");
  ASSERT_TRUE(body);
  EXPECT_EQ(body->error, "disk full");
  EXPECT_FALSE(body->retryable);
}

TEST(FailBody, RefusesMalformed) {
  for (std::string_view bad : {"nope", R"({"error":1})", R"({"retryable":"yes"})", R"({"why":"x"})"}) {
    EXPECT_FALSE(parse_fail_body(bad)) << bad;
  }
}

}  // namespace
}  // namespace replyd::api
