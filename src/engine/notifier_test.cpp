#include "engine/notifier.h"

#include <gtest/gtest.h>

#include <atomic>

namespace replyd::engine {
namespace {

store::JobChange change(const JobId& id, std::string queue, JobState state, std::int64_t version) {
  return store::JobChange{id, std::move(queue), state, version, false};
}

TEST(InProcessNotifier, DeliversToJobAndQueueSubscribers) {
  InProcessNotifier n;
  JobId a = JobId::random(), b = JobId::random();
  std::vector<std::int64_t> seen_a, seen_q, seen_all;
  auto sa = n.subscribe_job(a, [&](const store::JobChange& c) { seen_a.push_back(c.version); });
  auto sq = n.subscribe_queue("email", [&](const store::JobChange& c) { seen_q.push_back(c.version); });
  auto sall = n.subscribe_queue("", [&](const store::JobChange& c) { seen_all.push_back(c.version); });
  n.publish({change(a, "email", JobState::running, 2), change(b, "sms", JobState::queued, 1),
             change(b, "email", JobState::queued, 7)});
  EXPECT_EQ(seen_a, (std::vector<std::int64_t>{2}));
  EXPECT_EQ(seen_q, (std::vector<std::int64_t>{2, 7}));
  EXPECT_EQ(seen_all, (std::vector<std::int64_t>{2, 1, 7}));
  EXPECT_EQ(n.subscription_count(), 3u);
}

TEST(InProcessNotifier, UnsubscribeStopsDelivery) {
  InProcessNotifier n;
  JobId a = JobId::random();
  int calls = 0;
  {
    auto s = n.subscribe_job(a, [&](const store::JobChange&) { ++calls; });
    n.publish({change(a, "q", JobState::running, 2)});
  }
  n.publish({change(a, "q", JobState::succeeded, 3)});
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(n.subscription_count(), 0u);
}

TEST(InProcessNotifier, ManySubscribersOfOneJob) {
  InProcessNotifier n;
  JobId a = JobId::random();
  std::atomic<int> calls{0};
  std::vector<Notifier::Subscription> subs;
  for (int i = 0; i < 100; ++i) subs.push_back(n.subscribe_job(a, [&](const store::JobChange&) { ++calls; }));
  n.publish({change(a, "q", JobState::running, 2)});
  EXPECT_EQ(calls, 100);
  subs.erase(subs.begin(), subs.begin() + 50);
  n.publish({change(a, "q", JobState::running, 3)});
  EXPECT_EQ(calls, 150);
}

TEST(InProcessNotifier, SubscriptionMayOutliveNotifier) {
  Notifier::Subscription s;
  {
    InProcessNotifier n;
    s = n.subscribe_job(JobId::random(), [](const store::JobChange&) {});
  }
  s.reset();  // must not touch freed memory (ASan checks)
}

}  // namespace
}  // namespace replyd::engine
