#include "worker/exec_handler.h"

#include <gtest/gtest.h>

#include <mutex>

namespace replyd::worker {
namespace {

using client::HandlerOutcome;
using client::JobContext;
using client::LeasedJob;
using client::StopReason;

LeasedJob job(std::string payload = {}) {
  LeasedJob j;
  j.id = "j1";
  j.queue = "pdf";
  j.attempt = 2;
  j.lease_token = "tok";
  j.payload = Blob{"text/plain", std::move(payload)};
  return j;
}

// Runs the handler with a context whose progress reports are recorded; `on_report` sees each.
struct Harness {
  std::vector<Progress> reports;
  std::function<void(JobContext&, const Progress&)> on_report;
  JobContext context{"j1", "tok", from_micros(0), [this] {
                       auto p = context.take_progress();
                       if (!p) return;
                       reports.push_back(*p);
                       if (on_report) on_report(context, *p);
                     }};

  HandlerOutcome run(ExecOptions options, const LeasedJob& j) {
    return make_exec_handler(std::move(options))(j, context);
  }
};

ExecOptions exec(std::string command) {
  ExecOptions o;
  o.command = std::move(command);
  return o;
}

TEST(ExecHandler, StdoutIsTheResult) {
  Harness h;
  ExecOptions o = exec("tr a-z A-Z");
  o.result_type = "text/x-shout";
  auto outcome = h.run(o, job("hello"));
  ASSERT_TRUE(outcome.succeeded) << outcome.error;
  EXPECT_EQ(outcome.result.content_type, "text/x-shout");
  EXPECT_EQ(outcome.result.bytes, "HELLO");
}

TEST(ExecHandler, TheJobIsDescribedInTheEnvironment) {
  Harness h;
  auto outcome =
      h.run(exec("printf '%s %s %s' \"$REPLYD_JOB_ID\" \"$REPLYD_ATTEMPT\" \"$REPLYD_QUEUE\""), job());
  EXPECT_EQ(outcome.result.bytes, "j1 2 pdf");
}

TEST(ExecHandler, StderrProgressLinesBecomeProgress) {
  Harness h;
  auto outcome = h.run(exec("echo 'progress 1/4 reading' >&2; echo 'progress 3/4 writing' >&2"), job());
  ASSERT_TRUE(outcome.succeeded);
  EXPECT_EQ(h.reports, (std::vector<Progress>{{1, 4, "reading"}, {3, 4, "writing"}}));
}

TEST(ExecHandler, AFailingCommandFailsRetryablyWithItsStderrTail) {
  Harness h;
  ExecOptions o = exec("for i in 1 2 3 4; do echo line$i >&2; done; exit 4");
  o.stderr_tail_lines = 2;
  auto outcome = h.run(o, job());
  EXPECT_FALSE(outcome.succeeded);
  EXPECT_TRUE(outcome.retryable);
  EXPECT_EQ(outcome.error, "command failed: exit status 4; stderr:\nline3\nline4");
}

TEST(ExecHandler, ACancelTerminatesTheCommand) {
  Harness h;
  // The command's first progress report is the moment it surely runs: the cancel comes then.
  h.on_report = [](JobContext& ctx, const Progress&) { ctx.request_stop(StopReason::cancel_requested); };
  auto outcome = h.run(exec("echo 'progress 0/1 started' >&2; sleep 1000"), job());
  EXPECT_FALSE(outcome.succeeded);
  EXPECT_FALSE(outcome.retryable);
  EXPECT_EQ(outcome.error, "command terminated (cancel requested): signal 15 (SIGTERM)");
}

TEST(ExecHandler, AnExpiredLeaseTerminatesTheCommandRetryably) {
  Harness h;
  h.on_report = [](JobContext& ctx, const Progress&) { ctx.request_stop(StopReason::lease_expired); };
  auto outcome = h.run(exec("echo 'progress 0/1 started' >&2; sleep 1000"), job());
  EXPECT_TRUE(outcome.retryable);
  EXPECT_EQ(outcome.error.rfind("command terminated (the attempt's deadline passed)", 0), 0u)
      << outcome.error;
}

TEST(ExecHandler, TooLargeAResultFailsForGood) {
  Harness h;
  ExecOptions o = exec("head -c 5000 /dev/zero");
  o.max_result_bytes = 1000;
  auto outcome = h.run(o, job());
  EXPECT_FALSE(outcome.succeeded);
  EXPECT_FALSE(outcome.retryable);
}

}  // namespace
}  // namespace replyd::worker
