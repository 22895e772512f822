// The JobStore contract suite: one set of tests, written once against store/job_store.h, that every
// backend must pass. A backend instantiates it with a factory, in its own *_contract_test.cpp:
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, JobStoreContract,
//                            ::testing::Values(StoreFactory{"sqlite", make_sqlite_store}),
//                            StoreFactoryName());
//
// Every test gets a fresh empty directory and a fresh store from the factory; durability tests close
// the store and call the factory again on the same directory. Time is a FakeClock that the tests
// advance; nothing sleeps, and every wait is for an event, bounded by kAwaitTimeout so that a store
// that never answers fails the test instead of hanging it.
#pragma once

#include "core/clock.h"
#include "store/job_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

namespace replyd::store::contract {

struct StoreFactory {
  std::string name;  // the instantiation's name in test names: letters, digits and '_'
  // A store whose data lives in (or is keyed by) `temp_dir`: an empty directory for each test, and the
  // same directory again when a test reopens the store. Returning nullptr skips the test (e.g. no
  // database server on this machine).
  std::function<std::unique_ptr<JobStore>(const std::string& temp_dir)> make;
};

// Names the instantiations after StoreFactory::name.
struct StoreFactoryName {
  std::string operator()(const ::testing::TestParamInfo<StoreFactory>& info) const { return info.param.name; }
};
void PrintTo(const StoreFactory& factory, std::ostream* os);

inline constexpr std::chrono::seconds kAwaitTimeout{60};

// Starts an operation with `start(callback)` and waits for its result. If the store does not answer
// within kAwaitTimeout, the test fails and Errc::internal is returned (the late callback stays safe).
template <class T, class Start>
Result<T> await_result(Start&& start) {
  auto promise = std::make_shared<std::promise<Result<T>>>();
  auto future = promise->get_future();
  std::forward<Start>(start)(Callback<T>([promise](Result<T> r) { promise->set_value(std::move(r)); }));
  if (future.wait_for(kAwaitTimeout) != std::future_status::ready) {
    ADD_FAILURE() << "the store did not answer within " << kAwaitTimeout.count() << " s";
    return Error(Errc::internal, "timed out waiting for the store");
  }
  return future.get();
}

// gtest predicates: EXPECT_TRUE(IsOk(r)) prints the error; EXPECT_TRUE(IsError(r, Errc::not_found)).
template <class T>
::testing::AssertionResult IsOk(const Result<T>& r) {
  if (r) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "error " << to_string(r.error().code()) << ": " << r.error().detail();
}
template <class T>
::testing::AssertionResult IsError(const Result<T>& r, Errc code) {
  if (r) return ::testing::AssertionFailure() << "succeeded, expected error " << to_string(code);
  if (r.error().code() == code) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "error " << to_string(r.error().code()) << " ("
                                       << r.error().detail() << "), expected " << to_string(code);
}

// Expects every field of two jobs to be equal (EXPECT_*, naming the field that differs).
void expect_same_job(const Job& actual, const Job& expected);

// Records what the store tells its change listener. Thread-safe; must outlive the store it listens to.
class ChangeRecorder {
 public:
  UniqueFunction<void(const std::vector<JobChange>&)> listener();
  // Waits until at least `n` changes were recorded in total (fails the test after kAwaitTimeout) and
  // returns all recorded so far.
  std::vector<JobChange> wait_for(std::size_t n);
  std::vector<JobChange> snapshot() const;
  void clear();

 private:
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<JobChange> changes_;
};

class JobStoreContract : public ::testing::TestWithParam<StoreFactory> {
 protected:
  static constexpr Duration kLeaseTtl = std::chrono::seconds(30);

  void SetUp() override;
  void TearDown() override;

  JobStore& store() { return *store_; }
  TimePoint now() const { return clock_.now(); }
  // Closes the store, then opens a new one on the same directory (with the same change recorder).
  void reopen();

  // Each operation at now(), waiting for its result.
  Result<InsertOutcome> insert(NewJob job);
  Result<Job> get(const JobId& id);
  Result<Blob> get_payload(const JobId& id);
  Result<Blob> get_result(const JobId& id);
  Result<JobPage> list(ListQuery query);
  Result<std::vector<QueueStats>> queue_stats();
  Result<LeaseBatch> lease(const std::string& queue, int max_jobs = 1, Duration ttl = kLeaseTtl);
  Result<Job> heartbeat(const JobId& id, const std::string& token, std::optional<Progress> progress = {});
  Result<Job> complete(const JobId& id, const std::string& token, Blob result = {"text/plain", "done"});
  Result<Job> fail(const JobId& id, const std::string& token, Problem error, bool retryable,
                   double jitter = 0.5);
  Result<CancelOutcome> cancel(const JobId& id);
  Result<std::vector<Job>> expire_leases(int limit = 500, std::uint64_t seed = 7);
  Result<std::int64_t> purge(int limit = 500);

  // A job for `queue` with a text payload and the spec's defaults.
  static NewJob new_job(std::string queue, std::string payload = "hello");
  // Inserts and returns the stored job; throws (failing the test) if the insert fails.
  Job submit(NewJob job);
  Job submit(std::string queue) { return submit(new_job(std::move(queue))); }
  // Leases exactly one job of `queue`; throws (failing the test) otherwise.
  LeaseGrant lease_one(const std::string& queue, Duration ttl = kLeaseTtl);
  // The stats entry of `queue`, or an entry of zeros when absent.
  QueueStats stats_of(const std::string& queue);

  FakeClock clock_;
  RetryPolicy retry_{std::chrono::seconds(1), std::chrono::minutes(1)};
  ChangeRecorder changes_;
  std::string temp_dir_;
  std::unique_ptr<JobStore> store_;
};

}  // namespace replyd::store::contract
