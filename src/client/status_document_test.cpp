#include "client/status_document.h"

#include "core/time_format.h"

#include <gtest/gtest.h>

namespace replyd::client {
namespace {

TEST(StatusDocument, ParsesEveryField) {
  auto s = parse_status_document(R"({
    "id": "abcdefghijklmnopqrstuvwxyz", "queue": "email", "status": "running",
    "progress": {"current": 40, "total": 100, "percent": 40.0, "message": "uploading"},
    "attempt": 2, "max_attempts": 5, "cancel_requested": true,
    "created_at": "2026-01-01T00:00:00.000Z", "updated_at": "2026-01-01T00:00:01.500Z",
    "started_at": "2026-01-01T00:00:01Z", "finished_at": null, "expires_at": null,
    "error": {"type": "urn:replyd:problem:worker-error", "title": "Worker error", "status": 500,
              "detail": "exit status 3"},
    "links": {"self": "http://h/v1/jobs/x", "result": "http://h/v1/jobs/x/result", "events": "http://h/e"},
    "future_field": {"nested": [1, 2, 3]}})");
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->id, "abcdefghijklmnopqrstuvwxyz");
  EXPECT_EQ(s->queue, "email");
  EXPECT_EQ(s->status, "running");
  EXPECT_EQ(s->state, JobState::running);
  ASSERT_TRUE(s->progress);
  EXPECT_EQ(s->progress->current, 40);
  EXPECT_EQ(s->progress->total, 100);
  EXPECT_EQ(s->progress->message, "uploading");
  EXPECT_EQ(s->percent, 40.0);
  EXPECT_EQ(s->attempt, 2);
  EXPECT_EQ(s->max_attempts, 5);
  EXPECT_TRUE(s->cancel_requested);
  EXPECT_EQ(s->created_at, parse_rfc3339("2026-01-01T00:00:00Z"));
  EXPECT_EQ(s->updated_at, parse_rfc3339("2026-01-01T00:00:01.5Z"));
  EXPECT_TRUE(s->started_at);
  EXPECT_FALSE(s->finished_at);
  EXPECT_FALSE(s->expires_at);
  ASSERT_TRUE(s->error);
  EXPECT_EQ(s->error->detail, "exit status 3");
  EXPECT_EQ(s->error->status, 500);
  EXPECT_EQ(s->links.self, "http://h/v1/jobs/x");
  EXPECT_EQ(s->links.result, "http://h/v1/jobs/x/result");
  EXPECT_EQ(s->links.events, "http://h/e");
  EXPECT_FALSE(s->finished());
  EXPECT_NE(s->document.find("future_field"), std::string::npos);
}

TEST(StatusDocument, AcceptsMinimalDocumentsAndUnknownStates) {
  auto s = parse_status_document(R"({"id":"x","status":"paused","progress":null,"attempt":"two"})");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->status, "paused");
  EXPECT_FALSE(s->state);
  EXPECT_FALSE(s->progress);
  EXPECT_EQ(s->attempt, 0);
  EXPECT_FALSE(s->error);
  EXPECT_TRUE(s->links.self.empty());
}

TEST(StatusDocument, TerminalStatesAreFinished) {
  for (const char* state : {"succeeded", "failed", "cancelled"}) {
    auto s = parse_status_document(std::string(R"({"id":"x","status":")") + state + "\"}");
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->finished()) << state;
  }
}

TEST(StatusDocument, ToleratesNumbersWrittenAsDoubles) {
  auto s = parse_status_document(R"({"id":"x","status":"running","attempt":1.0,
    "progress":{"current":3.0,"total":1e2,"message":7}})");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->attempt, 1);
  EXPECT_EQ(s->progress->current, 3);
  EXPECT_EQ(s->progress->total, 100);
  EXPECT_EQ(s->progress->message, "");
}

TEST(StatusDocument, RejectsWhatIsNotAStatusDocument) {
  EXPECT_FALSE(parse_status_document(""));
  EXPECT_FALSE(parse_status_document("[]"));
  EXPECT_FALSE(parse_status_document(R"({"id":"x"})"));
  EXPECT_FALSE(parse_status_document(R"({"status":"queued"})"));
  EXPECT_FALSE(parse_status_document(R"({"id":1,"status":"queued"})"));
  auto e = parse_status_document("{not json");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code(), Errc::internal);
}

TEST(JobPage, ParsesJobsAndCursor) {
  auto page = parse_job_page(R"({"jobs":[{"id":"a","status":"queued"},{"id":"b","status":"failed"}],
                                 "next_cursor":"c2"})");
  ASSERT_TRUE(page);
  ASSERT_EQ(page->jobs.size(), 2u);
  EXPECT_EQ(page->jobs[1].id, "b");
  EXPECT_EQ(page->next_cursor, "c2");
  auto last = parse_job_page(R"({"jobs":[],"next_cursor":null})");
  ASSERT_TRUE(last);
  EXPECT_FALSE(last->next_cursor);
  EXPECT_FALSE(parse_job_page(R"({"jobs":[{"id":"a"}]})"));
  EXPECT_FALSE(parse_job_page(R"({"items":[]})"));
}

TEST(QueueList, ReadsNamesCountsAndFigures) {
  auto queues = parse_queue_list(R"({"queues":[
    {"name":"email","counts":{"queued":3,"running":1},"oldest_queued_age_s":12.5,"throughput_per_s":4},
    {"queue":"pdf","counts":{}}]})");
  ASSERT_TRUE(queues);
  ASSERT_EQ(queues->size(), 2u);
  EXPECT_EQ((*queues)[0].name, "email");
  EXPECT_EQ((*queues)[0].counts.at("queued"), 3);
  EXPECT_EQ((*queues)[0].figures.at("oldest_queued_age_s"), 12.5);
  EXPECT_EQ((*queues)[0].figures.at("throughput_per_s"), 4);
  EXPECT_EQ((*queues)[1].name, "pdf");
  EXPECT_TRUE(parse_queue_list(R"([{"name":"a"}])"));
  EXPECT_FALSE(parse_queue_list(R"({"queues":[{"counts":{}}]})"));
}

TEST(StatusDocument, ProgressText) {
  auto with = [](std::string_view progress) {
    return progress_text(*parse_status_document(std::string(R"({"id":"x","status":"running","progress":)") +
                                                std::string(progress) + "}"));
  };
  EXPECT_EQ(with(R"({"current":40,"total":100,"percent":40.0,"message":"uploading"})"), "40% uploading");
  EXPECT_EQ(with(R"({"current":1,"total":3})"), "33%");
  EXPECT_EQ(with(R"({"current":3,"message":"rows"})"), "3 rows");
  EXPECT_EQ(with(R"({"current":3,"total":0,"message":"rows"})"), "3/0 rows");
  EXPECT_EQ(with(R"({"message":"thinking"})"), "thinking");
  EXPECT_EQ(with("null"), "");
}

TEST(StatusDocument, JobIdFromIdOrUrl) {
  EXPECT_EQ(job_id_from("abc"), "abc");
  EXPECT_EQ(job_id_from("http://h:8080/v1/jobs/abc"), "abc");
  EXPECT_EQ(job_id_from("http://h/prefix/v1/jobs/abc/result?x=1"), "abc");
}

}  // namespace
}  // namespace replyd::client
