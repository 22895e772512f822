// The data of a report job and its aggregation (the report worker, report_worker.h). Pure functions,
// no I/O.
//
// Input, by the payload's media type:
//   - text/csv: a header line naming the columns, then one row per line; fields may be quoted
//     ("a ""quoted"", field"). The `group_by` and `value` columns are "region" and "amount".
//   - JSON (anything else): either an array of row objects, or an object
//     {"rows": [...], "group_by": "region", "value": "amount", "title": "..."}.
// Each row must have the group column (a string, or a number written as text) and the value column
// (a number, or in CSV a decimal). A row that lacks either is an error naming the row.
#pragma once

#include "core/job.h"
#include "core/result.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace replyd::worker {

struct ReportRow {
  std::string group;
  double value = 0;
};

struct ReportInput {
  std::string title = "Report";
  std::string group_by = "region";
  std::string value = "amount";
  std::vector<ReportRow> rows;
};

// Errors: Errc::invalid_argument with a detail that says what is wrong and where (row number).
Result<ReportInput> parse_report_input(const Blob& payload);

struct GroupTotals {
  std::int64_t count = 0;
  double sum = 0;
  double min = 0;
  double max = 0;
  double mean() const { return count ? sum / static_cast<double>(count) : 0; }
};

// Totals per group, in group-name order, and over all rows.
class ReportAggregate {
 public:
  void add(const ReportRow& row);
  const std::map<std::string, GroupTotals>& groups() const { return groups_; }
  const GroupTotals& overall() const { return overall_; }

 private:
  static void add_to(GroupTotals& totals, double value);
  std::map<std::string, GroupTotals> groups_;
  GroupTotals overall_;
};

// One line per group, then a "TOTAL" line: `group_by,count,sum,min,max,mean` (numbers with up to 2
// decimals; the group quoted when it needs it).
std::string render_report_csv(const ReportInput& input, const ReportAggregate& aggregate);
// A standalone HTML page: the title, a table with the same columns and a footer row with the totals.
// Every text from the payload is escaped.
std::string render_report_html(const ReportInput& input, const ReportAggregate& aggregate);

}  // namespace replyd::worker
