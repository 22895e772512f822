#include "worker/demo_worker.h"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace replyd::worker {
namespace {

using client::JobContext;
using client::LeasedJob;
using client::StopReason;

LeasedJob job(std::string payload) {
  LeasedJob j;
  j.id = "d1";
  j.queue = std::string(kDemoQueue);
  j.payload = Blob{"text/plain", std::move(payload)};
  return j;
}

TEST(DemoWorker, ReportsStepsAndReturnsJson) {
  int reports = 0;
  JobContext ctx("d1", "tok", from_micros(0), [&] { ++reports; });
  auto outcome = make_demo_handler({std::chrono::milliseconds(0), 4})(job("abc"), ctx);
  ASSERT_TRUE(outcome.succeeded) << outcome.error;
  EXPECT_EQ(outcome.result.content_type, "application/json");
  auto doc = boost::json::parse(outcome.result.bytes);
  EXPECT_EQ(doc.at("input_bytes").as_int64(), 3);
  EXPECT_EQ(doc.at("sha256").as_string(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(doc.at("message").is_string());
  EXPECT_EQ(reports, 5);  // four steps and "done"
  EXPECT_EQ(ctx.take_progress(), (Progress{4, 4, "done"}));
}

TEST(DemoWorker, StopsAtOnceOnCancel) {
  JobContext ctx("d1", "tok", from_micros(0), {});
  ctx.request_stop(StopReason::cancel_requested);
  // An hour-long demo: only the cancel can end it.
  auto outcome = make_demo_handler({std::chrono::hours(1), 10})(job("x"), ctx);
  EXPECT_FALSE(outcome.succeeded);
  EXPECT_EQ(outcome.error, "stopped at step 1: cancel requested");
}

TEST(DemoWorker, PayloadCanAskForAFailure) {
  JobContext ctx("d1", "tok", from_micros(0), {});
  auto outcome = make_demo_handler()(job(R"({"duration_s":0,"fail":true})"), ctx);
  EXPECT_FALSE(outcome.succeeded);
  EXPECT_FALSE(outcome.retryable);
}

}  // namespace
}  // namespace replyd::worker
