#include "worker/progress_line.h"

#include <gtest/gtest.h>

namespace replyd::worker {
namespace {

TEST(ProgressLine, ParsesCountsAndMessage) {
  auto p = parse_progress_line("progress 40/100 uploading part 3");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->current, 40);
  EXPECT_EQ(p->total, 100);
  EXPECT_EQ(p->message, "uploading part 3");
}

TEST(ProgressLine, MessageIsOptionalAndTrimmed) {
  auto p = parse_progress_line("progress\t0/0");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->current, 0);
  EXPECT_EQ(p->total, 0);
  EXPECT_EQ(p->message, "");
  EXPECT_EQ(parse_progress_line("progress  7/9 \t almost there  \r")->message, "almost there");
}

TEST(ProgressLine, RejectsOtherLines) {
  for (const char* line :
       {"", "progress", "progress ", "progress 1", "progress 1/", "progress /2", "progress 1/2x",
        "progress -1/2", "progress 1/-2", "Progress 1/2", " progress 1/2", "progress1/2", "progress 1 / 2",
        "progressing 1/2", "progress 1234567890123456789/2", "progress 1/1234567890123456789",
        "error: disk full"}) {
    EXPECT_FALSE(parse_progress_line(line)) << line;
  }
}

TEST(ProgressLine, LargestNumbersAndLongMessages) {
  auto p = parse_progress_line("progress 999999999999999999/999999999999999999 " + std::string(2000, 'm'));
  ASSERT_TRUE(p);
  EXPECT_EQ(p->current, 999'999'999'999'999'999);
  EXPECT_EQ(p->message.size(), kMaxProgressMessage);
}

TEST(ProgressLine, SurvivesArbitraryBytes) {
  std::string line = "progress 1/2 ";
  for (int i = 0; i < 256; ++i) line.push_back(static_cast<char>(i));
  EXPECT_TRUE(parse_progress_line(line));
  std::string junk;
  for (int i = 0; i < 4096; ++i) {
    junk.push_back(static_cast<char>((i * 131) % 256));
    (void)parse_progress_line(junk);
    (void)parse_progress_line(std::string_view(junk).substr(junk.size() / 2));
  }
}

}  // namespace
}  // namespace replyd::worker
