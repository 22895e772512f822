#include "worker/report_data.h"

#include "worker/csv_reader.h"

#include <fmt/format.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace replyd::worker {
namespace {

Error invalid(std::string detail) { return Error(Errc::invalid_argument, std::move(detail)); }

bool is_csv(std::string_view content_type) {
  auto semicolon = content_type.find(';');
  std::string_view type = content_type.substr(0, semicolon);
  while (!type.empty() && type.back() == ' ') type.remove_suffix(1);
  std::string lower(type);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower == "text/csv";
}

std::optional<double> parse_decimal(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

Result<ReportInput> parse_csv_input(std::string_view text) {
  auto records = read_csv(text);
  if (!records) return records.error();
  if (records->empty()) return invalid("the CSV has no header line");
  ReportInput input;
  const CsvRecord& header = records->front();
  auto column = [&](const std::string& name) -> std::optional<std::size_t> {
    auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) return std::nullopt;
    return static_cast<std::size_t>(it - header.begin());
  };
  auto group_column = column(input.group_by);
  auto value_column = column(input.value);
  if (!group_column || !value_column) {
    return invalid(
        fmt::format("the CSV header must name the columns '{}' and '{}'", input.group_by, input.value));
  }
  for (std::size_t i = 1; i < records->size(); ++i) {
    const CsvRecord& record = (*records)[i];
    if (record.size() <= std::max(*group_column, *value_column)) {
      return invalid(fmt::format("CSV row {} has {} fields, fewer than the header", i, record.size()));
    }
    auto value = parse_decimal(record[*value_column]);
    if (!value) {
      return invalid(fmt::format("CSV row {}: '{}' is not a number", i, record[*value_column].substr(0, 40)));
    }
    input.rows.push_back({record[*group_column], *value});
  }
  return input;
}

Result<ReportRow> json_row(const boost::json::value& value, std::size_t index, const ReportInput& input) {
  const auto* obj = value.if_object();
  if (!obj) return invalid(fmt::format("row {} is not a JSON object", index + 1));
  ReportRow row;
  const auto* group = obj->if_contains(input.group_by);
  if (group && group->is_string()) {
    row.group = std::string(group->get_string());
  } else if (group && group->is_number()) {
    row.group = boost::json::serialize(*group);
  } else {
    return invalid(fmt::format("row {} has no string '{}'", index + 1, input.group_by));
  }
  const auto* amount = obj->if_contains(input.value);
  if (!amount || !amount->is_number())
    return invalid(fmt::format("row {} has no number '{}'", index + 1, input.value));
  row.value = amount->to_number<double>();
  return row;
}

Result<ReportInput> parse_json_input(std::string_view text) {
  boost::system::error_code ec;
  auto doc = boost::json::parse(text, ec);
  if (ec) return invalid(fmt::format("the payload is neither text/csv nor valid JSON: {}", ec.message()));
  ReportInput input;
  const boost::json::array* rows = doc.if_array();
  if (const auto* obj = doc.if_object()) {
    for (auto [name, target] : {std::pair{"title", &input.title}, std::pair{"group_by", &input.group_by},
                                std::pair{"value", &input.value}}) {
      if (const auto* v = obj->if_contains(name)) {
        if (!v->is_string() || v->get_string().empty())
          return invalid(fmt::format("'{}' must be a non-empty string", name));
        *target = std::string(v->get_string());
      }
    }
    if (const auto* r = obj->if_contains("rows")) rows = r->if_array();
  }
  if (!rows) return invalid("the JSON payload must be an array of rows or an object with a 'rows' array");
  input.rows.reserve(rows->size());
  for (std::size_t i = 0; i < rows->size(); ++i) {
    auto row = json_row((*rows)[i], i, input);
    if (!row) return row.error();
    input.rows.push_back(std::move(*row));
  }
  return input;
}

std::string number(double v) { return fmt::format("{:.2f}", v); }

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace

Result<ReportInput> parse_report_input(const Blob& payload) {
  if (is_csv(payload.content_type)) return parse_csv_input(payload.bytes);
  return parse_json_input(payload.bytes);
}

void ReportAggregate::add_to(GroupTotals& totals, double value) {
  totals.min = totals.count ? std::min(totals.min, value) : value;
  totals.max = totals.count ? std::max(totals.max, value) : value;
  totals.sum += value;
  ++totals.count;
}

void ReportAggregate::add(const ReportRow& row) {
  add_to(groups_[row.group], row.value);
  add_to(overall_, row.value);
}

std::string render_report_csv(const ReportInput& input, const ReportAggregate& aggregate) {
  std::string out = fmt::format("{},count,sum,min,max,mean\n", csv_field(input.group_by));
  auto line = [&out](std::string_view name, const GroupTotals& t) {
    out += fmt::format("{},{},{},{},{},{}\n", csv_field(name), t.count, number(t.sum), number(t.min),
                       number(t.max), number(t.mean()));
  };
  for (const auto& [name, totals] : aggregate.groups()) line(name, totals);
  line("TOTAL", aggregate.overall());
  return out;
}

std::string render_report_html(const ReportInput& input, const ReportAggregate& aggregate) {
  std::string title = html_escape(input.title);
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>{0}</title>\n"
      "<style>table{{border-collapse:collapse}}td,th{{border:1px solid #999;padding:4px 8px}}"
      "td.n{{text-align:right}}</style></head>\n<body>\n<h1>{0}</h1>\n<p>{1} rows in {2} groups.</p>\n"
      "<table>\n<thead><tr><th scope=\"col\">{3}</th><th scope=\"col\">count</th><th scope=\"col\">sum</th>"
      "<th scope=\"col\">min</th><th scope=\"col\">max</th><th "
      "scope=\"col\">mean</th></tr></thead>\n<tbody>\n",
      title, aggregate.overall().count, aggregate.groups().size(), html_escape(input.group_by));
  auto row = [&out](std::string_view cell, std::string_view name, const GroupTotals& t) {
    out += fmt::format(
        "<tr><{0}>{1}</{0}><td class=\"n\">{2}</td><td class=\"n\">{3}</td><td class=\"n\">{4}</td>"
        "<td class=\"n\">{5}</td><td class=\"n\">{6}</td></tr>\n",
        cell, html_escape(name), t.count, number(t.sum), number(t.min), number(t.max), number(t.mean()));
  };
  for (const auto& [name, totals] : aggregate.groups()) row("td", name, totals);
  out += "</tbody>\n<tfoot>\n";
  row("th", "Total", aggregate.overall());
  out += "</tfoot>\n</table>\n</body>\n</html>\n";
  return out;
}

}  // namespace replyd::worker
