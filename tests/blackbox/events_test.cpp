// Server-Sent Events: GET /v1/jobs/{id}/events (DESIGN.md section 3): a snapshot first, one event per
// change with increasing ids, progress events from heartbeats, the end after the terminal event, and
// Last-Event-ID resumption. Each change is made only after the previous event has been read, so that
// every change is seen on its own.
#include "tests/blackbox/blackbox_test.h"

namespace replyd::blackbox {
namespace {

using EventsTest = BlackboxTest;

std::int64_t event_id(const SseFrame& frame) { return std::stoll(frame.id.value_or("-1")); }
json::object event_document(const SseFrame& frame) {
  return json::parse(frame.data.value_or("")).as_object();
}

TEST_F(EventsTest, StreamHasEventStreamHeaders) {
  auto id = submit_job(client(), "q");
  SseStream stream(server().url(), job_path(id) + "/events");
  ASSERT_EQ(stream.head().status, 200) << stream.head().describe();
  EXPECT_TRUE(stream.head().header("Content-Type").value_or("").starts_with("text/event-stream"))
      << stream.head().describe();
  EXPECT_EQ(stream.head().header("X-Accel-Buffering"), "no");
}

TEST_F(EventsTest, SnapshotThenOneEventPerChangeThenTheStreamEnds) {
  auto id = submit_job(client(), "q");
  SseStream stream(server().url(), job_path(id) + "/events");
  ASSERT_EQ(stream.head().status, 200) << stream.head().describe();

  auto snapshot = stream.next_event();
  ASSERT_TRUE(snapshot);
  EXPECT_EQ(text(event_document(*snapshot), "id"), id);
  EXPECT_EQ(text(event_document(*snapshot), "status"), "queued");
  std::int64_t last = event_id(*snapshot);
  EXPECT_GE(last, 0) << "the snapshot has no decimal id";

  auto job = lease_job(client(), "q");
  auto running = stream.next_event();
  ASSERT_TRUE(running);
  EXPECT_EQ(text(event_document(*running), "status"), "running");
  EXPECT_GT(event_id(*running), last);
  last = event_id(*running);

  ASSERT_EQ(heartbeat(client(), job, R"({"current": 3, "total": 4, "message": "almost"})").status, 200);
  auto progress = stream.next_event();
  ASSERT_TRUE(progress);
  json::object progress_doc = event_document(*progress);
  EXPECT_EQ(text(progress_doc, "status"), "running");
  EXPECT_EQ(progress_doc.at("progress").at("current").as_int64(), 3);
  EXPECT_DOUBLE_EQ(progress_doc.at("progress").at("percent").to_number<double>(), 75.0);
  EXPECT_EQ(text(progress_doc.at("progress"), "message"), "almost");
  EXPECT_GT(event_id(*progress), last);
  last = event_id(*progress);

  ASSERT_EQ(complete_job(client(), job).status, 200);
  auto finished = stream.next_event();
  ASSERT_TRUE(finished);
  EXPECT_EQ(text(event_document(*finished), "status"), "succeeded");
  EXPECT_GT(event_id(*finished), last);

  EXPECT_FALSE(stream.next_event()) << "the stream went on after the terminal event";
}

TEST_F(EventsTest, EveryEventCarriesAnEventNameAndAStatusDocument) {
  auto id = submit_job(client(), "q");
  SseStream stream(server().url(), job_path(id) + "/events");
  auto snapshot = stream.next_event();
  ASSERT_TRUE(snapshot);
  EXPECT_TRUE(snapshot->event && !snapshot->event->empty());
  EXPECT_EQ(text(event_document(*snapshot).at("links"), "self"), url(job_path(id)));
}

TEST_F(EventsTest, StreamOfACancelledJobEndsAfterTheCancelEvent) {
  auto id = submit_job(client(), "q");
  SseStream stream(server().url(), job_path(id) + "/events");
  ASSERT_TRUE(stream.next_event());
  ASSERT_EQ(client().del(job_path(id)).status, 200);
  auto cancelled = stream.next_event();
  ASSERT_TRUE(cancelled);
  EXPECT_EQ(text(event_document(*cancelled), "status"), "cancelled");
  EXPECT_FALSE(stream.next_event());
}

TEST_F(EventsTest, StreamOfAFinishedJobSendsItsStateAndEnds) {
  auto id = submit_job(client(), "q");
  ASSERT_EQ(fail_job(client(), lease_job(client(), "q"), "broken", false).status, 200);
  SseStream stream(server().url(), job_path(id) + "/events");
  ASSERT_EQ(stream.head().status, 200) << stream.head().describe();
  auto only = stream.next_event();
  ASSERT_TRUE(only);
  EXPECT_EQ(text(event_document(*only), "status"), "failed");
  EXPECT_FALSE(stream.next_event());
}

TEST_F(EventsTest, LastEventIdResumesWithOnlyNewerState) {
  auto id = submit_job(client(), "q");
  auto job = lease_job(client(), "q");
  ASSERT_EQ(heartbeat(client(), job, R"({"current": 1, "total": 2})").status, 200);
  std::int64_t seen;
  {
    SseStream first(server().url(), job_path(id) + "/events");
    auto current = first.next_event();
    ASSERT_TRUE(current);
    seen = event_id(*current);
  }

  SseStream resumed(server().url(), job_path(id) + "/events", {{"Last-Event-ID", std::to_string(seen)}});
  ASSERT_EQ(resumed.head().status, 200) << resumed.head().describe();
  ASSERT_EQ(complete_job(client(), job).status, 200);
  auto next = resumed.next_event();
  ASSERT_TRUE(next);
  EXPECT_GT(event_id(*next), seen) << "an event the client had seen was sent again";
  EXPECT_EQ(text(event_document(*next), "status"), "succeeded");
  EXPECT_FALSE(resumed.next_event());
}

TEST_F(EventsTest, LastEventIdBeforeTheCurrentStateGetsTheCurrentStateFirst) {
  auto id = submit_job(client(), "q");
  std::int64_t queued_id;
  {
    SseStream first(server().url(), job_path(id) + "/events");
    auto snapshot = first.next_event();
    ASSERT_TRUE(snapshot);
    queued_id = event_id(*snapshot);
  }
  lease_job(client(), "q");
  SseStream resumed(server().url(), job_path(id) + "/events", {{"Last-Event-ID", std::to_string(queued_id)}});
  auto current = resumed.next_event();
  ASSERT_TRUE(current);
  EXPECT_GT(event_id(*current), queued_id);
  EXPECT_EQ(text(event_document(*current), "status"), "running");
}

TEST_F(EventsTest, FinishedJobWithLastEventIdAtItsLastVersionIs204) {
  auto id = submit_job(client(), "q");
  ASSERT_EQ(client().del(job_path(id)).status, 200);
  std::int64_t last;
  {
    SseStream stream(server().url(), job_path(id) + "/events");
    auto final_event = stream.next_event();
    ASSERT_TRUE(final_event);
    last = event_id(*final_event);
  }
  SseStream again(server().url(), job_path(id) + "/events", {{"Last-Event-ID", std::to_string(last)}});
  EXPECT_EQ(again.head().status, 204) << again.head().describe();
}

TEST_F(EventsTest, MalformedLastEventIdIs400) {
  auto id = submit_job(client(), "q");
  SseStream stream(server().url(), job_path(id) + "/events", {{"Last-Event-ID", "yesterday"}});
  EXPECT_TRUE(IsProblem(stream.head(), 400));
}

}  // namespace
}  // namespace replyd::blackbox
