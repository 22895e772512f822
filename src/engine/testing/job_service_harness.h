// Test support: a JobService on a real SQLite store in a temporary directory, served by its own
// io_context on two threads, with a clock of the test's choosing (SystemClock or FakeClock). The
// engine's waits are capped at an hour: a wake-up that did not happen hangs the test until ctest's
// timeout, so a passing wait proves the wake came from an event, not from a deadline.
#pragma once

#include "engine/job_service.h"
#include "engine/notifier.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/testing/sqlite_test_support.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

namespace replyd::engine::testing {

template <class TestClock>
class JobServiceHarness : public ::testing::Test {
 protected:
  // `options` with max_wait set to an hour.
  explicit JobServiceHarness(EngineOptions options) : options_(std::move(options)) {
    options_.max_wait = std::chrono::hours(1);
    store_ = std::make_unique<store::sqlite::SqliteStore>(
        store::sqlite::SqliteStoreOptions{.path = dir_.file("jobs.db")}, registry_);
    jobs_ = std::make_unique<JobService>(*store_, notifier_, clock_, options_, registry_);
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
  }
  ~JobServiceHarness() override {
    work_.reset();
    io_.stop();
    for (auto& t : threads_) t.join();
    store_->close();
  }

  // Runs a coroutine on its own strand and returns a future of its result.
  template <class T>
  std::future<T> start(boost::asio::awaitable<T> coroutine) {
    auto promise = std::make_shared<std::promise<T>>();
    auto future = promise->get_future();
    boost::asio::co_spawn(boost::asio::make_strand(io_), std::move(coroutine),
                          [promise](std::exception_ptr e, T value) {
                            if (e) {
                              promise->set_exception(e);
                            } else {
                              promise->set_value(std::move(value));
                            }
                          });
    return future;
  }
  template <class T>
  T run(boost::asio::awaitable<T> coroutine) {
    return start(std::move(coroutine)).get();
  }

  store::sqlite::testing::TempDir dir_;
  metrics::Registry registry_;
  TestClock clock_;
  InProcessNotifier notifier_;
  EngineOptions options_;
  std::unique_ptr<store::sqlite::SqliteStore> store_;
  std::unique_ptr<JobService> jobs_;
  boost::asio::io_context io_;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_{
      io_.get_executor()};
  std::vector<std::thread> threads_;
};

}  // namespace replyd::engine::testing
