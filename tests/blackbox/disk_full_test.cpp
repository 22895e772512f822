// Store failures (issue 3 item 9; DESIGN.md section 4): when the SQLite store cannot write, a submit
// answers 503 with Retry-After and stores nothing (never a 202), reads keep working, and the server
// recovers by itself once writing works again.
//
// How the disk fills: the test lowers the running server's RLIMIT_FSIZE soft limit to 0 with
// prlimit(2). Every write(2) to a regular file then fails with EFBIG (SQLite reports SQLITE_IOERR_WRITE
// for the WAL append of each commit), which is an I/O error on commit, the harsher half of "disk full":
// not even pages already allocated can be rewritten. Raising the limit again is the disk recovering.
// The server must not die of SIGXFSZ meanwhile: the test ignores it before the server starts, and an
// ignored signal stays ignored across exec (ReplydProcess resets only the signals it lists).
#include "tests/blackbox/blackbox_test.h"
#include "tests/support/job_listing.h"

#include <signal.h>
#include <sys/resource.h>

#include <cstring>

namespace replyd::blackbox {
namespace {

class DiskFullTest : public BlackboxTest {
 protected:
  void SetUp() override {
    previous_xfsz_ = ::signal(SIGXFSZ, SIG_IGN);
    BlackboxTest::SetUp();
  }
  void TearDown() override { ::signal(SIGXFSZ, previous_xfsz_); }

  // Sets the server's soft RLIMIT_FSIZE (the hard limit stays, so it can be raised again).
  void set_file_size_limit(rlim_t soft) {
    rlimit current{};
    ASSERT_EQ(::prlimit(server().pid(), RLIMIT_FSIZE, nullptr, &current), 0) << std::strerror(errno);
    if (soft == RLIM_INFINITY) soft = current.rlim_max;
    rlimit wanted{soft, current.rlim_max};
    ASSERT_EQ(::prlimit(server().pid(), RLIMIT_FSIZE, &wanted, nullptr), 0) << std::strerror(errno);
  }

  static void expect_unavailable(const HttpResponse& response, std::string_view what) {
    EXPECT_TRUE(IsProblem(response, 503)) << what;
    auto retry_after = response.header("Retry-After").value_or("");
    EXPECT_FALSE(retry_after.empty()) << what << ": " << response.describe();
    EXPECT_EQ(retry_after.find_first_not_of("0123456789"), std::string::npos) << what << ": " << retry_after;
    EXPECT_GE(std::atoi(retry_after.c_str()), 1) << what;
  }

  sighandler_t previous_xfsz_ = SIG_DFL;
};

TEST_F(DiskFullTest, WritesAre503WhileTheStoreCannotWriteReadsWorkAndItRecovers) {
  std::vector<std::string> before;
  for (int i = 0; i < 5; ++i) before.push_back(submit_job(client(), "disk", "before " + std::to_string(i)));
  auto done = lease_job(client(), "disk");
  ASSERT_EQ(done.id, before[0]);
  ASSERT_EQ(complete_job(client(), done, "result before").status, 200);
  auto running = lease_job(client(), "disk");
  ASSERT_EQ(running.id, before[1]);

  set_file_size_limit(0);
  for (int i = 0; i < 10; ++i) {
    auto response = client().post(submit_path("disk"), "during " + std::to_string(i), {{"Content-Type", "text/plain"}});
    expect_unavailable(response, "submit " + std::to_string(i) + " while the store cannot write");
  }
  expect_unavailable(complete_job(client(), running, "result during"), "complete while the store cannot write");
  expect_unavailable(client().get("/readyz"), "readyz while the store cannot write");

  // Reads keep working and show nothing of what was refused.
  EXPECT_EQ(client().get(job_path(before[0])).status, 303);
  EXPECT_EQ(client().get(job_path(before[0]) + "/result").body, "result before");
  EXPECT_EQ(text(status_of(before[1]), "status"), "running");
  EXPECT_EQ(text(status_of(before[2]), "status"), "queued");
  EXPECT_EQ(list_all_jobs(client(), "disk").size(), before.size());
  EXPECT_EQ(client().get("/healthz").status, 200);

  set_file_size_limit(RLIM_INFINITY);
  // The next write works: the store needs no restart and no operator.
  std::string after = submit_job(client(), "disk", "after");
  ASSERT_EQ(complete_job(client(), running, "result after").status, 200) << "the lease survived the outage";
  EXPECT_EQ(client().get(job_path(before[1]) + "/result").body, "result after");
  EXPECT_EQ(client().get("/readyz").status, 200);

  auto jobs = list_all_jobs(client(), "disk");
  EXPECT_EQ(jobs.size(), before.size() + 1) << "a refused submit was stored";
  for (const auto& expected : {std::pair{before[2], "before 2"}, {before[3], "before 3"},
                               {before[4], "before 4"}, {after, "after"}}) {
    auto job = lease_job(client(), "disk");
    EXPECT_EQ(job.id, expected.first);
    EXPECT_EQ(job.response.body, expected.second);
  }
  EXPECT_FALSE(try_lease(client(), "disk"));
  auto metrics = client().get("/metrics").body;
  EXPECT_GE(metric_value(metrics, R"(replyd_store_operations_total{op="insert",result="unavailable"})").value_or(0),
            10)
      << metrics;
}

}  // namespace
}  // namespace replyd::blackbox
