#include "cli/progress_printer.h"

#include <gtest/gtest.h>

#include <sstream>

namespace replyd::cli {
namespace {

client::JobStatus status(std::string state, std::optional<double> percent = std::nullopt,
                         std::string message = "") {
  client::JobStatus s;
  s.status = state;
  s.state = state == "succeeded" ? JobState::succeeded
            : state == "running" ? JobState::running
                                 : JobState::queued;
  if (percent) {
    s.progress = Progress{static_cast<std::int64_t>(*percent), 100, message};
    s.percent = percent;
  }
  return s;
}

TEST(ProgressBar, FillsCellsByPercent) {
  EXPECT_EQ(progress_bar(status("running", 50.0, "half"), 10), "[#####.....] 50% half");
  EXPECT_EQ(progress_bar(status("running", 100.0), 4), "[####] 100%");
  EXPECT_EQ(progress_bar(status("running"), 4), "[....]");
}

TEST(ProgressPrinter, PlainLinesWhenNotATerminal) {
  std::ostringstream out;
  ProgressPrinter p(out, false);
  p.update(status("queued"));
  p.update(status("running", 10.0, "a"));
  p.update(status("running", 10.0, "a"));
  p.update(status("running", 60.0, "b"));
  p.update(status("succeeded", 60.0, "b"));
  p.finish();
  EXPECT_EQ(out.str(), "queued\nrunning\n10% a\n60% b\n");
  EXPECT_EQ(out.str().find('\r'), std::string::npos);
}

TEST(ProgressPrinter, RedrawsOneBarLineOnATerminal) {
  std::ostringstream out;
  ProgressPrinter p(out, true);
  p.update(status("running", 10.0, "a"));
  p.update(status("running", 60.0, "b"));
  p.finish();
  EXPECT_EQ(out.str(), "running\n" + progress_bar(status("running", 10.0, "a")) + "\r\033[K" +
                           progress_bar(status("running", 60.0, "b")) + "\n");
}

}  // namespace
}  // namespace replyd::cli
