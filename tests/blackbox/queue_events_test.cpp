// Queue-wide Server-Sent Events for dashboards: GET /v1/queues/{queue}/events and GET /v1/events.
// One event per job created, state change and progress; data is the job's status document; ids count
// up within a stream; no snapshot at connect; heartbeat comments. Each change is made only after the
// previous event has been read, so that every change is seen on its own.
#include "tests/blackbox/blackbox_test.h"

namespace replyd::blackbox {
namespace {

class QueueEventsTest : public BlackboxTest {
 protected:
  std::vector<std::string> extra_options() const override { return {"--sse-heartbeat", "0.2"}; }
};

std::int64_t event_id(const SseFrame& frame) { return std::stoll(frame.id.value_or("-1")); }
json::object event_document(const SseFrame& frame) {
  return json::parse(frame.data.value_or("")).as_object();
}

TEST_F(QueueEventsTest, StreamHasEventStreamHeadersAndNoSnapshot) {
  submit_job(client(), "q");
  {
    // Changes are published in commit order, after the answer to their request may have left: seeing
    // a later commit's event proves the first job's creation was published before the stream below.
    SseStream sync(server().url(), "/v1/queues/sync/events");
    ASSERT_EQ(sync.head().status, 200) << sync.head().describe();
    submit_job(client(), "sync");
    ASSERT_TRUE(sync.next_event());
  }
  SseStream stream(server().url(), "/v1/queues/q/events");
  ASSERT_EQ(stream.head().status, 200) << stream.head().describe();
  EXPECT_TRUE(stream.head().header("Content-Type").value_or("").starts_with("text/event-stream"));
  EXPECT_EQ(stream.head().header("X-Accel-Buffering"), "no");

  std::string after = submit_job(client(), "q");
  auto first = stream.next_event();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->event, "created");
  EXPECT_EQ(text(event_document(*first), "id"), after) << "the job submitted before connecting was sent";
  EXPECT_EQ(event_id(*first), 1);
}

TEST_F(QueueEventsTest, CreatedStatusProgressInOrderWithTheStatusDocument) {
  SseStream stream(server().url(), "/v1/queues/q/events");
  ASSERT_EQ(stream.head().status, 200) << stream.head().describe();
  std::string id = submit_job(client(), "q");
  auto created = stream.next_event();
  ASSERT_TRUE(created);
  EXPECT_EQ(created->event, "created");
  EXPECT_EQ(text(event_document(*created), "status"), "queued");
  std::int64_t last = event_id(*created);

  auto job = lease_job(client(), "q");
  auto running = stream.next_event();
  ASSERT_TRUE(running);
  EXPECT_EQ(running->event, "status");
  EXPECT_EQ(text(event_document(*running), "status"), "running");
  EXPECT_GT(event_id(*running), last);
  last = event_id(*running);

  ASSERT_EQ(heartbeat(client(), job, R"({"current": 1, "total": 4, "message": "a quarter"})").status, 200);
  auto progress = stream.next_event();
  ASSERT_TRUE(progress);
  EXPECT_EQ(progress->event, "progress");
  EXPECT_EQ(event_document(*progress).at("progress").at("current").as_int64(), 1);
  EXPECT_GT(event_id(*progress), last);
  last = event_id(*progress);

  // A second report within the persist interval is kept in memory, and still streamed at once.
  ASSERT_EQ(heartbeat(client(), job, R"({"current": 2, "total": 4, "message": "half"})").status, 200);
  auto coalesced = stream.next_event();
  ASSERT_TRUE(coalesced);
  EXPECT_EQ(coalesced->event, "progress");
  EXPECT_EQ(event_document(*coalesced).at("progress").at("current").as_int64(), 2);
  EXPECT_GT(event_id(*coalesced), last);
  last = event_id(*coalesced);

  ASSERT_EQ(complete_job(client(), job).status, 200);
  std::optional<SseFrame> finished;
  // Storing the kept progress before the completion may add a progress event first.
  do {
    finished = stream.next_event();
    ASSERT_TRUE(finished);
    EXPECT_GT(event_id(*finished), last);
    last = event_id(*finished);
  } while (finished->event == "progress");
  EXPECT_EQ(finished->event, "status");
  json::object document = event_document(*finished);
  EXPECT_EQ(text(document, "status"), "succeeded");
  EXPECT_EQ(document.at("progress").at("current").as_int64(), 2) << "the last progress was not stored";
  EXPECT_EQ(json::value(document), client().get(job_path(id)).json()) << "not the same JSON as GET";
}

TEST_F(QueueEventsTest, OnlyTheQueueAskedFor) {
  SseStream stream(server().url(), "/v1/queues/q/events");
  ASSERT_EQ(stream.head().status, 200) << stream.head().describe();
  submit_job(client(), "other");
  std::string mine = submit_job(client(), "q");
  auto first = stream.next_event();
  ASSERT_TRUE(first);
  EXPECT_EQ(text(event_document(*first), "id"), mine);
}

TEST_F(QueueEventsTest, AllQueuesStreamSeesEveryQueue) {
  SseStream stream(server().url(), "/v1/events");
  ASSERT_EQ(stream.head().status, 200) << stream.head().describe();
  std::string a = submit_job(client(), "alpha");
  auto first = stream.next_event();
  std::string b = submit_job(client(), "beta");
  auto second = stream.next_event();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(text(event_document(*first), "id"), a);
  EXPECT_EQ(text(event_document(*second), "id"), b);
  EXPECT_EQ(text(event_document(*second), "queue"), "beta");
  EXPECT_GT(event_id(*second), event_id(*first));
}

TEST_F(QueueEventsTest, IdleStreamSendsHeartbeatComments) {
  SseStream stream(server().url(), "/v1/queues/q/events");
  ASSERT_EQ(stream.head().status, 200) << stream.head().describe();
  // The server was started with --sse-heartbeat 0.2: two comment frames arrive with no event.
  int comments = 0;
  while (comments < 2) {
    auto frame = stream.next_frame();
    ASSERT_TRUE(frame);
    EXPECT_FALSE(frame->is_event());
    if (!frame->comments.empty()) ++comments;
  }
}

TEST_F(QueueEventsTest, MalformedQueueNameIs400) {
  SseStream stream(server().url(), "/v1/queues/no%20spaces/events");
  EXPECT_TRUE(IsProblem(stream.head(), 400));
}

TEST_F(QueueEventsTest, UnknownParameterIs400) {
  SseStream stream(server().url(), "/v1/events?since=1");
  EXPECT_TRUE(IsProblem(stream.head(), 400));
}

}  // namespace
}  // namespace replyd::blackbox
