// Operations endpoints: liveness, readiness and Prometheus metrics (DESIGN.md section 3, Operations).
#include "tests/blackbox/blackbox_test.h"

#include <sstream>

namespace replyd::blackbox {
namespace {

using OpsTest = BlackboxTest;

TEST_F(OpsTest, HealthzAnswers200) {
  auto response = client().get("/healthz");
  EXPECT_EQ(response.status, 200) << response.describe();
}

TEST_F(OpsTest, ReadyzAnswers200WhenTheStoreIsReachable) {
  auto response = client().get("/readyz");
  EXPECT_EQ(response.status, 200) << response.describe();
}

TEST_F(OpsTest, MetricsArePrometheusTextWithTheDocumentedFamilies) {
  submit_job(client(), "metrics-q");
  auto response = client().get("/metrics");
  ASSERT_EQ(response.status, 200) << response.describe();
  EXPECT_TRUE(response.header("Content-Type").value_or("").starts_with("text/plain")) << response.describe();
  const std::string& body = response.body;
  EXPECT_NE(body.find("replyd_http_requests_total{"), std::string::npos) << body;
  EXPECT_NE(body.find("replyd_jobs{queue=\"metrics-q\""), std::string::npos) << body;
  EXPECT_EQ(metric_value(body, R"(replyd_jobs{queue="metrics-q",state="queued"})"), 1.0) << body;
  EXPECT_NE(body.find("replyd_store_commit_batch_size"), std::string::npos) << body;
}

TEST_F(OpsTest, EveryMetricNameIsPrefixedReplyd) {
  submit_job(client(), "metrics-q");
  auto response = client().get("/metrics");
  ASSERT_EQ(response.status, 200) << response.describe();
  std::istringstream lines(response.body);
  std::string line;
  int samples = 0;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    std::string name;
    if (line.starts_with("# HELP ") || line.starts_with("# TYPE ")) {
      name = line.substr(7, line.find(' ', 7) - 7);
    } else if (line.starts_with("#")) {
      continue;
    } else {
      name = line.substr(0, line.find_first_of("{ "));
      ++samples;
    }
    EXPECT_TRUE(name.starts_with("replyd_")) << "metric line: " << line;
  }
  EXPECT_GT(samples, 0) << response.body;
}

}  // namespace
}  // namespace replyd::blackbox
