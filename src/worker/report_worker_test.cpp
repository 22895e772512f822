#include "worker/report_worker.h"

#include "worker/report_data.h"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace replyd::worker {
namespace {

using client::JobContext;
using client::LeasedJob;

LeasedJob job(std::string content_type, std::string payload) {
  LeasedJob j;
  j.id = "r1";
  j.queue = std::string(kReportQueue);
  j.payload = Blob{std::move(content_type), std::move(payload)};
  return j;
}

TEST(ReportWorker, AggregatesJsonRowsPerGroup) {
  JobContext ctx("r1", "tok", from_micros(0), {});
  auto outcome = make_report_handler()(
      job("application/json", R"({"title":"Sales","rows":[{"region":"north","amount":10},)"
                              R"({"region":"south","amount":5.5},{"region":"north","amount":20.5}]})"),
      ctx);
  ASSERT_TRUE(outcome.succeeded) << outcome.error;
  EXPECT_EQ(outcome.result.content_type, "application/json");
  auto doc = boost::json::parse(outcome.result.bytes).as_object();
  EXPECT_EQ(doc.at("rows").as_int64(), 3);
  const auto& groups = doc.at("groups").as_array();
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].at("group").as_string(), "north");
  EXPECT_EQ(groups[0].at("count").as_int64(), 2);
  EXPECT_DOUBLE_EQ(groups[0].at("sum").as_double(), 30.5);
  EXPECT_DOUBLE_EQ(groups[0].at("min").as_double(), 10);
  EXPECT_DOUBLE_EQ(groups[0].at("max").as_double(), 20.5);
  EXPECT_DOUBLE_EQ(groups[0].at("mean").as_double(), 15.25);
  EXPECT_EQ(groups[1].at("group").as_string(), "south");
  EXPECT_DOUBLE_EQ(doc.at("total").at("sum").as_double(), 36);
  EXPECT_EQ(doc.at("csv").as_string(),
            "region,count,sum,min,max,mean\nnorth,2,30.50,10.00,20.50,15.25\nsouth,1,5.50,5.50,5.50,5.50\n"
            "TOTAL,3,36.00,5.50,20.50,12.00\n");
  std::string html(doc.at("html").as_string());
  EXPECT_NE(html.find("<h1>Sales</h1>"), std::string::npos);
  EXPECT_NE(html.find("<td>north</td><td class=\"n\">2</td><td class=\"n\">30.50</td>"), std::string::npos);
  EXPECT_EQ(ctx.take_progress(), (Progress{3, 3, "report ready"}));
}

TEST(ReportWorker, ReadsCsvAndReportsProgressPerBatch) {
  std::vector<Progress> reports;
  JobContext* self = nullptr;
  JobContext ctx("r1", "tok", from_micros(0), [&] { reports.push_back(*self->take_progress()); });
  self = &ctx;
  std::string csv = "id,region,amount\n";
  for (int i = 0; i < 25; ++i) csv += std::to_string(i) + (i % 2 ? ",\"west, far\"," : ",east,") + "2\n";
  auto outcome = make_report_handler({.batch_rows = 10})(job("text/csv; charset=utf-8", csv), ctx);
  ASSERT_TRUE(outcome.succeeded) << outcome.error;
  auto doc = boost::json::parse(outcome.result.bytes).as_object();
  EXPECT_EQ(doc.at("groups").as_array()[0].at("count").as_int64(), 13);  // east: even ids 0..24
  EXPECT_EQ(doc.at("groups").as_array()[1].at("group").as_string(), "west, far");
  EXPECT_NE(std::string(doc.at("csv").as_string()).find("\"west, far\",12,24.00"), std::string::npos);
  ASSERT_EQ(reports.size(), 5u);  // start, 10, 20, 25, ready
  EXPECT_EQ(reports[1], (Progress{10, 25, "aggregated 10 of 25 rows"}));
  EXPECT_EQ(reports[3], (Progress{25, 25, "aggregated 25 of 25 rows"}));
}

TEST(ReportWorker, EscapesPayloadTextInHtml) {
  JobContext ctx("r1", "tok", from_micros(0), {});
  auto outcome = make_report_handler()(job("application/json", R"([{"region":"<b>&","amount":1}])"), ctx);
  ASSERT_TRUE(outcome.succeeded) << outcome.error;
  std::string html(boost::json::parse(outcome.result.bytes).at("html").as_string());
  EXPECT_NE(html.find("&lt;b&gt;&amp;"), std::string::npos);
  EXPECT_EQ(html.find("<b>&"), std::string::npos);
}

TEST(ReportWorker, BadPayloadFailsForGood) {
  JobContext ctx("r1", "tok", from_micros(0), {});
  auto outcome = make_report_handler()(job("application/json", R"([{"region":"a","amount":"x"}])"), ctx);
  EXPECT_FALSE(outcome.succeeded);
  EXPECT_FALSE(outcome.retryable);
  EXPECT_EQ(outcome.error, "row 1 has no number 'amount'");
  auto csv = make_report_handler()(job("text/csv", "region,amount\nnorth,lots\n"), ctx);
  EXPECT_FALSE(csv.retryable);
  EXPECT_EQ(csv.error, "CSV row 1: 'lots' is not a number");
}

TEST(ReportWorker, StopsBetweenBatchesOnCancel) {
  JobContext ctx("r1", "tok", from_micros(0), {});
  ctx.request_stop(client::StopReason::cancel_requested);
  auto outcome = make_report_handler({.batch_rows = 1, .batch_delay = std::chrono::hours(1)})(
      job("application/json", R"([{"region":"a","amount":1},{"region":"b","amount":2}])"), ctx);
  EXPECT_FALSE(outcome.succeeded);
  EXPECT_EQ(outcome.error, "stopped after 1 rows: cancel requested");
}

}  // namespace
}  // namespace replyd::worker
