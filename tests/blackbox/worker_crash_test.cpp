// Worker crash (issue 3; DESIGN.md section 4, At-least-once execution): a worker process is SIGKILLed
// in the middle of a job. Its lease runs out (--lease-ttl 1), the job is leased again as attempt 2 by
// another worker and completes once; the dead worker's lease token is refused with 409.
//
// The killed workers are real processes: `replyd worker --exec`, and a shell script that speaks the
// worker protocol with curl (the one way for the test to know the dead worker's lease token). Both
// heartbeat, so the job is running for as long as they live; the test sees that on the job's event
// stream before it kills them.
#include "tests/blackbox/blackbox_test.h"
#include "tests/support/child_process.h"

#include <signal.h>

#include <fstream>
#include <sstream>

namespace replyd::blackbox {
namespace {

class WorkerCrashTest : public BlackboxTest {
 protected:
  std::vector<std::string> extra_options() const override { return {"--lease-ttl", "1"}; }

  // `replyd worker` on `queue` running `command` per job, logging into the test's directory.
  std::unique_ptr<ChildProcess> start_exec_worker(std::string_view queue, std::string command, std::string name) {
    return std::make_unique<ChildProcess>(
        std::vector<std::string>{REPLYD_BINARY, "worker", "--server", server().url(), "--queue",
                                 std::string(queue), "--exec", std::move(command), "--kill-grace", "1"},
        dir_.path() / (name + ".log"));
  }

  // Reads events of `stream` until one whose status document satisfies `wanted`; returns it.
  template <class Predicate>
  json::object next_state(SseStream& stream, Predicate wanted) {
    for (int i = 0; i < 1000; ++i) {
      auto event = stream.next_event(20s);
      if (!event) throw std::runtime_error("the event stream ended before the awaited state");
      json::object doc = json::parse(*event->data).as_object();
      if (wanted(doc)) return doc;
    }
    throw std::runtime_error("the awaited state did not come within 1000 events");
  }

