// WAL checkpoints run on their own thread as the WAL grows, and a TRUNCATE follows every few of them.
#include "store/sqlite/sqlite_store.h"

#include "store/sqlite/testing/sqlite_test_support.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <mutex>

namespace replyd::store::sqlite {
namespace {

using contract::await_result;
using contract::IsOk;
using testing::job_for;
using testing::TempDir;

struct Checkpoint {
  std::string mode;
  bool complete;
};

class CheckpointLog {
 public:
  void add(std::string_view mode, bool complete) {
    {
      std::lock_guard lock(mutex_);
      log_.push_back({std::string(mode), complete});
    }
    cv_.notify_all();
  }
  // Waits until `n` checkpoints of `mode` happened; returns the last of them.
  Checkpoint wait_for(const std::string& mode, std::size_t n) {
    std::unique_lock lock(mutex_);
    Checkpoint last{};
    bool done = cv_.wait_for(lock, contract::kAwaitTimeout, [&] {
      std::size_t seen = 0;
      for (const auto& c : log_) {
        if (c.mode == mode && ++seen == n) last = c;
      }
      return seen >= n;
    });
    EXPECT_TRUE(done) << "no " << mode << " checkpoint #" << n;
    return last;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<Checkpoint> log_;
};

TEST(SqliteCheckpointer, CheckpointsAsTheWalGrowsAndTruncatesIt) {
  TempDir dir;
  metrics::Registry registry;
  CheckpointLog log;
  auto options = testing::small_options(dir.file("db"));
  options.checkpoint.passive_pages = 8;
  options.checkpoint.truncate_every = 2;
  options.checkpoint.on_checkpoint = [&log](std::string_view mode, bool complete) {
    log.add(mode, complete);
  };
  SqliteStore store(std::move(options), registry);

  // Each round writes far more than 8 pages (16 KiB payloads are 4+ pages each), one commit at a time.
  for (std::size_t round = 1; round <= 2; ++round) {
    for (int i = 0; i < 10; ++i) {
      auto r = await_result<InsertOutcome>([&](auto cb) {
        store.insert(job_for("q", std::string(16 * 1024, 'p')), TimePoint{}, std::move(cb));
      });
      ASSERT_TRUE(IsOk(r));
    }
    EXPECT_TRUE(log.wait_for("passive", round).complete);
  }
  // The second PASSIVE pass is followed by a TRUNCATE; with no reader in the way it empties the WAL.
  EXPECT_TRUE(log.wait_for("truncate", 1).complete);
  // The pages really are in the database file now (a checkpoint that copied nothing also "completes"
  // when SQLite answers -1 pages for a connection that never opened the WAL). At least the first
  // round's: the TRUNCATE comes after it, while the end of the second round may still be in the WAL.
  EXPECT_GT(std::filesystem::file_size(dir.file("db")), std::uintmax_t{10} * 16 * 1024);
  EXPECT_NE(registry.render().find("replyd_store_checkpoints_total{mode=\"truncate\",result=\"ok\"}"),
            std::string::npos);
}

}  // namespace
}  // namespace replyd::store::sqlite
