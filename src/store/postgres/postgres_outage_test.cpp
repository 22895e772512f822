// A database outage: the server stops under a running store. Operations must fail quickly with
// Errc::unavailable (no hang, never a success), ping must fail, and once the server is back the store
// must reconnect by itself: writes, reads and cross-node notifications work again.
#include "store/contract/job_store_contract.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/testing/postgres_server.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

namespace replyd::store::postgres {
namespace {

using contract::await_result;
using contract::IsError;
using contract::IsOk;

const TimePoint kNow = from_micros(1'767'225'600'000'000);
constexpr std::chrono::seconds kRecoveryDeadline{30};

NewJob new_job(std::string payload) {
  NewJob job;
  job.spec.queue = "q";
  job.payload = Blob{"text/plain", std::move(payload)};
  return job;
}

Result<InsertOutcome> insert(JobStore& store, std::string payload) {
  return await_result<InsertOutcome>(
      [&](auto cb) { store.insert(new_job(std::move(payload)), kNow, std::move(cb)); });
}

Result<void> ping(JobStore& store) {
  return await_result<void>([&](auto cb) { store.ping(std::move(cb)); });
}

// Readiness poll: `probe` is retried after short pauses until it holds or the deadline fails the test.
template <class Probe>
bool eventually(Probe probe) {
  auto deadline = std::chrono::steady_clock::now() + kRecoveryDeadline;
  while (!probe()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

TEST(PostgresOutage, FailsFastWhileDownAndRecoversByItself) {
  if (!PostgresServer::available()) GTEST_SKIP() << "PostgreSQL server binaries are not installed";
  // Its own server: stopping the shared one would disturb other tests' stores.
  PostgresServer server;
  std::string uri = server.create_database();
  metrics::Registry registry;
  PostgresStoreOptions options;
  options.uri = uri;
  options.reader_threads = 1;
  options.backoff_cap = std::chrono::milliseconds(200);
  contract::ChangeRecorder heard;  // outlives the stores, whose writers may still publish to it
  auto store = open_postgres_store(options, registry);
  auto other = open_postgres_store(options, registry);
  store->set_change_listener(heard.listener());

  auto before = insert(*store, "before");
  ASSERT_TRUE(IsOk(before));

  server.stop();
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(IsError(insert(*store, "during"), Errc::unavailable));
    EXPECT_TRUE(IsError(ping(*store), Errc::unavailable));
    auto got = await_result<Job>([&](auto cb) { store->get(before->job.id, std::move(cb)); });
    EXPECT_TRUE(IsError(got, Errc::unavailable));
    auto lease = await_result<LeaseBatch>([&](auto cb) {
      store->lease(LeaseRequest{"q", 1, kNow, std::chrono::seconds(30)}, std::move(cb));
    });
    EXPECT_TRUE(IsError(lease, Errc::unavailable));
  }

  server.start();
  ASSERT_TRUE(eventually([&] { return bool(ping(*store)); })) << "the store did not reconnect";
  auto after = insert(*store, "after");
  ASSERT_TRUE(IsOk(after));
  ASSERT_TRUE(eventually([&] {
    return bool(await_result<Job>([&](auto cb) { store->get(before->job.id, std::move(cb)); }));
  })) << "the readers did not reconnect";
  auto payload = await_result<Blob>([&](auto cb) { store->get_payload(after->job.id, std::move(cb)); });
  ASSERT_TRUE(IsOk(payload));
  EXPECT_EQ(payload->bytes, "after");

  // Nothing written during the outage exists: only "before" and "after".
  auto page = await_result<JobPage>([&](auto cb) { store->list(ListQuery{}, std::move(cb)); });
  ASSERT_TRUE(IsOk(page));
  EXPECT_EQ(page->jobs.size(), 2u);

  // The listener reconnected too: another node's commit is heard again (a notification sent before
  // the listener was back is lost, so keep committing until one arrives).
  std::set<JobId> sent_by_other;
  ASSERT_TRUE(eventually([&] {
    // The other node may learn of the restart from its first write, which then fails: retried here.
    if (auto r = insert(*other, "from the other node")) sent_by_other.insert(r->job.id);
    for (const JobChange& c : heard.snapshot()) {
      if (sent_by_other.count(c.id)) return true;
    }
    return false;
  })) << "the listener did not reconnect";
  store->close();
  other->close();
}

}  // namespace
}  // namespace replyd::store::postgres
