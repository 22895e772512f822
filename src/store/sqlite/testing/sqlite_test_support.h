// Helpers for the SQLite store's own tests: a temporary directory, a store on it, a raw connection
// for looking at the file, and a gate that holds the writer thread still (so that operations pile up
// in its queue deterministically, without sleeping).
#pragma once

#include "core/metrics.h"
#include "store/contract/job_store_contract.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/sqlite_store.h"

#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>

namespace replyd::store::sqlite::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "replyd-sqlite-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline SqliteStoreOptions small_options(const std::string& path) {
  SqliteStoreOptions options;
  options.path = path;
  options.writer_cache_kib = 2048;
  options.reader_cache_kib = 1024;
  return options;
}

inline NewJob job_for(std::string queue, std::string payload = "x") {
  NewJob job;
  job.spec.queue = std::move(queue);
  job.payload = Blob{"text/plain", std::move(payload)};
  return job;
}

// Holds the writer thread inside the callback of one insert until open() (or destruction): every write
// submitted meanwhile waits in the queue. (The gate's own insert no longer counts as pending.)
class WriterGate {
 public:
  explicit WriterGate(JobStore& store) {
    auto entered = std::make_shared<std::promise<void>>();
    auto entered_future = entered->get_future();
    store.insert(job_for("gate"), TimePoint{}, [entered, release = release_future_](Result<InsertOutcome>) {
      entered->set_value();
      release.wait();
    });
    if (entered_future.wait_for(contract::kAwaitTimeout) != std::future_status::ready) {
      throw std::runtime_error("the writer never ran the gate's insert");
    }
  }
  ~WriterGate() { open(); }
  WriterGate(const WriterGate&) = delete;
  WriterGate& operator=(const WriterGate&) = delete;

  void open() {
    if (!opened_) release_.set_value();
    opened_ = true;
  }

 private:
  std::promise<void> release_;
  std::shared_future<void> release_future_ = release_.get_future().share();
  bool opened_ = false;
};

// Starts an operation and returns the future of its result (for operations left waiting behind a gate).
template <class T, class Start>
std::future<Result<T>> start(Start&& s) {
  auto promise = std::make_shared<std::promise<Result<T>>>();
  auto future = promise->get_future();
  std::forward<Start>(s)(Callback<T>([promise](Result<T> r) { promise->set_value(std::move(r)); }));
  return future;
}

template <class T>
Result<T> finish(std::future<Result<T>>& f) {
  if (f.wait_for(contract::kAwaitTimeout) != std::future_status::ready) {
    ADD_FAILURE() << "the store did not answer";
    return Error(Errc::internal, "no answer");
  }
  return f.get();
}

}  // namespace replyd::store::sqlite::testing
