#include "tests/support/time_text.h"

#include <fmt/format.h>

#include <regex>

namespace replyd::blackbox {

std::optional<UtcTime> parse_utc_timestamp(std::string_view text) {
  static const std::regex kPattern(R"((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?Z)");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(text.begin(), text.end(), m, kPattern)) return std::nullopt;
  auto number = [&](int i) { return std::stoi(m[i].str()); };
  std::chrono::year_month_day date{std::chrono::year(number(1)),
                                   std::chrono::month(static_cast<unsigned>(number(2))),
                                   std::chrono::day(static_cast<unsigned>(number(3)))};
  int hour = number(4), minute = number(5), second = number(6);
  if (!date.ok() || hour > 23 || minute > 59 || second > 59) return std::nullopt;
  std::string fraction = m[7].matched ? m[7].str() : "";
  fraction.resize(6, '0');
  UtcTime time = std::chrono::sys_days(date) + std::chrono::hours(hour) + std::chrono::minutes(minute) +
                 std::chrono::seconds(second) + std::chrono::microseconds(std::stol(fraction));
  return time;
}

std::string format_utc_timestamp(std::chrono::sys_seconds time) {
  auto day = std::chrono::floor<std::chrono::days>(time);
  std::chrono::year_month_day date{day};
  std::chrono::hh_mm_ss clock{time - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                     clock.hours().count(), clock.minutes().count(), clock.seconds().count());
}

bool is_http_date(std::string_view text) {
  static const std::regex kPattern(
      R"((Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) )"
      R"(\d{4} \d{2}:\d{2}:\d{2} GMT)");
  return std::regex_match(text.begin(), text.end(), kPattern);
}

bool is_integer_at_least(std::string_view text, long min) {
  if (text.empty() || text.size() > 9) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return std::stol(std::string(text)) >= min;
}

}  // namespace replyd::blackbox
