// Long-polls: `Prefer: wait=N` on GET /v1/jobs/{id}, and `Prefer: respond-async, wait=N` on submit
// (DESIGN.md section 3). A worker on another thread, with its own connection, finishes the job while
// the request waits; it acts only once the server reports the wait as parked (replyd_waits_active).
#include "tests/blackbox/blackbox_test.h"

#include <future>

namespace replyd::blackbox {
namespace {

using LongPollTest = BlackboxTest;

// Leases the next job of `queue` (waiting for it up to 10 s), waits until the server holds `waits`
// long-polls, then completes the job with `result` or fails it for good.
std::future<void> finish_next_job(std::string base_url, std::string queue, int waits, bool succeed) {
  return std::async(std::launch::async, [base_url, queue, waits, succeed] {
    HttpClient worker(base_url);
    auto job = lease_job(worker, queue, 10);
    wait_for_active_waits(worker, waits);
    auto answer = succeed ? complete_job(worker, job, "the result", "text/plain")
                          : fail_job(worker, job, "boom", false);
    require_status(answer, 200, "finish the job");
  });
}

TEST_F(LongPollTest, StatusLongPollAnswersWhenTheJobFinishes) {
  auto id = submit_job(client(), "q");
  auto worker = finish_next_job(server().url(), "q", 1, true);
  auto response = client().get(job_path(id), {{"Prefer", "wait=5"}}, 30s);
  worker.get();
  ASSERT_EQ(response.status, 303) << response.describe();
  EXPECT_EQ(response.header("Location"), url(job_path(id) + "/result"));
  EXPECT_EQ(response.header("Preference-Applied"), "wait=5");
  EXPECT_EQ(response.header("Vary"), "Prefer");
}

TEST_F(LongPollTest, StatusLongPollIsWokenByTheChangeNotByItsDeadline) {
  // With wait=60 an answer before the client's 20 s deadline can only come from the wake-up.
  auto id = submit_job(client(), "q");
  auto worker = finish_next_job(server().url(), "q", 1, true);
  auto response = client().get(job_path(id), {{"Prefer", "wait=60"}}, 20s);
  worker.get();
  ASSERT_EQ(response.status, 303) << response.describe();
  EXPECT_EQ(response.header("Preference-Applied"), "wait=60");
}

TEST_F(LongPollTest, StatusLongPollAnswersWithTheCurrentStateWhenTheWaitEnds) {
  auto id = submit_job(client(), "q");
  auto response = client().get(job_path(id), {{"Prefer", "wait=1"}});
  ASSERT_EQ(response.status, 200) << response.describe();
  EXPECT_EQ(text(response.json(), "status"), "queued");
  EXPECT_TRUE(is_integer_at_least(response.header("Retry-After").value_or(""), 1)) << response.describe();
  EXPECT_EQ(response.header("Preference-Applied"), "wait=1");
  EXPECT_EQ(response.header("Vary"), "Prefer");
}

TEST_F(LongPollTest, StatusLongPollOnAFinishedJobAnswersAtOnceWithTheError) {
  auto id = submit_job(client(), "q");
  ASSERT_EQ(fail_job(client(), lease_job(client(), "q"), "broken", false).status, 200);
  auto response = client().get(job_path(id), {{"Prefer", "wait=30"}}, 20s);
  ASSERT_EQ(response.status, 200) << response.describe();
  EXPECT_EQ(text(response.json(), "status"), "failed");
  EXPECT_EQ(text(response.json().at("error"), "detail"), "broken");
}

TEST_F(LongPollTest, SubmitWithRespondAsyncAndWaitAnswers303WhenTheJobSucceedsInTime) {
  auto worker = finish_next_job(server().url(), "q", 1, true);
  auto response = client().post(submit_path("q"), "x", {{"Prefer", "respond-async, wait=5"}}, 30s);
  worker.get();
  ASSERT_EQ(response.status, 303) << response.describe();
  std::string id = text(response.json(), "id");
  EXPECT_EQ(response.header("Location"), url(job_path(id) + "/result"));
  EXPECT_EQ(text(response.json(), "status"), "succeeded");
  EXPECT_EQ(response.header("Preference-Applied"), "wait=5");
  EXPECT_EQ(response.header("Vary"), "Prefer");
  EXPECT_EQ(client().get(*response.header("Location")).body, "the result");
}

TEST_F(LongPollTest, SubmitWithRespondAsyncAndWaitAnswers200WithTheErrorWhenTheJobFailsInTime) {
  auto worker = finish_next_job(server().url(), "q", 1, false);
  auto response = client().post(submit_path("q"), "x", {{"Prefer", "respond-async, wait=5"}}, 30s);
  worker.get();
  ASSERT_EQ(response.status, 200) << response.describe();
  EXPECT_EQ(text(response.json(), "status"), "failed");
  EXPECT_EQ(text(response.json().at("error"), "detail"), "boom");
  EXPECT_EQ(response.header("Preference-Applied"), "wait=5");
  EXPECT_EQ(response.header("Vary"), "Prefer");
}

TEST_F(LongPollTest, SubmitWithRespondAsyncAndWaitAnswers202WhenTheJobIsNotDoneInTime) {
  auto response = client().post(submit_path("q"), "x", {{"Prefer", "respond-async, wait=1"}});
  ASSERT_EQ(response.status, 202) << response.describe();
  std::string id = text(response.json(), "id");
  EXPECT_EQ(response.header("Location"), url(job_path(id)));
  EXPECT_TRUE(is_integer_at_least(response.header("Retry-After").value_or(""), 1)) << response.describe();
  EXPECT_EQ(response.header("Preference-Applied"), "respond-async");
  EXPECT_EQ(response.header("Vary"), "Prefer");
  EXPECT_EQ(client().get(job_path(id)).status, 200) << "the job was not stored";
}

TEST_F(LongPollTest, SubmitWithRespondAsyncAloneAnswers202) {
  auto response = client().post(submit_path("q"), "x", {{"Prefer", "respond-async"}});
  ASSERT_EQ(response.status, 202) << response.describe();
  EXPECT_EQ(response.header("Preference-Applied"), "respond-async");
  EXPECT_EQ(response.header("Vary"), "Prefer");
}

}  // namespace
}  // namespace replyd::blackbox
