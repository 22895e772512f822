// Crash test (issue 3; DESIGN.md section 4, Nothing acknowledged is lost): concurrent keep-alive
// clients submit jobs with unique payloads; the server is SIGKILLed once a chosen number of submits has
// been acknowledged, with other submits in flight; a new server on the same data directory must hold
// every job that got a 202 with its exact payload, hold nothing that is not a whole payload that was
// sent, and run every job it holds to completion.
//
// Each kill point has its own seed, which fixes every payload (so a failure names what to rerun); the
// interleaving of the threads is the part a rerun cannot repeat.
#include "tests/blackbox/blackbox_test.h"
#include "tests/support/job_listing.h"

#include <signal.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

namespace replyd::blackbox {
namespace {

constexpr std::string_view kQueue = "crash";
constexpr int kSubmitters = 8;

struct CrashPoint {
  int acknowledged_before_kill;
  std::uint32_t seed;
};

void PrintTo(const CrashPoint& point, std::ostream* out) {
  *out << "kill after " << point.acknowledged_before_kill << " acknowledged submits, seed " << point.seed;
}

// What one submit got. `unknown`: the connection broke (the kill) before an answer came.
enum class Outcome { accepted, refused, unknown };

struct Sent {
  std::string payload;
  Outcome outcome = Outcome::unknown;
  std::string id;  // when accepted
  std::string answer;  // when refused: the response, for the failure message
};

// A payload nobody else sends: a readable unique prefix, then 0 to 4 KiB of arbitrary bytes.
std::string make_payload(std::mt19937& rng, int thread, int n) {
  std::string payload = "crash-test thread " + std::to_string(thread) + " job " + std::to_string(n) + "|";
  std::uniform_int_distribution<int> length(0, 4096);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int i = length(rng); i > 0; --i) payload += static_cast<char>(byte(rng));
  return payload;
}

class CrashTest : public BlackboxTest, public ::testing::WithParamInterface<CrashPoint> {
 protected:
  // Shared by the submitter threads and the test thread.
  std::mutex mutex_;
  std::condition_variable acknowledged_changed_;
  int acknowledged_ = 0;
  std::atomic<bool> stop_{false};

  // Submits until told to stop or until a submit breaks (the server is gone). Returns what was sent.
  std::vector<Sent> submit_until_broken(std::string url, int thread, std::uint32_t seed) {
    std::mt19937 rng(seed * 1000u + static_cast<std::uint32_t>(thread));
    HttpClient own(url);
    std::vector<Sent> sent;
    for (int n = 0; !stop_; ++n) {
      Sent& record = sent.emplace_back();
      record.payload = make_payload(rng, thread, n);
      HttpResponse response;
      try {
        response = own.post(submit_path(kQueue), record.payload, {{"Content-Type", "application/octet-stream"}});
      } catch (const std::exception&) {
        return sent;  // outcome unknown: the job may or may not exist
      }
      if (response.status != 202) {
        record.outcome = Outcome::refused;
        record.answer = response.describe();
        continue;
      }
      record.outcome = Outcome::accepted;
      record.id = std::string(response.json().at("id").as_string());
      {
        std::lock_guard lock(mutex_);
        ++acknowledged_;
      }
      acknowledged_changed_.notify_all();
    }
    return sent;
  }
};

TEST_P(CrashTest, EveryAcknowledgedJobSurvivesSigkillWholeAndCompletes) {
  const CrashPoint point = GetParam();
  std::vector<std::vector<Sent>> per_thread(kSubmitters);
  std::vector<std::thread> threads;
  for (int t = 0; t < kSubmitters; ++t) {
    threads.emplace_back([this, t, &per_thread, url = server().url(), seed = point.seed] {
      per_thread[static_cast<std::size_t>(t)] = submit_until_broken(url, t, seed);
    });
  }
  bool reached;
  {
    std::unique_lock lock(mutex_);
    reached = acknowledged_changed_.wait_for(lock, 60s, [&] { return acknowledged_ >= point.acknowledged_before_kill; });
  }
  server().kill(SIGKILL);  // the other submitters are mid-request
  stop_ = true;
  for (auto& thread : threads) thread.join();
  ASSERT_TRUE(reached) << "only " << acknowledged_ << " submits were acknowledged before the deadline";
  EXPECT_EQ(server().wait_exit(), 128 + SIGKILL);

  std::map<std::string, const Sent*> by_payload;
  int accepted = 0;
  int unknown = 0;
  for (const auto& sent : per_thread) {
    for (const auto& record : sent) {
      by_payload.emplace(record.payload, &record);
      accepted += record.outcome == Outcome::accepted;
      unknown += record.outcome == Outcome::unknown;
      EXPECT_NE(record.outcome, Outcome::refused) << "a submit before the kill was refused: " << record.answer;
    }
  }
  ASSERT_GE(accepted, point.acknowledged_before_kill);
  RecordProperty("accepted", accepted);
  RecordProperty("in_flight_at_kill", unknown);

  start();  // the same data directory
  std::set<std::string> listed;
  for (const auto& job : list_all_jobs(client(), kQueue)) {
    listed.insert(text(job, "id"));
    EXPECT_EQ(text(job, "status"), "queued") << job;
  }
  for (const auto& [payload, record] : by_payload) {
    if (record->outcome == Outcome::accepted) {
      EXPECT_TRUE(listed.contains(record->id)) << "lost " << record->id;
    }
  }

  // A worker takes every stored job: each must be a whole payload that was sent, under the id its
  // submit was answered with.
  std::set<std::string> completed;
  while (auto job = try_lease(client(), kQueue)) {
    auto sent = by_payload.find(job->response.body);
    if (sent == by_payload.end()) {
      ADD_FAILURE() << "job " << job->id << " holds a payload nobody sent (" << job->response.body.size()
                    << " bytes, starting '" << job->response.body.substr(0, 40) << "')";
    } else {
      if (sent->second->outcome == Outcome::accepted) {
        EXPECT_EQ(job->id, sent->second->id);
      }
      EXPECT_EQ(job->response.header("Content-Type"), "application/octet-stream") << job->id;
    }
    EXPECT_EQ(job->attempt, "1") << job->id;
    EXPECT_TRUE(completed.insert(job->id).second) << "leased twice: " << job->id;
    ASSERT_EQ(complete_job(client(), *job, "done " + job->id).status, 200) << job->id;
  }
  EXPECT_EQ(completed, listed) << "the jobs a worker got are not the jobs the list shows";
  for (const auto& [payload, record] : by_payload) {
    if (record->outcome != Outcome::accepted) continue;
    auto status = client().get(job_path(record->id));
    EXPECT_EQ(status.status, 303) << status.describe();
  }
}

INSTANTIATE_TEST_SUITE_P(KillPoints, CrashTest,
                         ::testing::Values(CrashPoint{5, 11}, CrashPoint{60, 23}, CrashPoint{250, 37}),
                         [](const auto& info) {
                           return "After" + std::to_string(info.param.acknowledged_before_kill) + "Acks";
                         });

}  // namespace
}  // namespace replyd::blackbox
