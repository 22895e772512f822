// The report worker (queue `report` of `replyd serve --demo`): aggregates the rows of the payload
// (CSV or JSON, see report_data.h) per group, reporting progress per batch of rows, and returns
//   {"title": "...", "rows": N, "group_by": "region", "value": "amount",
//    "groups": [{"group": "north", "count": 2, "sum": 30.5, "min": 10, "max": 20.5, "mean": 15.25}, ...],
//    "total": {"count", "sum", "min", "max", "mean"},
//    "csv": "region,count,sum,min,max,mean\n...", "html": "<!DOCTYPE html>..."}
// as application/json. A payload that cannot be read fails the job for good (not retryable), with the
// parser's explanation. A cancel (or worker shutdown) stops it between batches.
#pragma once

#include "client/worker_loop.h"

#include <chrono>
#include <string_view>

namespace replyd::worker {

inline constexpr std::string_view kReportQueue = "report";

struct ReportOptions {
  std::size_t batch_rows = 1000;             // rows per progress report
  std::chrono::milliseconds batch_delay{0};  // a pause after each batch, so people can watch (demo)
};

// Thread-safe.
client::Handler make_report_handler(ReportOptions options = {});

}  // namespace replyd::worker
