// Real-time replies across nodes on one PostgreSQL database (issue 4): a dashboard's queue stream on
// one node sees jobs created, leased, progressing and finished through other nodes (LISTEN/NOTIFY),
// with the right event names; progress kept in memory on the node that received the heartbeat reaches
// a stream on another node once it is stored (within --progress-interval). Each step is taken only
// after the previous one was seen.
#include "tests/blackbox/multinode_test.h"

namespace replyd::blackbox {
namespace {

using MultinodeEventsTest = MultinodeTest;

constexpr int kA = 0, kB = 1, kC = 2;

json::object document_of(const SseFrame& frame) { return json::parse(frame.data.value_or("")).as_object(); }

SseFrame next_of(SseStream& stream) {
  auto frame = stream.next_event(20s);
  if (!frame) throw std::runtime_error("the event stream ended early");
  return *frame;
}

TEST_F(MultinodeEventsTest, QueueStreamOnOneNodeSeesWhatTheOthersDo) {
  SseStream stream(node(kB).url(), "/v1/queues/q/events");
  ASSERT_EQ(stream.head().status, 200) << stream.head().describe();

  std::string id = submit_job(client(kA), "q");
  SseFrame created = next_of(stream);
  EXPECT_EQ(created.event, "created");
  EXPECT_EQ(text(document_of(created), "id"), id);

  LeasedJob job = lease_job(client(kC), "q");
  SseFrame running = next_of(stream);
  EXPECT_EQ(running.event, "status");
  EXPECT_EQ(text(document_of(running), "status"), "running");

  ASSERT_EQ(heartbeat(client(kC), job, R"({"current": 1, "total": 2})").status, 200);
  SseFrame progress = next_of(stream);
  EXPECT_EQ(progress.event, "progress") << "the NOTIFY lost that the change is progress";
  EXPECT_EQ(document_of(progress).at("progress").at("current").as_int64(), 1);

  ASSERT_EQ(complete_job(client(kC), job).status, 200);
  SseFrame finished = next_of(stream);
  EXPECT_EQ(finished.event, "status");
  EXPECT_EQ(text(document_of(finished), "status"), "succeeded");
  EXPECT_GT(std::stoll(*finished.id), std::stoll(*created.id));
}

TEST_F(MultinodeEventsTest, ProgressKeptInMemoryOnOneNodeReachesAnotherOnceStored) {
  std::string id = submit_job(client(kA), "q");
  LeasedJob job = lease_job(client(kC), "q");
  SseStream stream(node(kB).url(), job_path(id) + "/events");
  ASSERT_EQ(text(document_of(next_of(stream)), "status"), "running");
  ASSERT_EQ(heartbeat(client(kC), job, R"({"current": 1, "total": 3})").status, 200);
  ASSERT_EQ(document_of(next_of(stream)).at("progress").at("current").as_int64(), 1);
  // Within the 1 s interval after the first write: kept in memory on node C, stored by its flush.
  ASSERT_EQ(heartbeat(client(kC), job, R"({"current": 2, "total": 3})").status, 200);
  EXPECT_EQ(document_of(next_of(stream)).at("progress").at("current").as_int64(), 2);
}

}  // namespace
}  // namespace replyd::blackbox
