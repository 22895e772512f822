#include "worker/child_runner.h"

#include <gtest/gtest.h>

#include <csignal>

namespace replyd::worker {
namespace {

using namespace std::chrono_literals;

struct Run {
  ChildOutcome outcome;
  std::vector<std::string> stderr_lines;
};

Run run(ChildSpec spec, std::string_view input = {},
        const std::function<void(ChildRunner&, std::string_view)>& on_line = {}) {
  ChildRunner runner(std::move(spec));
  Run r;
  auto outcome = runner.run(input, [&](std::string_view line) {
    r.stderr_lines.emplace_back(line);
    if (on_line) on_line(runner, line);
  });
  EXPECT_TRUE(outcome) << outcome.error().detail();
  if (outcome) r.outcome = std::move(*outcome);
  return r;
}

ChildSpec sh(std::string command) {
  ChildSpec spec;
  spec.command = std::move(command);
  return spec;
}

std::string pattern(std::size_t size) {
  std::string s(size, '\0');
  for (std::size_t i = 0; i < size; ++i) s[i] = static_cast<char>((i * 2654435761u) >> 13);
  return s;
}

TEST(ChildRunner, CapturesStdoutAndExitStatus) {
  auto r = run(sh("echo hello; exit 0"));
  EXPECT_EQ(r.outcome.stdout_bytes, "hello\n");
  EXPECT_EQ(r.outcome.exit_code, 0);
  EXPECT_TRUE(r.outcome.succeeded());
  EXPECT_FALSE(r.outcome.terminated);

  auto failed = run(sh("echo partial; exit 3"));
  EXPECT_EQ(failed.outcome.exit_code, 3);
  EXPECT_FALSE(failed.outcome.succeeded());
  EXPECT_EQ(failed.outcome.describe(), "exit status 3");
}

TEST(ChildRunner, RoundTripsSeveralMebibytesThroughStdin) {
  std::string input = pattern(8 << 20);
  auto r = run(sh("cat"), input);
  EXPECT_EQ(r.outcome.exit_code, 0);
  EXPECT_TRUE(r.outcome.stdout_bytes == input);
}

TEST(ChildRunner, DoesNotDeadlockWhenTheChildWritesBeforeReading) {
  // 4 MB of output before the child reads any input: our writes and reads must interleave.
  std::string input = pattern(4 << 20);
  auto r = run(sh("head -c 4000000 /dev/zero; cat"), input);
  EXPECT_EQ(r.outcome.exit_code, 0);
  ASSERT_EQ(r.outcome.stdout_bytes.size(), 4'000'000u + input.size());
  EXPECT_TRUE(r.outcome.stdout_bytes.compare(4'000'000, std::string::npos, input) == 0);
}

TEST(ChildRunner, AChildThatIgnoresItsInputIsFine) {
  auto r = run(sh("exit 0"), pattern(4 << 20));
  EXPECT_EQ(r.outcome.exit_code, 0);
}

TEST(ChildRunner, HandsOverStderrLines) {
  auto r = run(sh("echo 'progress 1/2 half' >&2; echo other >&2; printf 'no newline' >&2"));
  EXPECT_EQ(r.stderr_lines, (std::vector<std::string>{"progress 1/2 half", "other", "no newline"}));
}

TEST(ChildRunner, SplitsOverlongStderrLines) {
  ChildSpec spec = sh("head -c 2500 /dev/zero | tr '\\0' x >&2");
  spec.max_stderr_line = 1000;
  auto r = run(spec);
  ASSERT_EQ(r.stderr_lines.size(), 3u);
  EXPECT_EQ(r.stderr_lines[0].size(), 1000u);
  EXPECT_EQ(r.stderr_lines[2].size(), 500u);
}

TEST(ChildRunner, PassesTheEnvironment) {
  ChildSpec spec = sh("printf '%s|%s' \"$REPLYD_JOB_ID\" \"$HOME_OVERRIDE_TEST\"");
  spec.environment = {"REPLYD_JOB_ID=abc", "HOME_OVERRIDE_TEST=x=y"};
  EXPECT_EQ(run(spec).outcome.stdout_bytes, "abc|x=y");
}

TEST(ChildRunner, ReportsDeathBySignal) {
  auto r = run(sh("kill -KILL $$"));
  EXPECT_FALSE(r.outcome.exit_code);
  EXPECT_EQ(r.outcome.signal, SIGKILL);
  EXPECT_EQ(r.outcome.describe(), "signal 9 (SIGKILL)");
}

TEST(ChildRunner, TerminateStopsALongSleepWithinTheGracePeriod) {
  ChildSpec spec = sh("echo started >&2; sleep 1000");
  spec.kill_grace = 1h;  // SIGTERM must be enough
  auto r = run(spec, {}, [](ChildRunner& runner, std::string_view line) {
    if (line == "started") runner.terminate();
  });
  EXPECT_TRUE(r.outcome.terminated);
  EXPECT_FALSE(r.outcome.killed);
  EXPECT_EQ(r.outcome.signal, SIGTERM);
}

TEST(ChildRunner, ACommandThatCleansUpOnSigtermIsHeard) {
  // The outer shell dies of SIGTERM at once; the inner one traps it, reports and exits by itself.
  ChildSpec spec =
      sh("sh -c 'trap \"echo cleanup >&2; exit 7\" TERM; echo started >&2; "
         "while :; do sleep 0.05; done'; echo unreachable");
  spec.kill_grace = 1h;  // only the command's own exit can end this run
  auto r = run(spec, {}, [](ChildRunner& runner, std::string_view line) {
    if (line == "started") runner.terminate();
  });
  EXPECT_TRUE(r.outcome.terminated);
  EXPECT_FALSE(r.outcome.killed);
  // The shell may also report its killed `sleep` ("Terminated") before the trap runs.
  ASSERT_FALSE(r.stderr_lines.empty());
  EXPECT_EQ(r.stderr_lines.back(), "cleanup");
}

TEST(ChildRunner, KillsAChildThatIgnoresSigterm) {
  ChildSpec spec = sh("trap '' TERM; echo started >&2; sleep 1000");
  spec.kill_grace = 50ms;
  auto r = run(spec, {}, [](ChildRunner& runner, std::string_view line) {
    if (line == "started") runner.terminate();
  });
  EXPECT_TRUE(r.outcome.terminated);
  EXPECT_TRUE(r.outcome.killed);
  EXPECT_EQ(r.outcome.signal, SIGKILL);
}

TEST(ChildRunner, TerminateBeforeRunStartsNothing) {
  ChildRunner runner(sh("echo never"));
  runner.terminate();
  auto outcome = runner.run({}, [](std::string_view) {});
  ASSERT_TRUE(outcome);
  EXPECT_TRUE(outcome->terminated);
  EXPECT_EQ(outcome->stdout_bytes, "");
  EXPECT_FALSE(outcome->exit_code);
}

TEST(ChildRunner, StrayBackgroundProcessesDoNotHoldTheRunOpen) {
  auto r = run(sh("sleep 1000 & echo done"));
  EXPECT_EQ(r.outcome.exit_code, 0);
  EXPECT_EQ(r.outcome.stdout_bytes, "done\n");
}

TEST(ChildRunner, StopsAChildThatWritesTooMuch) {
  ChildSpec spec = sh("cat /dev/zero");
  spec.max_stdout_bytes = 100'000;
  auto r = run(spec);
  EXPECT_TRUE(r.outcome.stdout_overflow);
  EXPECT_FALSE(r.outcome.succeeded());
  EXPECT_LE(r.outcome.stdout_bytes.size(), 100'000u);
}

}  // namespace
}  // namespace replyd::worker
