#include "api/worker_bodies.h"

#include "core/base64.h"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>

namespace replyd::api {
namespace {

namespace json = boost::json;

Error invalid(std::string detail) { return Error(Errc::invalid_argument, std::move(detail)); }

Result<json::object> parse_object(std::string_view body, std::string_view what) {
  json::parse_options options;
  options.max_depth = 8;
  boost::system::error_code ec;
  json::value value = json::parse(body, ec, {}, options);
  if (ec) return invalid(fmt::format("the {} body is not valid JSON: {}", what, ec.message()));
  if (!value.is_object()) return invalid(fmt::format("the {} body must be a JSON object", what));
  return std::move(value.as_object());
}

Result<std::int64_t> non_negative(const json::value& v, std::string_view name) {
  if (v.is_int64() && v.as_int64() >= 0) return v.as_int64();
  if (v.is_uint64() && v.as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) return static_cast<std::int64_t>(v.as_uint64());
  return invalid(fmt::format("'{}' must be a non-negative integer", name));
}

Result<std::string> required_text(const json::object& item, std::string_view name, std::size_t index) {
  const json::value* v = item.if_contains(name);
  if (v == nullptr || !v->is_string() || v->as_string().empty()) {
    return invalid(fmt::format("jobs[{}].{} must be a non-empty string", index, name));
  }
  const auto& text = v->as_string();
  return std::string(text.data(), text.size());
}

Result<CompleteItem> parse_complete_item(const json::value& value, std::size_t index) {
  if (!value.is_object()) return invalid(fmt::format("jobs[{}] must be a JSON object", index));
  const json::object& item = value.as_object();
  for (const auto& member : item) {
    std::string_view key = member.key();
    if (key != "id" && key != "lease_token" && key != "content_type" && key != "result_base64") {
      return invalid(fmt::format("unknown member '{}' in jobs[{}]; accepted: id, lease_token, content_type, "
                                 "result_base64",
                                 key.substr(0, 64), index));
    }
  }
  CompleteItem out;
  auto id = required_text(item, "id", index);
  if (!id) return id.error();
  auto token = required_text(item, "lease_token", index);
  if (!token) return token.error();
  out.id = std::move(*id);
  out.lease_token = std::move(*token);
  out.result.content_type = "application/octet-stream";
  if (const json::value* type = item.if_contains("content_type")) {
    if (!type->is_string() || type->as_string().empty()) {
      return invalid(fmt::format("jobs[{}].content_type must be a non-empty string", index));
    }
    out.result.content_type.assign(type->as_string().data(), type->as_string().size());
  }
  if (const json::value* data = item.if_contains("result_base64")) {
    std::optional<std::string> bytes;
    if (data->is_string()) bytes = base64_decode(std::string_view(data->as_string().data(), data->as_string().size()));
    if (!bytes) return invalid(fmt::format("jobs[{}].result_base64 must be padded base64", index));
    out.result.bytes = std::move(*bytes);
  }
  return out;
}

}  // namespace

Result<std::optional<Progress>> parse_heartbeat_body(std::string_view body) {
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return std::optional<Progress>();
  auto object = parse_object(body, "heartbeat");
  if (!object) return object.error();
  Progress progress;
  for (const auto& member : *object) {
    std::string_view key = member.key();
    if (key == "current" || key == "total") {
      auto n = non_negative(member.value(), key);
      if (!n) return n.error();
      (key == "current" ? progress.current : progress.total) = *n;
    } else if (key == "message") {
      if (!member.value().is_string()) return invalid("'message' must be a string");
      const auto& s = member.value().as_string();
      if (s.size() > 1024) return invalid("'message' may be at most 1024 bytes");
      progress.message.assign(s.data(), s.size());
    } else {
      return invalid(fmt::format("unknown member '{}' in the heartbeat body; accepted: current, total, message",
                                 key.substr(0, 64)));
    }
  }
  return std::optional<Progress>(std::move(progress));
}

Result<FailBody> parse_fail_body(std::string_view body) {
  FailBody out;
  out.error = "the worker reported a failure";
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return out;
  auto object = parse_object(body, "fail");
  if (!object) return object.error();
  for (const auto& member : *object) {
    std::string_view key = member.key();
    if (key == "error") {
      if (!member.value().is_string()) return invalid("'error' must be a string");
      const auto& s = member.value().as_string();
      if (s.size() > 4096) return invalid("'error' may be at most 4096 bytes");
      out.error.assign(s.data(), s.size());
    } else if (key == "retryable") {
      if (!member.value().is_bool()) return invalid("'retryable' must be true or false");
      out.retryable = member.value().as_bool();
    } else {
      return invalid(fmt::format("unknown member '{}' in the fail body; accepted: error, retryable", key.substr(0, 64)));
    }
  }
  return out;
}

Result<std::vector<CompleteItem>> parse_complete_batch_body(std::string_view body, int max_items) {
  auto object = parse_object(body, "batch complete");
  if (!object) return object.error();
  const json::value* jobs = nullptr;
  for (const auto& member : *object) {
    if (member.key() != "jobs") {
      return invalid(fmt::format("unknown member '{}' in the batch complete body; accepted: jobs",
                                 std::string_view(member.key()).substr(0, 64)));
    }
    jobs = &member.value();
  }
  if (jobs == nullptr || !jobs->is_array()) return invalid("'jobs' must be an array");
  const json::array& items = jobs->as_array();
  if (items.empty() || items.size() > static_cast<std::size_t>(max_items)) {
    return invalid(fmt::format("'jobs' must hold 1 to {} items", max_items));
  }
  std::vector<CompleteItem> out;
  out.reserve(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto item = parse_complete_item(items[i], i);
    if (!item) return item.error();
    out.push_back(std::move(*item));
  }
  return out;
}

}  // namespace replyd::api
