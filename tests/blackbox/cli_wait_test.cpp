// `replyd wait` and `replyd watch` against a real server: wait follows the job's event stream (it is
// parked on the server before the test acts), prints plain progress lines when its output is not a
// terminal, and exits 0, 1 or 2 by the job's end; watch prints one line per queue event.
#include "tests/blackbox/blackbox_test.h"
#include "tests/support/cli_process.h"

namespace replyd::blackbox {
namespace {

using CliWaitTest = BlackboxTest;

TEST_F(CliWaitTest, WaitFollowsTheStreamAndExitsZeroOnSuccess) {
  auto id = submit_job(client(), "q");
  auto job = lease_job(client(), "q");
  CliProcess wait({REPLYD_BINARY, "wait", id, "--server", server().url()});
  wait_for_active_waits(client(), 1);  // the stream is open and waiting
  ASSERT_EQ(heartbeat(client(), job, R"({"current": 1, "total": 2, "message": "half"})").status, 200);
  ASSERT_TRUE(wait.wait_for_output("50% half")) << wait.output();
  ASSERT_EQ(complete_job(client(), job).status, 200);
  EXPECT_EQ(wait.wait_exit(), 0) << wait.output();
  std::string out = wait.output();
  EXPECT_NE(out.find("running\n"), std::string::npos) << out;
  EXPECT_NE(out.find("succeeded"), std::string::npos) << out;
  EXPECT_EQ(out.find('\r'), std::string::npos) << "a bar was drawn on a pipe: " << out;
  EXPECT_EQ(out.find("polling instead"), std::string::npos) << "the stream was not used: " << out;
}

TEST_F(CliWaitTest, WaitExitsOneWhenTheJobFails) {
  auto id = submit_job(client(), "q");
  auto job = lease_job(client(), "q");
  CliProcess wait({REPLYD_BINARY, "wait", id, "--server", server().url()});
  wait_for_active_waits(client(), 1);
  ASSERT_EQ(fail_job(client(), job, "broken", false).status, 200);
  EXPECT_EQ(wait.wait_exit(), 1) << wait.output();
  EXPECT_NE(wait.output().find("broken"), std::string::npos) << wait.output();
}

TEST_F(CliWaitTest, WaitExitsTwoWhenTheJobIsCancelled) {
  auto id = submit_job(client(), "q");
  CliProcess wait({REPLYD_BINARY, "wait", id, "--server", server().url()});
  wait_for_active_waits(client(), 1);
  ASSERT_EQ(client().del(job_path(id)).status, 200);
  EXPECT_EQ(wait.wait_exit(), 2) << wait.output();
}

TEST_F(CliWaitTest, WaitWithoutStreamPollsToTheEnd) {
  auto id = submit_job(client(), "q");
  auto job = lease_job(client(), "q");
  CliProcess wait({REPLYD_BINARY, "wait", id, "--server", server().url(), "--no-stream"});
  wait_for_active_waits(client(), 1);  // the long-poll is parked
  ASSERT_EQ(complete_job(client(), job).status, 200);
  EXPECT_EQ(wait.wait_exit(), 0) << wait.output();
}

TEST_F(CliWaitTest, WaitForAnUnknownJobExitsThree) {
  CliProcess wait({REPLYD_BINARY, "wait", "aaaaaaaaaaaaaaaaaaaaaaaaaa", "--server", server().url()});
  EXPECT_EQ(wait.wait_exit(), 3) << wait.output();
}

TEST_F(CliWaitTest, WatchPrintsOneLinePerQueueEvent) {
  CliProcess watch({REPLYD_BINARY, "watch", "q", "--server", server().url()});
  wait_for_active_waits(client(), 1);
  auto id = submit_job(client(), "q");
  EXPECT_TRUE(watch.wait_for_output("created  " + id + " q queued")) << watch.output();
  auto job = lease_job(client(), "q");
  EXPECT_TRUE(watch.wait_for_output("status   " + id + " q running")) << watch.output();
}

}  // namespace
}  // namespace replyd::blackbox
