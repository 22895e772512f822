// Backpressure (issue 3 item 8; DESIGN.md section 4): when more writes wait for the store than
// --max-pending-writes allows, a submit answers 503 with Retry-After (problem+json) instead of queueing
// without bound; every 202 job exists and no refused submit left a job behind.
//
// The server runs with --max-pending-writes 1: a submit is refused whenever another write is admitted
// and not yet committed. Many keep-alive submitters with 32 KiB bodies keep the writer busy with fsynced
// commits, so their submits overlap; each submitter goes on until some submit was refused (or a bound
// on the number of submits is reached, which fails the test).
#include "tests/blackbox/blackbox_test.h"
#include "tests/support/job_listing.h"

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

namespace replyd::blackbox {
namespace {

constexpr int kSubmitters = 16;
constexpr int kMaxSubmitsEach = 150;
constexpr int kAtLeastEach = 5;

class BackpressureTest : public BlackboxTest {
 protected:
  std::vector<std::string> extra_options() const override { return {"--max-pending-writes", "1"}; }
};

TEST_F(BackpressureTest, SaturatedWriteQueueAnswers503WithRetryAfterAndStoresNothingForIt) {
  std::mutex mutex;
  std::set<std::string> accepted;
  std::vector<HttpResponse> refused;
  std::vector<std::string> unexpected;
  std::atomic<int> refused_count{0};

  std::vector<std::thread> threads;
  for (int t = 0; t < kSubmitters; ++t) {
    threads.emplace_back([&, t, url = server().url()] {
      HttpClient own(url);
      for (int n = 0; n < kMaxSubmitsEach && (n < kAtLeastEach || refused_count == 0); ++n) {
        std::string payload = std::to_string(t) + "/" + std::to_string(n) + std::string(32 * 1024, 'b');
        HttpResponse response;
        try {
          response = own.post(submit_path("flood"), std::move(payload), {{"Content-Type", "text/plain"}});
        } catch (const std::exception& e) {
          std::lock_guard lock(mutex);
          unexpected.push_back(e.what());
          return;
        }
        std::lock_guard lock(mutex);
        if (response.status == 202) {
          accepted.insert(std::string(response.json().at("id").as_string()));
        } else if (response.status == 503) {
          ++refused_count;
          refused.push_back(std::move(response));
        } else {
          unexpected.push_back(response.describe());
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();

  EXPECT_TRUE(unexpected.empty()) << unexpected.size() << " answers were neither 202 nor 503, the first: "
                                  << (unexpected.empty() ? "" : unexpected.front());
  ASSERT_GT(refused.size(), 0u) << "no submit of " << accepted.size() << " was refused";
  EXPECT_GT(accepted.size(), 0u);
  for (const auto& response : refused) {
    ASSERT_TRUE(IsProblem(response, 503));
    auto retry_after = response.header("Retry-After").value_or("");
    ASSERT_FALSE(retry_after.empty()) << response.describe();
    EXPECT_EQ(retry_after.find_first_not_of("0123456789"), std::string::npos) << response.describe();
    EXPECT_GE(std::atoi(retry_after.c_str()), 1) << response.describe();
    EXPECT_FALSE(response.has_header("Location")) << response.describe();
  }

  // Exactly the accepted jobs are stored.
  std::set<std::string> stored;
  for (const auto& job : list_all_jobs(client(), "flood")) stored.insert(text(job, "id"));
  EXPECT_EQ(stored, accepted);
  RecordProperty("accepted", static_cast<int>(accepted.size()));
  RecordProperty("refused", static_cast<int>(refused.size()));

  // The server is not stuck: submits are accepted again once the flood is over (the background duties'
  // own writes may still be in the way of one of them, as the limit of 1 allows).
  int answered_202 = 0;
  for (int i = 0; i < 100 && answered_202 == 0; ++i) {
    auto response = client().post(submit_path("after-flood"), "alone", {{"Content-Type", "text/plain"}});
    ASSERT_TRUE(response.status == 202 || IsProblem(response, 503)) << response.describe();
    answered_202 += response.status == 202;
  }
  EXPECT_EQ(answered_202, 1);
}

}  // namespace
}  // namespace replyd::blackbox
