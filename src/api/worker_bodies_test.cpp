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

namespace replyd::api {
namespace {

TEST(CompleteBatchBody, ParsesItemsWithDefaults) {
  auto items = parse_complete_batch_body(
      R"({"jobs":[{"id":"a","lease_token":"t1","content_type":"text/plain","result_base64":"aGk="},)"
      R"({"id":"b","lease_token":"t2"}]})",
      10);
  ASSERT_TRUE(items) << items.error().detail();
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ((*items)[0].id, "a");
  EXPECT_EQ((*items)[0].lease_token, "t1");
  EXPECT_EQ((*items)[0].result.content_type, "text/plain");
  EXPECT_EQ((*items)[0].result.bytes, "hi");
  EXPECT_EQ((*items)[1].result.content_type, "application/octet-stream");
  EXPECT_EQ((*items)[1].result.bytes, "");
}

TEST(CompleteBatchBody, RefusesMalformedAndOversizedBatches) {
  for (std::string_view bad :
       {"", "[]", R"({"jobs":[]})", R"({"jobs":[1]})", R"({"jobs":[{"id":"a"}]})", R"({"jobs":[{"lease_token":"t"}]})",
        R"({"jobs":[{"id":"","lease_token":"t"}]})", R"({"jobs":[{"id":"a","lease_token":"t","content_type":""}]})",
        R"({"jobs":[{"id":"a","lease_token":"t","result_base64":"%%"}]})",
        R"({"jobs":[{"id":"a","lease_token":"t","result_base64":1}]})",
        R"({"jobs":[{"id":"a","lease_token":"t","other":1}]})", R"({"jobs":[],"more":1})"}) {
    auto items = parse_complete_batch_body(bad, 10);
    ASSERT_FALSE(items) << bad;
    EXPECT_EQ(items.error().code(), Errc::invalid_argument) << bad;
  }
  EXPECT_FALSE(parse_complete_batch_body(R"({"jobs":[{"id":"a","lease_token":"t"},{"id":"b","lease_token":"t"}]})", 1));
}

}  // namespace
}  // namespace replyd::api