  static std::int64_t progress_current(const json::object& doc) {
    const json::value* progress = doc.if_contains("progress");
    if (progress == nullptr || !progress->is_object()) return -1;
    const json::value* current = progress->as_object().if_contains("current");
    return current != nullptr && current->is_int64() ? current->as_int64() : -1;
  }
};

// The value of header `name` in a file written by `curl -D` (the last response's, case-insensitive).
std::string header_from_dump(const std::filesystem::path& file, std::string_view name) {
  std::ifstream in(file);
  std::string line;
  std::string value;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto colon = line.find(':');
    if (colon == std::string::npos || !iequals(std::string_view(line).substr(0, colon), name)) continue;
    value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
  }
  return value;
}

TEST_F(WorkerCrashTest, ExecWorkerKilledMidJobIsReplacedAndTheJobCompletesOnceAsAttempt2) {
  auto id = submit_job(client(), "crashy", "the work");
  SseStream events(server().url(), job_path(id) + "/events");
  ASSERT_EQ(events.head().status, 200) << events.head().describe();

  // Reports progress, then works until its parent is gone (its next write to the dead worker's pipe
  // ends it with SIGPIPE), so that nothing outlives the test.
  auto first = start_exec_worker("crashy",
                                 "cat >/dev/null; echo 'progress 1/2 halfway' >&2; "
                                 "while echo tick; do sleep 0.1; done",
                                 "worker-1");
  json::object running = next_state(events, [](const json::object& doc) { return progress_current(doc) == 1; });
  EXPECT_EQ(text(running, "status"), "running");
  EXPECT_EQ(running.at("attempt").as_int64(), 1);
  EXPECT_EQ(first->kill_and_reap(), 128 + SIGKILL) << first->log_text();

  auto second = start_exec_worker("crashy", "cat; echo \" by attempt $REPLYD_ATTEMPT\"", "worker-2");
  auto finished = client().get(job_path(id), {{"Prefer", "wait=30"}}, 40s);
  ASSERT_EQ(finished.status, 303) << finished.describe() << "\nworker 2:\n" << second->log_text();
  json::object doc = finished.json().as_object();
  EXPECT_EQ(text(doc, "status"), "succeeded");
  EXPECT_EQ(doc.at("attempt").as_int64(), 2) << doc;
  EXPECT_EQ(client().get(job_path(id) + "/result").body, "the work by attempt 2\n");

  // The stream saw the job succeed exactly once, after running again as attempt 2.
  int succeeded_events = 0;
  std::int64_t last_attempt = 0;
  while (auto event = events.next_event(20s)) {
    json::object state = json::parse(*event->data).as_object();
    succeeded_events += text(state, "status") == "succeeded";
    last_attempt = state.at("attempt").as_int64();
  }
  EXPECT_EQ(succeeded_events, 1);
  EXPECT_EQ(last_attempt, 2);
}

TEST_F(WorkerCrashTest, ProtocolWorkerKilledMidJobLosesItsLeaseAndItsLateCallsAre409) {
  auto id = submit_job(client(), "crashy", "the work");
  SseStream events(server().url(), job_path(id) + "/events");
  ASSERT_EQ(events.head().status, 200) << events.head().describe();

  // A worker in shell: lease, then heartbeat with a growing `current` every 0.2 s, forever.
  const std::filesystem::path headers = dir_.path() / "lease-headers";
  const std::string script =
      "set -e\n"
      "curl -sS -D \"$1\" -o /dev/null -d '' \"$2/v1/queues/crashy/leases\"\n"
      "id=$(sed -n 's/^[Rr]eplyd-[Jj]ob-[Ii]d: *//p' \"$1\" | tr -d '\\r')\n"
      "token=$(sed -n 's/^[Rr]eplyd-[Ll]ease-[Tt]oken: *//p' \"$1\" | tr -d '\\r')\n"
      "n=0\n"
      "while :; do\n"
      "  n=$((n + 1))\n"
      "  curl -sS -o /dev/null -H \"Replyd-Lease-Token: $token\" -H 'Content-Type: application/json' \\\n"
      "       -d \"{\\\"current\\\": $n, \\\"total\\\": 1000}\" \"$2/v1/jobs/$id/heartbeat\"\n"
      "  sleep 0.2\n"
      "done\n";
  ChildProcess worker({"/bin/sh", "-c", script, "protocol-worker", headers.string(), server().url()},
                      dir_.path() / "protocol-worker.log");

  // Ten heartbeats 0.2 s apart span twice the lease TTL: the job is still running as attempt 1
  // because the heartbeats extended the lease (no false stall).
  json::object running = next_state(events, [](const json::object& doc) { return progress_current(doc) >= 10; });
  EXPECT_EQ(text(running, "status"), "running");
  EXPECT_EQ(running.at("attempt").as_int64(), 1);
  EXPECT_EQ(worker.kill_and_reap(), 128 + SIGKILL) << worker.log_text();

  LeasedJob dead;
  dead.id = header_from_dump(headers, "Replyd-Job-Id");
  dead.token = header_from_dump(headers, "Replyd-Lease-Token");
  ASSERT_EQ(dead.id, id) << worker.log_text();
  ASSERT_FALSE(dead.token.empty());

  auto retry = lease_job(client(), "crashy", 20);
  EXPECT_EQ(retry.id, id);
  EXPECT_EQ(retry.attempt, "2");
  EXPECT_EQ(retry.response.body, "the work");
  EXPECT_NE(retry.token, dead.token);

  EXPECT_TRUE(IsProblem(heartbeat(client(), dead, R"({"current": 999})"), 409));
  EXPECT_TRUE(IsProblem(complete_job(client(), dead, "from the dead"), 409));
  ASSERT_EQ(complete_job(client(), retry, "from the living").status, 200);
  EXPECT_TRUE(IsProblem(complete_job(client(), dead, "from the dead"), 409));

  auto finished = client().get(job_path(id));
  ASSERT_EQ(finished.status, 303) << finished.describe();
  EXPECT_EQ(finished.json().at("attempt").as_int64(), 2);
  EXPECT_EQ(client().get(job_path(id) + "/result").body, "from the living");
}

}  // namespace
}  // namespace replyd::blackbox
