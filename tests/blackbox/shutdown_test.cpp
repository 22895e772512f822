// Graceful shutdown (DESIGN.md sections 4 and 6): SIGTERM answers open long-polls, the process exits
// 0, and a restart on the same data directory still has every acknowledged job.
#include "tests/blackbox/blackbox_test.h"

#include <signal.h>

#include <future>

namespace replyd::blackbox {
namespace {

using ShutdownTest = BlackboxTest;

TEST_F(ShutdownTest, SigtermAnswersOpenLongPollsExitsZeroAndKeepsEveryJob) {
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) ids.push_back(submit_job(client(), "durable", "job " + std::to_string(i)));
  auto done = submit_job(client(), "durable-done");
  ASSERT_EQ(complete_job(client(), lease_job(client(), "durable-done"), "kept result").status, 200);

  auto long_poll = std::async(std::launch::async, [url = server().url(), id = ids.front()] {
    HttpClient own(url);
    return own.get(job_path(id), {{"Prefer", "wait=60"}}, 30s);
  });
  wait_for_active_waits(client(), 1);
  server().kill(SIGTERM);

  auto answer = long_poll.get();
  EXPECT_EQ(answer.status, 200) << answer.describe();
  EXPECT_EQ(text(answer.json(), "status"), "queued");
  EXPECT_EQ(server().wait_exit(), 0) << server().stderr_text();

  start();
  for (const auto& id : ids) {
    auto status = client().get(job_path(id));
    EXPECT_EQ(status.status, 200) << id << ": " << status.describe();
  }
  auto list = client().get("/v1/jobs?queue=durable&limit=100");
  EXPECT_EQ(list.json().at("jobs").as_array().size(), ids.size()) << list.describe();
  EXPECT_EQ(client().get(job_path(done) + "/result").body, "kept result");
  EXPECT_EQ(lease_job(client(), "durable").response.body, "job 0");
}

TEST_F(ShutdownTest, SigtermAnswersAnOpenLeaseLongPoll) {
  auto lease = std::async(std::launch::async, [url = server().url()] {
    HttpClient own(url);
    return own.post(lease_path("idle"), {}, {{"Prefer", "wait=60"}}, 30s);
  });
  wait_for_active_waits(client(), 1);
  server().kill(SIGTERM);
  auto answer = lease.get();
  // Nothing was leased: "nothing came" (204) or "come back later" (503), never a job or a hang.
  EXPECT_TRUE(answer.status == 204 || IsProblem(answer, 503)) << answer.describe();
  EXPECT_EQ(server().wait_exit(), 0) << server().stderr_text();
}

TEST_F(ShutdownTest, KilledServerRestartsWithEveryAcknowledgedJob) {
  std::vector<std::string> ids;
  for (int i = 0; i < 20; ++i) ids.push_back(submit_job(client(), "crash"));
  server().kill(SIGKILL);
  EXPECT_EQ(server().wait_exit(), 128 + SIGKILL);
  start();
  for (const auto& id : ids) EXPECT_EQ(client().get(job_path(id)).status, 200) << id;
}

}  // namespace
}  // namespace replyd::blackbox
