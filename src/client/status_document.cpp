#include "client/status_document.h"

#include "client/json_fields.h"

#include <fmt/format.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace replyd::client {
namespace {

using namespace json_fields;

ApiError malformed(std::string_view what, std::string_view why) {
  return ApiError(Errc::internal, fmt::format("malformed {} from the server: {}", what, why));
}

ApiResult<boost::json::value> parse_json(std::string_view json, std::string_view what) {
  boost::system::error_code ec;
  auto value = boost::json::parse(json, ec);
  if (ec) return malformed(what, ec.message());
  return value;
}

int clamp_int(std::optional<std::int64_t> v) {
  if (!v) return 0;
  if (*v < 0) return 0;
  return *v > INT32_MAX ? INT32_MAX : static_cast<int>(*v);
}

std::optional<Progress> read_progress(const boost::json::object& doc, std::optional<double>& percent) {
  const auto* p = object_at(doc, "progress");
  if (!p) return std::nullopt;
  Progress progress;
  progress.current = int_at(*p, "current");
  progress.total = int_at(*p, "total");
  progress.message = string_at(*p, "message").value_or("");
  percent = number_at(*p, "percent");
  return progress;
}

std::optional<Problem> read_problem(const boost::json::object& doc) {
  const auto* e = object_at(doc, "error");
  if (!e) return std::nullopt;
  Problem problem;
  problem.type = string_at(*e, "type").value_or("about:blank");
  problem.title = string_at(*e, "title").value_or("");
  problem.status = clamp_int(int_at(*e, "status"));
  problem.detail = string_at(*e, "detail").value_or("");
  return problem;
}

}  // namespace

ApiResult<JobStatus> parse_status_object(const boost::json::object& obj) {
  JobStatus s;
  auto id = string_at(obj, "id");
  auto status = string_at(obj, "status");
  if (!id || !status) return malformed("status document", "no \"id\" or \"status\"");
  s.id = std::move(*id);
  s.status = std::move(*status);
  s.state = parse_job_state(s.status);
  s.queue = string_at(obj, "queue").value_or("");
  s.progress = read_progress(obj, s.percent);
  s.attempt = clamp_int(int_at(obj, "attempt"));
  s.max_attempts = clamp_int(int_at(obj, "max_attempts"));
  s.cancel_requested = bool_at(obj, "cancel_requested").value_or(false);
  s.created_at = time_at(obj, "created_at");
  s.updated_at = time_at(obj, "updated_at");
  s.started_at = time_at(obj, "started_at");
  s.finished_at = time_at(obj, "finished_at");
  s.expires_at = time_at(obj, "expires_at");
  s.error = read_problem(obj);
  if (const auto* links = object_at(obj, "links")) {
    s.links.self = string_at(*links, "self").value_or("");
    s.links.result = string_at(*links, "result").value_or("");
    s.links.events = string_at(*links, "events").value_or("");
  }
  s.document = boost::json::serialize(obj);
  return s;
}

ApiResult<JobStatus> parse_status_document(std::string_view json) {
  auto value = parse_json(json, "status document");
  if (!value) return value.error();
  const auto* obj = value->if_object();
  if (!obj) return malformed("status document", "not a JSON object");
  return parse_status_object(*obj);
}

ApiResult<JobPage> parse_job_page(std::string_view json) {
  auto value = parse_json(json, "job list");
  if (!value) return value.error();
  const auto* obj = value->if_object();
  const auto* jobs = obj ? obj->if_contains("jobs") : nullptr;
  if (!jobs || !jobs->is_array()) return malformed("job list", "no \"jobs\" array");
  JobPage page;
  for (const auto& item : jobs->get_array()) {
    const auto* job = item.if_object();
    if (!job) return malformed("job list", "an element of \"jobs\" is not an object");
    auto status = parse_status_object(*job);
    if (!status) return status.error();
    page.jobs.push_back(std::move(*status));
  }
  page.next_cursor = string_at(*obj, "next_cursor");
  if (page.next_cursor && page.next_cursor->empty()) page.next_cursor.reset();
  return page;
}

ApiResult<std::vector<QueueSummary>> parse_queue_list(std::string_view json) {
  auto value = parse_json(json, "queue list");
  if (!value) return value.error();
  const boost::json::array* items = value->if_array();
  if (const auto* obj = value->if_object()) {
    const auto* queues = obj->if_contains("queues");
    items = queues ? queues->if_array() : nullptr;
  }
  if (!items) return malformed("queue list", "no \"queues\" array");
  std::vector<QueueSummary> out;
  for (const auto& item : *items) {
    const auto* q = item.if_object();
    if (!q) return malformed("queue list", "a queue is not an object");
    QueueSummary summary;
    auto name = string_at(*q, "name");
    if (!name) name = string_at(*q, "queue");
    if (!name) return malformed("queue list", "a queue has no name");
    summary.name = std::move(*name);
    if (const auto* counts = object_at(*q, "counts")) {
      for (const auto& [state, _] : *counts) {
        if (auto n = int_at(*counts, state)) summary.counts[std::string(state)] = *n;
      }
    }
    for (const auto& [key, _] : *q) {
      if (auto n = number_at(*q, key)) summary.figures[std::string(key)] = *n;
    }
    summary.document = boost::json::serialize(*q);
    out.push_back(std::move(summary));
  }
  return out;
}

std::string progress_text(const JobStatus& status) {
  if (!status.progress) return {};
  const Progress& p = *status.progress;
  std::optional<double> percent = status.percent ? status.percent : p.percent();
  std::string head;
  if (percent) {
    head = fmt::format("{:.0f}%", *percent);
  } else if (p.current) {
    head = p.total ? fmt::format("{}/{}", *p.current, *p.total) : std::to_string(*p.current);
  }
  if (head.empty()) return p.message;
  return p.message.empty() ? head : head + " " + p.message;
}

std::string job_id_from(std::string_view text) {
  constexpr std::string_view kJobs = "/v1/jobs/";
  auto pos = text.find(kJobs);
  if (pos == std::string_view::npos) return std::string(text);
  std::string_view rest = text.substr(pos + kJobs.size());
  return std::string(rest.substr(0, rest.find_first_of("/?#")));
}

}  // namespace replyd::client
