#include "api/worker_bodies.h"

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

}  // namespace replyd::api
