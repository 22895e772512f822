#include "client/worker_loop.h"

#include "client/testing/fake_worker_queue.h"

#include <gtest/gtest.h>

#include <future>

namespace replyd::client {
namespace {

using namespace std::chrono_literals;
using testing::FakeWorkerQueue;

WorkerOptions options(int concurrency = 1) {
  WorkerOptions o;
  o.queue = "q";
  o.concurrency = concurrency;
  o.lease_wait_s = 30;
  o.min_heartbeat_spacing = 10ms;
  return o;
}

TEST(WorkerLoop, RejectsBadOptions) {
  auto ok = [](const LeasedJob&, JobContext&) { return HandlerOutcome::success({}); };
  WorkerOptions no_queue;
  EXPECT_THROW(WorkerLoop("http://127.0.0.1:1", no_queue, ok), std::invalid_argument);
  EXPECT_THROW(WorkerLoop("http://127.0.0.1:1", options(0), ok), std::invalid_argument);
  EXPECT_THROW(WorkerLoop("bad", options(), ok), std::invalid_argument);
}

TEST(WorkerLoop, CompletesJobsWithTheHandlersResult) {
  FakeWorkerQueue queue;
  WorkerLoop loop(queue.url(), options(3), [](const LeasedJob& job, JobContext&) {
    return HandlerOutcome::success(Blob{"text/x-upper", "done:" + job.payload.bytes});
  });
  loop.start();
  for (int i = 0; i < 5; ++i) queue.add("j" + std::to_string(i), "p" + std::to_string(i));
  auto acks = queue.wait_acks(5);
  loop.stop();
  loop.join();
  ASSERT_EQ(acks.size(), 5u);
  EXPECT_EQ(acks["j3"].kind, "complete");
  EXPECT_EQ(acks["j3"].content_type, "text/x-upper");
  EXPECT_EQ(acks["j3"].body, "done:p3");
  EXPECT_EQ(loop.stats().completed, 5u);
  EXPECT_EQ(loop.stats().leased, 5u);
}

TEST(WorkerLoop, BatchLeasesRunEveryJob) {
  FakeWorkerQueue queue;
  for (int i = 0; i < 7; ++i) queue.add("j" + std::to_string(i), std::string(1, static_cast<char>('a' + i)));
  WorkerOptions o = options();
  o.lease_batch = 3;
  WorkerLoop loop(queue.url(), o, [](const LeasedJob& job, JobContext&) {
    return HandlerOutcome::success(Blob{"text/plain", job.payload.bytes + "!"});
  });
  loop.start();
  auto acks = queue.wait_acks(7);
  loop.stop();
  loop.join();
  EXPECT_EQ(acks["j6"].body, "g!");
  EXPECT_EQ(loop.stats().completed, 7u);
}

TEST(WorkerLoop, FailuresAndExceptionsFailTheAttempt) {
  FakeWorkerQueue queue;
  WorkerLoop loop(queue.url(), options(), [](const LeasedJob& job, JobContext&) -> HandlerOutcome {
    if (job.id == "throws") throw std::runtime_error("kaput");
    return HandlerOutcome::failure("bad input", false);
  });
  loop.start();
  queue.add("throws", "");
  queue.add("fails", "");
  auto acks = queue.wait_acks(2);
  EXPECT_EQ(acks["throws"].kind, "fail");
  EXPECT_EQ(acks["throws"].body, R"({"error":"the handler threw: kaput","retryable":true})");
  EXPECT_EQ(acks["fails"].body, R"({"error":"bad input","retryable":false})");
  loop.stop();
  loop.join();
  EXPECT_EQ(loop.stats().failed, 2u);
}

TEST(WorkerLoop, HeartbeatsCarryProgressAndDeliverCancellation) {
  FakeWorkerQueue queue;
  queue.set_heartbeat_mode(FakeWorkerQueue::HeartbeatMode::cancel);
  std::promise<StopReason> seen;
  WorkerLoop loop(queue.url(), options(), [&](const LeasedJob&, JobContext& ctx) {
    ctx.progress(40, 100, "uploading");
    // Blocks until the heartbeat thread hears of the cancel: the handler never calls the server.
    ctx.wait_for_stop(std::chrono::hours(1));
    seen.set_value(ctx.stop_reason());
    return HandlerOutcome::failure("cancelled", false);
  });
  loop.start();
  queue.add("j", "");
  auto acks = queue.wait_acks(1);
  EXPECT_EQ(seen.get_future().get(), StopReason::cancel_requested);
  EXPECT_EQ(acks["j"].kind, "fail");
  auto bodies = queue.heartbeat_bodies();
  ASSERT_FALSE(bodies.empty());
  EXPECT_EQ(bodies[0], R"({"current":40,"total":100,"message":"uploading"})");
  loop.stop();
}

TEST(WorkerLoop, TheLastProgressReachesTheServerBeforeTheResult) {
  FakeWorkerQueue queue;
  WorkerOptions o = options();
  o.min_heartbeat_spacing = std::chrono::hours(1);  // after the first heartbeat, no scheduled one
  WorkerLoop loop(queue.url(), o, [&](const LeasedJob&, JobContext& ctx) {
    ctx.progress(5, 10, "half");  // the first heartbeat goes out at once
    queue.wait_heartbeats(1);
    ctx.progress(10, 10, "done");  // the schedule holds this one back for an hour
    return HandlerOutcome::success(Blob{"text/plain", "ok"});
  });
  loop.start();
  queue.add("j", "");
  auto acks = queue.wait_acks(1);
  loop.stop();
  loop.join();
  EXPECT_EQ(acks["j"].kind, "complete");
  EXPECT_EQ(queue.heartbeat_bodies(),
            (std::vector<std::string>{R"({"current":5,"total":10,"message":"half"})",
                                      R"({"current":10,"total":10,"message":"done"})"}));
}

TEST(WorkerLoop, ALostLeaseDropsTheOutcome) {
  FakeWorkerQueue queue;
  queue.set_heartbeat_mode(FakeWorkerQueue::HeartbeatMode::lose);
  std::promise<StopReason> seen;
  WorkerLoop loop(queue.url(), options(), [&](const LeasedJob&, JobContext& ctx) {
    ctx.progress(1, 2);
    ctx.wait_for_stop(std::chrono::hours(1));
    seen.set_value(ctx.stop_reason());
    return HandlerOutcome::success(Blob{"text/plain", "late"});
  });
  loop.start();
  queue.add("j", "");
  EXPECT_EQ(seen.get_future().get(), StopReason::lease_lost);
  loop.stop();
  loop.join();  // the job's acknowledgement step is over
  EXPECT_TRUE(queue.acks().empty());
  EXPECT_EQ(loop.stats().abandoned, 1u);
}

TEST(WorkerLoop, ALeaseThatCannotBeExtendedEndsTheJob) {
  FakeWorkerQueue queue;
  queue.set_heartbeat_mode(FakeWorkerQueue::HeartbeatMode::keep_expiry);  // the attempt deadline caps it
  std::promise<StopReason> seen;
  WorkerLoop loop(queue.url(), options(), [&](const LeasedJob&, JobContext& ctx) {
    ctx.wait_for_stop(std::chrono::hours(1));
    seen.set_value(ctx.stop_reason());
    return HandlerOutcome::failure("deadline", true);
  });
  loop.start();
  queue.add("j", "", 300ms);
  EXPECT_EQ(seen.get_future().get(), StopReason::lease_expired);
  loop.stop();
}

TEST(WorkerLoop, BacksOffExponentiallyWhileLeasesFail) {
  FakeWorkerQueue queue;
  queue.fail_leases(4);
  std::vector<Duration> delays;
  WorkerOptions o = options();
  o.backoff_wait = [&](Duration d) { delays.push_back(d); };  // returns at once: no sleeping in tests
  WorkerLoop loop(queue.url(), o, [](const LeasedJob&, JobContext&) {
    return HandlerOutcome::success(Blob{"text/plain", "ok"});
  });
  loop.start();
  queue.add("j", "");
  queue.wait_acks(1);
  loop.stop();
  loop.join();
  ASSERT_EQ(delays.size(), 4u);
  for (std::size_t i = 0; i < delays.size(); ++i) {
    EXPECT_LE(delays[i], o.backoff.ceiling(static_cast<int>(i) + 1)) << i;
  }
  EXPECT_EQ(loop.stats().lease_errors, 4u);
  EXPECT_EQ(loop.stats().completed, 1u);
}

TEST(WorkerLoop, PausesWhenTheServerAnswersAtOnceWithoutJobs) {
  FakeWorkerQueue queue;
  std::promise<void> paused_twice;
  int pauses = 0;
  WorkerOptions o = options();
  o.lease_wait_s = 0;  // every lease is answered at once
  o.backoff_wait = [&](Duration d) {
    EXPECT_EQ(d, o.idle_pause);
    if (++pauses == 2) paused_twice.set_value();
  };
  WorkerLoop loop(queue.url(), o, [](const LeasedJob&, JobContext&) { return HandlerOutcome::success({}); });
  loop.start();
  EXPECT_EQ(paused_twice.get_future().wait_for(60s), std::future_status::ready);
  loop.stop();
  loop.join();
  EXPECT_EQ(loop.stats().lease_errors, 0u);
}

TEST(WorkerLoop, StopEndsIdleLongPollsAndFinishesRunningJobs) {
  FakeWorkerQueue queue;
  std::promise<void> started, release;
  auto released = release.get_future().share();
  WorkerLoop loop(queue.url(), options(3), [&, released](const LeasedJob&, JobContext&) {
    started.set_value();
    released.wait();
    return HandlerOutcome::success(Blob{"text/plain", "finished"});
  });
  loop.start();
  queue.add("j", "");
  started.get_future().wait();
  loop.stop();  // two threads are in a 30 s long-poll; the third runs the job
  release.set_value();
  loop.join();
  auto acks = queue.acks();
  ASSERT_EQ(acks.count("j"), 1u);
  EXPECT_EQ(acks["j"].body, "finished");
}

TEST(WorkerLoop, StopNowAsksRunningHandlersToStop) {
  FakeWorkerQueue queue;
  std::promise<void> started;
  WorkerLoop loop(queue.url(), options(), [&](const LeasedJob&, JobContext& ctx) {
    started.set_value();
    ctx.wait_for_stop(std::chrono::hours(1));
    return HandlerOutcome::failure(std::string(to_string(ctx.stop_reason())), true);
  });
  loop.start();
  queue.add("j", "");
  started.get_future().wait();
  loop.stop_now();
  loop.join();
  auto acks = queue.acks();
  EXPECT_EQ(acks["j"].body, R"({"error":"worker shutting down","retryable":true})");
}

}  // namespace
}  // namespace replyd::client
