#include "worker/report_worker.h"

#include "worker/report_data.h"

#include <fmt/format.h>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>

namespace replyd::worker {
namespace {

boost::json::object totals_json(const GroupTotals& t) {
  boost::json::object o;
  o["count"] = t.count;
  o["sum"] = t.sum;
  o["min"] = t.min;
  o["max"] = t.max;
  o["mean"] = t.mean();
  return o;
}

client::HandlerOutcome run_report(const ReportOptions& options, const client::LeasedJob& job,
                                  client::JobContext& context) {
  auto input = parse_report_input(job.payload);
  if (!input) return client::HandlerOutcome::failure(input.error().detail(), false);
  const auto total = static_cast<std::int64_t>(input->rows.size());
  const std::size_t batch = std::max<std::size_t>(options.batch_rows, 1);
  ReportAggregate aggregate;
  context.progress(0, total, "reading rows");
  for (std::size_t start = 0; start < input->rows.size(); start += batch) {
    std::size_t end = std::min(input->rows.size(), start + batch);
    for (std::size_t i = start; i < end; ++i) aggregate.add(input->rows[i]);
    context.progress(static_cast<std::int64_t>(end), total,
                     fmt::format("aggregated {} of {} rows", end, total));
    // Also a cancellation point when there is no delay: wait_for_stop(0) only looks.
    if (context.wait_for_stop(options.batch_delay)) {
      return client::HandlerOutcome::failure(
          fmt::format("stopped after {} rows: {}", end, client::to_string(context.stop_reason())), true);
    }
  }
  boost::json::object result;
  result["title"] = input->title;
  result["rows"] = total;
  result["group_by"] = input->group_by;
  result["value"] = input->value;
  boost::json::array groups;
  for (const auto& [name, totals] : aggregate.groups()) {
    boost::json::object g = totals_json(totals);
    g["group"] = name;
    groups.push_back(std::move(g));
  }
  result["groups"] = std::move(groups);
  result["total"] = totals_json(aggregate.overall());
  result["csv"] = render_report_csv(*input, aggregate);
  result["html"] = render_report_html(*input, aggregate);
  context.progress(total, total, "report ready");
  return client::HandlerOutcome::success(Blob{"application/json", boost::json::serialize(result)});
}

}  // namespace

client::Handler make_report_handler(ReportOptions options) {
  return [options](const client::LeasedJob& job, client::JobContext& context) {
    return run_report(options, job, context);
  };
}

}  // namespace replyd::worker
