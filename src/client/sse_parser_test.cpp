#include "client/sse_parser.h"

#include <gtest/gtest.h>

namespace replyd::client {
namespace {

TEST(SseParser, ReadsEventsWithTheirFields) {
  SseParser p;
  p.feed("retry: 2000\n\nevent: status\nid: 5000\ndata: {\"a\":1}\n\n: keep-alive\n\n");
  auto e = p.next();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->event, "status");
  EXPECT_EQ(e->id, "5000");
  EXPECT_EQ(e->data, "{\"a\":1}");
  EXPECT_FALSE(p.next()) << "a comment or a retry frame is not an event";
  EXPECT_EQ(p.retry_ms(), 2000);
}

TEST(SseParser, JoinsDataLinesAndDefaultsTheEventType) {
  SseParser p;
  p.feed("data: one\ndata:two\ndata\n\n");
  auto e = p.next();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->event, "message");
  EXPECT_EQ(e->data, "one\ntwo\n");
}

TEST(SseParser, AcceptsEveryLineEndAndAnySplit) {
  std::string text = "event: progress\r\nid: 7\rdata: x\r\n\r\nevent: status\ndata: y\n\n";
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    SseParser p;
    p.feed(text.substr(0, cut));
    p.feed(text.substr(cut));
    auto first = p.next();
    auto second = p.next();
    ASSERT_TRUE(first && second) << "split at " << cut;
    EXPECT_EQ(first->event, "progress");
    EXPECT_EQ(first->id, "7");
    EXPECT_EQ(first->data, "x");
    EXPECT_EQ(second->event, "status");
    EXPECT_EQ(second->id, "7") << "the last id stays in effect";
    EXPECT_EQ(second->data, "y");
    EXPECT_FALSE(p.next());
  }
}

TEST(SseParser, AnUnfinishedFrameIsNotAnEvent) {
  SseParser p;
  p.feed("event: status\ndata: partial\n");
  EXPECT_FALSE(p.next());
  p.feed("\n");
  EXPECT_TRUE(p.next());
}

}  // namespace
}  // namespace replyd::client
