// Retention (issue 3 item 7; DESIGN.md section 4): finished jobs are kept for their ttl, published as
// `expires_at` and `Expires`, then deleted in the background, so that under a steady submit-complete
// load the database file stops growing; a job past its expiry answers 404.
//
// The server runs with --ttl 0.5 and --retention-interval 0.1. The load comes in rounds: submit and
// complete a fixed number of jobs, then wait (on replyd_jobs_purged_total) until every job of the round
// has been deleted.
#include "tests/blackbox/blackbox_test.h"
#include "tests/support/metric_wait.h"

#include <filesystem>

namespace replyd::blackbox {
namespace {

constexpr int kJobsPerRound = 30;
constexpr int kRounds = 7;

class RetentionTest : public BlackboxTest {
 protected:
  std::vector<std::string> extra_options() const override {
    return {"--ttl", "0.5", "--retention-interval", "0.1"};
  }

  // Bytes of the database file or its WAL (0 when absent).
  std::uintmax_t file_bytes(std::string_view name) const {
    std::error_code ec;
    auto size = std::filesystem::file_size(dir_.path() / name, ec);
    return ec ? 0 : size;
  }

  std::string sizes_;  // "DB+WAL " after each round
};

TEST_F(RetentionTest, FinishedJobsExpireAnd404AndTheDatabaseStopsGrowing) {
  std::vector<std::uintmax_t> size_after_round;
  for (int round = 1; round <= kRounds; ++round) {
    std::vector<std::string> ids;
    for (int i = 0; i < kJobsPerRound; ++i) {
      std::string payload = "round " + std::to_string(round) + " job " + std::to_string(i) + std::string(4096, 'p');
      ids.push_back(submit_job(client(), "steady", std::move(payload)));
    }
    for (int i = 0; i < kJobsPerRound; ++i) {
      ASSERT_EQ(complete_job(client(), lease_job(client(), "steady"), std::string(4096, 'r')).status, 200);
    }
    // Finished: kept until expires_at, which the answer publishes.
    auto finished = client().get(job_path(ids.back()));
    ASSERT_EQ(finished.status, 303) << finished.describe();
    auto expires_at = parse_utc_timestamp(text(finished.json(), "expires_at"));
    EXPECT_TRUE(expires_at) << finished.describe();
    EXPECT_TRUE(finished.has_header("Expires")) << finished.describe();

    const double purged_goal = static_cast<double>(round * kJobsPerRound);
    wait_for_metric(client(), "replyd_jobs_purged_total", [&](double purged) { return purged >= purged_goal; });
    for (const auto& id : {ids.front(), ids.back()}) {
      auto gone = client().get(job_path(id));
      EXPECT_TRUE(IsProblem(gone, 404)) << "round " << round << ": a job past its expiry is still served";
      EXPECT_TRUE(IsProblem(client().get(job_path(id) + "/result"), 404));
    }
    size_after_round.push_back(file_bytes("replyd.db"));
    sizes_ += std::to_string(file_bytes("replyd.db")) + "+" + std::to_string(file_bytes("replyd.db-wal")) + " ";
  }
  auto metrics = client().get("/metrics").body;
  EXPECT_EQ(metric_value(metrics, "replyd_jobs_purged_total"), kRounds * kJobsPerRound) << metrics;

  // Round 1 is the warm-up (tables and indexes reach their working size). Only the database file is
  // compared: the WAL file keeps its high-water size until a TRUNCATE checkpoint (every 32nd one, see
  // store/sqlite/checkpoint_policy.h), far beyond what a short test writes; its size is reported.
  const auto at_round_3 = size_after_round[2];
  const auto at_last_round = size_after_round.back();
  const std::string& sizes = sizes_;
  RecordProperty("database_and_wal_bytes_per_round", sizes);
  EXPECT_LE(static_cast<double>(at_last_round), 1.2 * static_cast<double>(at_round_3))
      << "the database file keeps growing under a steady load; database+WAL bytes after each round: " << sizes;
}

}  // namespace
}  // namespace replyd::blackbox
