// The job event stream beyond the basics of events_test.cpp: heartbeat comments (--sse-heartbeat),
// the retry hint, resumption after a dropped connection with the query parameter, progress kept in
// memory yet streamed at once and stored within --progress-interval, and the --max-wait cap of
// long-polls.
#include "tests/blackbox/blackbox_test.h"
#include "tests/support/metric_wait.h"

#include <csignal>
#include <set>

namespace replyd::blackbox {
namespace {

class EventsResumeTest : public BlackboxTest {
 protected:
  std::vector<std::string> extra_options() const override {
    return {"--sse-heartbeat", "0.2", "--progress-interval", "1", "--max-wait", "1"};
  }

  double metric(std::string_view name) {
    return metric_value(client().get("/metrics").body, name).value_or(0);
  }
};

std::int64_t event_id(const SseFrame& frame) { return std::stoll(frame.id.value_or("-1")); }
json::object event_document(const SseFrame& frame) {
  return json::parse(frame.data.value_or("")).as_object();
}
std::int64_t current_of(const SseFrame& frame) {
  return event_document(frame).at("progress").at("current").as_int64();
}

TEST_F(EventsResumeTest, FirstFrameCarriesARetryHint) {
  auto id = submit_job(client(), "q");
  SseStream stream(server().url(), job_path(id) + "/events");
  auto first = stream.next_frame();
  ASSERT_TRUE(first);
  ASSERT_TRUE(first->retry);
  EXPECT_GT(std::stoll(*first->retry), 0);
}

TEST_F(EventsResumeTest, IdleStreamSendsHeartbeatComments) {
  auto id = submit_job(client(), "q");
  SseStream stream(server().url(), job_path(id) + "/events");
  ASSERT_TRUE(stream.next_event());  // the snapshot
  int comments = 0;
  while (comments < 2) {
    auto frame = stream.next_frame();
    ASSERT_TRUE(frame);
    EXPECT_FALSE(frame->is_event()) << "an event without a change";
    if (!frame->comments.empty()) ++comments;
  }
}

TEST_F(EventsResumeTest, ResumeAfterADroppedConnectionLosesNothingAndRepeatsNothing) {
  auto id = submit_job(client(), "q");
  auto job = lease_job(client(), "q");
  std::set<std::int64_t> seen;
  std::int64_t last = 0;
  {
    SseStream first(server().url(), job_path(id) + "/events");
    auto running = first.next_event();
    ASSERT_TRUE(running);
    ASSERT_EQ(text(event_document(*running), "status"), "running");
    ASSERT_EQ(heartbeat(client(), job, R"({"current": 1, "total": 3})").status, 200);
    auto one = first.next_event();
    ASSERT_TRUE(one);
    EXPECT_EQ(current_of(*one), 1);
    seen = {event_id(*running), event_id(*one)};
    last = event_id(*one);
  }  // the connection drops here
  ASSERT_EQ(heartbeat(client(), job, R"({"current": 2, "total": 3})").status, 200);

  // A browser's EventSource cannot set headers on the first request: the query parameter.
  SseStream resumed(server().url(), job_path(id) + "/events?last_event_id=" + std::to_string(last));
  ASSERT_EQ(resumed.head().status, 200) << resumed.head().describe();
  auto two = resumed.next_event();
  ASSERT_TRUE(two);
  EXPECT_EQ(current_of(*two), 2) << "the change made while away was lost";
  ASSERT_EQ(heartbeat(client(), job, R"({"current": 3, "total": 3})").status, 200);
  std::vector<SseFrame> rest{*two};
  // The write of a value kept in memory may come as one more event with that value and a newer id.
  do {
    auto next = resumed.next_event();
    ASSERT_TRUE(next);
    rest.push_back(*next);
  } while (current_of(rest.back()) == 2);
  EXPECT_EQ(current_of(rest.back()), 3);
  ASSERT_EQ(complete_job(client(), job).status, 200);
  while (auto next = resumed.next_event()) rest.push_back(*next);
  EXPECT_EQ(text(event_document(rest.back()), "status"), "succeeded");
  for (const SseFrame& frame : rest) {
    EXPECT_GT(event_id(frame), last) << "ids must increase";
    EXPECT_FALSE(seen.contains(event_id(frame))) << "event " << event_id(frame) << " was sent again";
    last = event_id(frame);
  }
}

TEST_F(EventsResumeTest, ProgressKeptInMemoryIsStreamedAtOnceAndStoredBeforeTheJobEnds) {
  auto id = submit_job(client(), "q");
  auto job = lease_job(client(), "q");
  SseStream stream(server().url(), job_path(id) + "/events");
  ASSERT_TRUE(stream.next_event());
  // Reports in a row: the first is stored, the next ones (within 1 s of a write) are kept in memory;
  // every one reaches the stream at once either way. A kept value's later write (the flush) is one
  // more event with the value before.
  for (int i = 1; i <= 5; ++i) {
    std::string body = R"({"current": )" + std::to_string(i) + R"(, "total": 5})";
    ASSERT_EQ(heartbeat(client(), job, body).status, 200);
    std::optional<SseFrame> event;
    do {
      event = stream.next_event();
      ASSERT_TRUE(event);
      EXPECT_EQ(event->event, "progress");
    } while (current_of(*event) == i - 1);
    EXPECT_EQ(current_of(*event), i);
  }
  EXPECT_GE(metric(R"(replyd_progress_updates_total{outcome="coalesced"})"), 1)
      << "no report was kept in memory";
  EXPECT_GE(metric(R"(replyd_progress_updates_total{outcome="persisted"})"), 1);

  ASSERT_EQ(complete_job(client(), job).status, 200);
  server().kill(SIGKILL);
  server().wait_exit();
  start();
  json::object stored = status_of(id);
  EXPECT_EQ(text(stored, "status"), "succeeded");
  EXPECT_EQ(stored.at("progress").at("current").as_int64(), 5) << "the last progress was not stored";
}

// With the default 15 s heartbeat, only noticing the close itself frees the wait within 5 s.
using EventsDisconnectTest = BlackboxTest;

TEST_F(EventsDisconnectTest, AClientThatLeavesIsNoticedAtOnceAndItsWaitFreed) {
  auto id = submit_job(client(), "q");
  {
    SseStream stream(server().url(), job_path(id) + "/events");
    ASSERT_TRUE(stream.next_event());
    wait_for_active_waits(client(), 1);
  }  // the client closes the connection
  wait_for_metric(
      client(), "replyd_waits_active", [](double v) { return v == 0; }, 5s);
  {
    SseStream queue(server().url(), "/v1/events");
    ASSERT_EQ(queue.head().status, 200);
    wait_for_active_waits(client(), 1);
  }  // the same for a queue stream
  wait_for_metric(
      client(), "replyd_waits_active", [](double v) { return v == 0; }, 5s);
}

TEST_F(EventsResumeTest, LongPollIsCappedByMaxWaitAndSaysSo) {
  auto id = submit_job(client(), "q");
  auto response = client().get(job_path(id), {{"Prefer", "wait=30"}}, 20s);
  ASSERT_EQ(response.status, 200) << response.describe();
  EXPECT_EQ(text(response.json(), "status"), "queued");
  EXPECT_EQ(response.header("Preference-Applied"), "wait=1") << "the server caps waits at --max-wait 1";
  EXPECT_EQ(response.header("Vary"), "Prefer");
}

TEST_F(EventsResumeTest, StatusWithoutPreferStillVariesOnPrefer) {
  auto id = submit_job(client(), "q");
  auto response = client().get(job_path(id));
  EXPECT_EQ(response.header("Vary"), "Prefer");
  EXPECT_FALSE(response.header("Preference-Applied"));
}

}  // namespace
}  // namespace replyd::blackbox
