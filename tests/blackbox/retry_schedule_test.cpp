// The parts of retries and scheduling (issue 3 items 1, 2 and 5) that the other files do not show from
// the outside: a timed-out attempt is retried as the next attempt with its error and next run time
// visible meanwhile, and a job with `run_at` in the near future is leased only once it is due.
#include "tests/blackbox/blackbox_test.h"

namespace replyd::blackbox {
namespace {

using RetryScheduleTest = BlackboxTest;

TEST_F(RetryScheduleTest, TimedOutAttemptIsRetriedAsTheNextAttemptWithItsErrorVisibleMeanwhile) {
  auto id = submit_job(client(), "slow", "x", "text/plain", "timeout=0.3&max_attempts=2");
  SseStream events(server().url(), job_path(id) + "/events");
  ASSERT_EQ(events.head().status, 200);
  auto first = lease_job(client(), "slow");
  ASSERT_EQ(first.attempt, "1");

  // Nobody leases while the retry waits, so the stream must show the job queued again, with the error
  // of the timed-out attempt and the time of the next one.
  std::optional<json::object> waiting;
  while (auto event = events.next_event(20s)) {
    json::object doc = json::parse(*event->data).as_object();
    if (text(doc, "status") == "queued" && doc.at("attempt").as_int64() == 1) {
      waiting = doc;
      break;
    }
  }
  ASSERT_TRUE(waiting) << "the stream ended without the retry state";
  ASSERT_TRUE(waiting->contains("error")) << *waiting;
  EXPECT_TRUE(waiting->at("error").at("type").is_string()) << *waiting;
  auto run_at = parse_utc_timestamp(text(*waiting, "run_at"));
  auto updated_at = parse_utc_timestamp(text(*waiting, "updated_at"));
  ASSERT_TRUE(run_at && updated_at) << *waiting;
  EXPECT_GE(*run_at, *updated_at) << *waiting;

  auto second = lease_job(client(), "slow", 20);
  EXPECT_EQ(second.id, id);
  EXPECT_EQ(second.attempt, "2");
  EXPECT_TRUE(IsProblem(complete_job(client(), first, "late"), 409)) << "a timed-out attempt completed";
  ASSERT_EQ(complete_job(client(), second, "in time").status, 200);
  json::object doc = status_of(id);
  EXPECT_EQ(text(doc, "status"), "succeeded");
  EXPECT_EQ(doc.at("attempt").as_int64(), 2);
}

TEST_F(RetryScheduleTest, JobWithRunAtInTheNearFutureIsLeasedOnlyOnceDue) {
  // Whole seconds, at least one second ahead of now.
  auto due = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) + 2s;
  auto id = submit_job(client(), "timed", "x", "text/plain", "run_at=" + format_utc_timestamp(due));
  EXPECT_FALSE(try_lease(client(), "timed")) << "leased before its run_at";

  auto job = lease_job(client(), "timed", 20);
  EXPECT_EQ(job.id, id);
  json::object doc = status_of(id);
  auto started = parse_utc_timestamp(text(doc, "started_at"));
  ASSERT_TRUE(started) << doc;
  EXPECT_GE(*started, UtcTime(due)) << "the server started it before its run_at: " << doc;
}

}  // namespace
}  // namespace replyd::blackbox
