#include "http/sse.h"

#include <gtest/gtest.h>

namespace replyd::http {
namespace {

TEST(SseTest, EventWithIdAndData) {
  EXPECT_EQ(sse_event("status", "7", R"({"status":"running"})"),
            "event: status\nid: 7\ndata: {\"status\":\"running\"}\n\n");
}

TEST(SseTest, EmptyFieldsAreOmittedButDataIsAlwaysSent) {
  EXPECT_EQ(sse_event("", "", "x"), "data: x\n\n");
  EXPECT_EQ(sse_event("", "", ""), "data: \n\n");
}

TEST(SseTest, MultiLineDataBecomesSeveralDataLines) {
  EXPECT_EQ(sse_event("", "", "a\nb\r\nc\rd"), "data: a\ndata: b\ndata: c\ndata: d\n\n");
  EXPECT_EQ(sse_event("", "", "a\n"), "data: a\ndata: \n\n");
  EXPECT_EQ(sse_event("", "", "\r\n\r\n"), "data: \ndata: \ndata: \n\n");
}

TEST(SseTest, LeadingSpaceInDataSurvives) {
  EXPECT_EQ(sse_event("", "", " indented"), "data:  indented\n\n");
}

TEST(SseTest, EventAndIdCannotInjectFields) {
  EXPECT_EQ(sse_event("a\nb", "1\r\ndata: x", "y"), "event: a b\nid: 1  data: x\ndata: y\n\n");
  EXPECT_EQ(sse_event("",
                      std::string_view("1\0"
                                       "2",
                                       3),
                      "y"),
            "id: 12\ndata: y\n\n");
}

TEST(SseTest, Comment) {
  EXPECT_EQ(sse_comment("heartbeat"), ": heartbeat\n\n");
  EXPECT_EQ(sse_comment("a\nb"), ": a\n: b\n\n");
  EXPECT_EQ(sse_comment(""), ": \n\n");
}

TEST(SseTest, Retry) {
  EXPECT_EQ(sse_retry(std::chrono::milliseconds(3000)), "retry: 3000\n\n");
  EXPECT_EQ(sse_retry(std::chrono::milliseconds(-5)), "retry: 0\n\n");
}

}  // namespace
}  // namespace replyd::http
