#include "api/request_options.h"

#include "core/file_name.h"
#include "core/time_format.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <limits>

namespace replyd::api {
namespace {

Error invalid(std::string detail) { return Error(Errc::invalid_argument, std::move(detail)); }

// Refuses a second occurrence of any parameter: "?ttl=1&ttl=2" has no obvious meaning.
Result<void> check_unique(const QueryParams& params) {
  for (std::size_t i = 0; i < params.size(); ++i) {
    for (std::size_t j = i + 1; j < params.size(); ++j) {
      if (params[i].first == params[j].first) return invalid(fmt::format("parameter '{}' is repeated", params[i].first));
    }
  }
  return {};
}

bool valid_callback_url(std::string_view url) {
  if (url.size() > 2048) return false;
  std::string_view rest;
  if (url.starts_with("http://")) rest = url.substr(7);
  else if (url.starts_with("https://")) rest = url.substr(8);
  else return false;
  if (rest.empty() || rest.front() == '/') return false;
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f) return false;
  }
  return true;
}

}  // namespace

Result<std::int64_t> parse_integer(std::string_view name, std::string_view text, std::int64_t min, std::int64_t max) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || (text[0] == '+')) {
    return invalid(fmt::format("'{}' must be an integer, got '{}'", name, text.substr(0, 64)));
  }
  if (value < min || value > max) {
    return invalid(fmt::format("'{}' must be between {} and {}, got {}", name, min, max, value));
  }
  return value;
}

Result<Duration> parse_seconds(std::string_view name, std::string_view text, double max_seconds) {
  auto bad = [&] {
    return invalid(fmt::format("'{}' must be a number of seconds like 30 or 0.5, got '{}'", name, text.substr(0, 64)));
  };
  std::size_t dot = text.find('.');
  std::string_view whole = text.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
  if (whole.empty() || whole.size() > 12 || (dot != std::string_view::npos && (fraction.empty() || fraction.size() > 6))) {
    return bad();
  }
  std::int64_t seconds = 0;
  for (char c : whole) {
    if (c < '0' || c > '9') return bad();
    seconds = seconds * 10 + (c - '0');
  }
  std::int64_t micros = 0;
  for (std::size_t i = 0; i < 6; ++i) {
    char c = i < fraction.size() ? fraction[i] : '0';
    if (c < '0' || c > '9') return bad();
    micros = micros * 10 + (c - '0');
  }
  if (static_cast<double>(seconds) + static_cast<double>(micros) / 1e6 > max_seconds) {
    return invalid(fmt::format("'{}' may be at most {} seconds", name, max_seconds));
  }
  return Duration(seconds * 1'000'000 + micros);
}

Result<JobSpec> parse_submit_options(const QueryParams& params, TimePoint now) {
  if (auto unique = check_unique(params); !unique) return unique.error();
  constexpr double kYear = 366.0 * 24 * 3600;
  JobSpec spec;
  spec.max_attempts = 0;
  spec.ttl = Duration::zero();
  std::optional<Duration> delay;
  for (const auto& [name, value] : params) {
    if (name == "priority") {
      auto v = parse_integer(name, value, std::numeric_limits<std::int32_t>::min(), std::numeric_limits<std::int32_t>::max());
      if (!v) return v.error();
      spec.priority = static_cast<std::int32_t>(*v);
    } else if (name == "delay") {
      auto v = parse_seconds(name, value, kYear);
      if (!v) return v.error();
      delay = *v;
    } else if (name == "run_at") {
      auto t = parse_rfc3339(value);
      if (!t) return invalid(fmt::format("'run_at' must be an RFC 3339 date-time like 2026-11-24T08:00:00Z, got '{}'",
                                         value.substr(0, 64)));
      spec.run_at = *t;
    } else if (name == "timeout") {
      auto v = parse_seconds(name, value, kYear);
      if (!v) return v.error();
      if (*v <= Duration::zero()) return invalid("'timeout' must be greater than 0");
      spec.timeout = *v;
    } else if (name == "max_attempts") {
      auto v = parse_integer(name, value, 1, 1000);
      if (!v) return v.error();
      spec.max_attempts = static_cast<std::int32_t>(*v);
    } else if (name == "ttl") {
      auto v = parse_seconds(name, value, kYear);
      if (!v) return v.error();
      if (*v <= Duration::zero()) return invalid("'ttl' must be greater than 0");
      spec.ttl = *v;
    } else if (name == "callback") {
      if (!valid_callback_url(value)) {
        return invalid("'callback' must be an absolute http:// or https:// URL of at most 2048 characters");
      }
      spec.callback_url = value;
    } else if (name == "filename") {
      if (!valid_file_name(value)) {
        return invalid("'filename' must be 1 to 255 bytes without '/', '\\', control characters, and not '.' or '..'");
      }
      spec.filename = value;
    } else {
      return invalid(fmt::format(
          "unknown parameter '{}'; submit accepts priority, delay, run_at, timeout, max_attempts, ttl, callback, "
          "filename",
          name.substr(0, 64)));
    }
  }
  if (delay && spec.run_at) return invalid("give either 'delay' or 'run_at', not both");
  if (delay) spec.run_at = now + *delay;
  return spec;
}

