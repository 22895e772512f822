// Three replyd nodes on one PostgreSQL database (issue 5): a job submitted on node A is streamed on
// node B and leased and completed on node C; waits parked on one node are woken by changes made on
// another; status, result, list and queue statistics agree on every node. Each step is taken only
// after the previous one was seen, so the tests check ordering, never timing.
#include "tests/blackbox/multinode_test.h"

#include <future>

namespace replyd::blackbox {
namespace {

using MultinodeConsistencyTest = MultinodeTest;

constexpr int kA = 0, kB = 1, kC = 2;

json::object event_document(const SseFrame& frame) { return json::parse(frame.data.value_or("")).as_object(); }

// The next event of `stream`, its status document; throws when the stream ended.
json::object next_document(SseStream& stream) {
  auto frame = stream.next_event(20s);
  if (!frame) throw std::runtime_error("the event stream ended early");
  return event_document(*frame);
}

TEST_F(MultinodeConsistencyTest, SubmitOnOneNodeStreamOnAnotherLeaseAndCompleteOnTheThird) {
  std::string id = submit_job(client(kA), "q", R"({"to":"someone"})", "application/json");

  SseStream stream(node(kB).url(), job_path(id) + "/events");
  ASSERT_EQ(stream.head().status, 200) << stream.head().describe();
  json::object snapshot = next_document(stream);
  EXPECT_EQ(text(snapshot, "id"), id);
  EXPECT_EQ(text(snapshot, "status"), "queued");

  LeasedJob job = lease_job(client(kC), "q");
  ASSERT_EQ(job.id, id);
  EXPECT_EQ(job.response.body, R"({"to":"someone"})");
  EXPECT_EQ(job.response.header("Content-Type"), "application/json");
  EXPECT_EQ(text(next_document(stream), "status"), "running");

  ASSERT_EQ(heartbeat(client(kC), job, R"({"current": 1, "total": 4, "message": "sending"})").status, 200);
  json::object progress = next_document(stream);
  EXPECT_EQ(text(progress, "status"), "running");
  EXPECT_EQ(progress.at("progress").at("current").as_int64(), 1);
  EXPECT_EQ(text(progress.at("progress"), "message"), "sending");

  ASSERT_EQ(complete_job(client(kC), job, "\x01\x02 sent", "application/octet-stream").status, 200);
  EXPECT_EQ(text(next_document(stream), "status"), "succeeded");
  EXPECT_FALSE(stream.next_event(20s)) << "the stream went on after the terminal event";

  for (int n : {kA, kB, kC}) {
    SCOPED_TRACE("node " + std::to_string(n));
    auto status = client(n).get(job_path(id));
    ASSERT_EQ(status.status, 303) << status.describe();
    EXPECT_EQ(status.header("Location"), node(n).url() + job_path(id) + "/result");
    json::object doc = status.json().as_object();
    EXPECT_EQ(text(doc, "status"), "succeeded");
    EXPECT_EQ(doc.at("attempt").as_int64(), 1);
    EXPECT_EQ(doc.at("progress").at("current").as_int64(), 1);

    auto result = client(n).get(job_path(id) + "/result");
    ASSERT_EQ(result.status, 200) << result.describe();
    EXPECT_EQ(result.body, "\x01\x02 sent");
    EXPECT_EQ(result.header("Content-Type"), "application/octet-stream");

    auto list = client(n).get("/v1/jobs?queue=q");
    ASSERT_EQ(list.status, 200) << list.describe();
    json::value page = list.json();
    const json::array& jobs = page.at("jobs").as_array();
    ASSERT_EQ(jobs.size(), 1u) << list.body;
    EXPECT_EQ(text(jobs[0], "id"), id);
    EXPECT_EQ(text(jobs[0], "status"), "succeeded");
  }
}

TEST_F(MultinodeConsistencyTest, QueueStatisticsAgreeOnEveryNode) {
  for (int i = 0; i < 3; ++i) submit_job(client(i), "stats");
  LeasedJob running = lease_job(client(kB), "stats");
  LeasedJob done = lease_job(client(kC), "stats");
  ASSERT_EQ(complete_job(client(kA), done).status, 200) << "completed through a third node";

  json::value first;
  for (int n : {kA, kB, kC}) {
    SCOPED_TRACE("node " + std::to_string(n));
    auto queues = client(n).get("/v1/queues");
    ASSERT_EQ(queues.status, 200) << queues.describe();
    json::value stats;
    json::value all = queues.json();
    for (const json::value& q : all.at("queues").as_array()) {
      if (text(q, "name") == "stats") {
        stats = q.at("counts");
        EXPECT_EQ(q.at("finished_last_minute").as_int64(), 1) << q;
      }
    }
    ASSERT_TRUE(stats.is_object()) << queues.body;
    EXPECT_EQ(stats.at("queued").as_int64(), 1) << stats;
    EXPECT_EQ(stats.at("running").as_int64(), 1) << stats;
    EXPECT_EQ(stats.at("succeeded").as_int64(), 1) << stats;
    if (first.is_null()) first = stats;
    EXPECT_EQ(stats, first) << "counts differ between nodes";
    auto metrics = client(n).get("/metrics");
    EXPECT_EQ(metric_value(metrics.body, R"(replyd_jobs{queue="stats",state="running"})"), 1.0);
  }
  ASSERT_EQ(complete_job(client(kB), running).status, 200);
}

// A lease long-poll parked on C is answered by a submit on A; a status long-poll parked on B is
// answered by the completion on C.
TEST_F(MultinodeConsistencyTest, WaitsParkedOnOneNodeAreWokenByChangesOnAnother) {
  auto lease_client = new_client(kC);
  auto leased = std::async(std::launch::async, [&] { return try_lease(*lease_client, "wake", 30); });
  wait_for_active_waits(client(kC), 1);
  std::string id = submit_job(client(kA), "wake", "wake up");
  auto job = leased.get();
  ASSERT_TRUE(job) << "the lease long-poll on C ended without a job";
  EXPECT_EQ(job->id, id);
  EXPECT_EQ(job->response.body, "wake up");

  auto status_client = new_client(kB);
  auto finished =
      std::async(std::launch::async, [&] { return status_client->get(job_path(id), {{"Prefer", "wait=30"}}, 40s); });
  wait_for_active_waits(client(kB), 1);
  ASSERT_EQ(complete_job(client(kC), *job, "ok").status, 200);
  auto response = finished.get();
  EXPECT_EQ(response.status, 303) << response.describe();
  EXPECT_EQ(text(response.json(), "status"), "succeeded");
}

// Idempotency keys live in the shared database: the same key on another node replays the same job.
TEST_F(MultinodeConsistencyTest, IdempotencyKeyIsSharedByTheNodes) {
  Headers headers{{"Content-Type", "text/plain"}, {"Idempotency-Key", "\"order-17\""}};
  auto first = client(kA).post(submit_path("idem"), "charge 17", headers);
  ASSERT_EQ(first.status, 202) << first.describe();
  auto again = client(kB).post(submit_path("idem"), "charge 17", headers);
  ASSERT_EQ(again.status, 202) << again.describe();
  EXPECT_EQ(text(again.json(), "id"), text(first.json(), "id"));
  EXPECT_EQ(again.header("Idempotent-Replayed"), "true");
  EXPECT_TRUE(IsProblem(client(kC).post(submit_path("idem"), "charge 18", headers), 422));
}

}  // namespace
}  // namespace replyd::blackbox
