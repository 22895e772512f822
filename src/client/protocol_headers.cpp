#include "client/protocol_headers.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace replyd::client {
namespace {

constexpr int kMaxRetryAfter = 24 * 3600;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<long long> parse_digits(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  long long v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

}  // namespace

std::optional<int> parse_retry_after(std::string_view value) {
  value = trim(value);
  // Long runs of digits are still a valid (huge) delay: cap instead of rejecting.
  if (value.size() > 18 && value.find_first_not_of("0123456789") == std::string_view::npos)
    return kMaxRetryAfter;
  auto v = parse_digits(value);
  if (!v) return std::nullopt;
  return static_cast<int>(std::min<long long>(*v, kMaxRetryAfter));
}

std::optional<int> parse_small_int(std::string_view value) {
  auto v = parse_digits(trim(value));
  if (!v || *v > INT32_MAX) return std::nullopt;
  return static_cast<int>(*v);
}

std::optional<TimePoint> parse_http_date(std::string_view value) {
  // "Sun, 06 Nov 1994 08:49:37 GMT": fixed width, 29 characters.
  value = trim(value);
  if (value.size() != 29 || value[3] != ',' || value[4] != ' ' || value[7] != ' ' || value[11] != ' ' ||
      value[16] != ' ' || value[19] != ':' || value[22] != ':' || value.substr(25) != " GMT") {
    return std::nullopt;
  }
  static constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  unsigned month = 0;
  for (unsigned i = 0; i < kMonths.size(); ++i) {
    if (value.substr(8, 3) == kMonths[i]) month = i + 1;
  }
  auto day = parse_digits(value.substr(5, 2));
  auto year = parse_digits(value.substr(12, 4));
  auto hour = parse_digits(value.substr(17, 2));
  auto minute = parse_digits(value.substr(20, 2));
  auto second = parse_digits(value.substr(23, 2));
  if (month == 0 || !day || !year || !hour || !minute || !second || *hour > 23 || *minute > 59 ||
      *second > 59) {
    return std::nullopt;
  }
  using namespace std::chrono;
  year_month_day ymd{std::chrono::year(static_cast<int>(*year)), std::chrono::month(month),
                     std::chrono::day(static_cast<unsigned>(*day))};
  if (!ymd.ok() || *year < 1970) return std::nullopt;
  auto t = sys_days(ymd) + hours(*hour) + minutes(*minute) + seconds(*second);
  return TimePoint(duration_cast<Duration>(t.time_since_epoch()));
}

std::string prefer_wait(int wait_s, bool respond_async) {
  wait_s = std::max(wait_s, 0);
  return respond_async ? fmt::format("respond-async, wait={}", wait_s) : fmt::format("wait={}", wait_s);
}

std::optional<std::string> idempotency_key_header(std::string_view key) {
  if (key.empty()) return std::nullopt;
  std::string out = "\"";
  for (char c : key) {
    if (c < 0x20 || c > 0x7e) return std::nullopt;
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace replyd::client