Result<store::ListQuery> parse_list_query(const QueryParams& params) {
  if (auto unique = check_unique(params); !unique) return unique.error();
  store::ListQuery query;
  for (const auto& [name, value] : params) {
    if (name == "queue") {
      query.queue = value;
    } else if (name == "status") {
      auto state = parse_job_state(value);
      if (!state) {
        return invalid(fmt::format("'status' must be one of queued, running, succeeded, failed, cancelled; got '{}'",
                                   value.substr(0, 64)));
      }
      query.state = *state;
    } else if (name == "limit") {
      auto v = parse_integer(name, value, 1, 1000);
      if (!v) return v.error();
      query.limit = static_cast<int>(*v);
    } else if (name == "cursor") {
      std::string_view text = value;
      std::int64_t seq = 0;
      auto [end, ec] = std::from_chars(text.data() + 1, text.data() + text.size(), seq);
      if (text.size() < 2 || text[0] != 'c' || ec != std::errc() || end != text.data() + text.size() || seq < 1) {
        return invalid("'cursor' must be a next_cursor value from a previous page");
      }
      query.before_seq = seq;
    } else {
      return invalid(fmt::format("unknown parameter '{}'; the list accepts queue, status, limit, cursor",
                                 name.substr(0, 64)));
    }
  }
  return query;
}

Result<int> parse_lease_max(const QueryParams& params, int max_batch) {
  int max = 1;
  if (auto unique = check_unique(params); !unique) return unique.error();
  for (const auto& [name, value] : params) {
    if (name != "max") {
      return invalid(fmt::format("unknown parameter '{}'; leases accept max", name.substr(0, 64)));
    }
    auto v = parse_integer(name, value, 1, max_batch);
    if (!v) return v.error();
    max = static_cast<int>(*v);
  }
  return max;
}

Result<std::string> parse_idempotency_key(std::string_view header) {
  std::string key;
  if (!header.empty() && header.front() == '"') {
    // sf-string: DQUOTE *( unescaped / "\" ( DQUOTE / "\" ) ) DQUOTE, unescaped being visible ASCII or SP.
    std::size_t i = 1;
    bool closed = false;
    for (; i < header.size(); ++i) {
      char c = header[i];
      if (c == '"') {
        closed = true;
        ++i;
        break;
      }
      if (c == '\\') {
        if (i + 1 >= header.size() || (header[i + 1] != '"' && header[i + 1] != '\\')) {
          return invalid("Idempotency-Key: bad escape in the quoted string");
        }
        key += header[++i];
      } else if (c < 0x20 || c > 0x7e) {
        return invalid("Idempotency-Key: only visible ASCII characters are allowed");
      } else {
        key += c;
      }
    }
    if (!closed || i != header.size()) return invalid("Idempotency-Key: a quoted string must end with '\"'");
  } else {
    for (char c : header) {
      if (c <= 0x20 || c > 0x7e || c == '"' || c == ',' || c == ';') {
        return invalid("Idempotency-Key must be a quoted string (\"key\") or a token of visible ASCII characters");
      }
    }
    key = header;
  }
  if (key.empty() || key.size() > 255) return invalid("Idempotency-Key must be 1 to 255 characters long");
  return key;
}

std::string encode_cursor(std::int64_t seq) { return fmt::format("c{}", seq); }

}  // namespace replyd::api
