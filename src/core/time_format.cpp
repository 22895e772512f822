#include "core/time_format.h"

#include <fmt/format.h>

#include <charconv>

namespace replyd {
namespace {

using namespace std::chrono;

struct Civil {
  int year;
  unsigned month, day;
  long long hour, minute, second, micros;
};

Civil to_civil(TimePoint t) {
  auto day_point = floor<days>(t);
  year_month_day ymd{day_point};
  auto in_day = t - day_point;
  return Civil{int(ymd.year()),
               unsigned(ymd.month()),
               unsigned(ymd.day()),
               duration_cast<hours>(in_day).count(),
               duration_cast<minutes>(in_day).count() % 60,
               duration_cast<seconds>(in_day).count() % 60,
               in_day.count() % 1'000'000};
}

// Reads exactly `width` digits at `pos`.
bool read_digits(std::string_view s, std::size_t& pos, std::size_t width, int& out) {
  if (pos + width > s.size()) return false;
  int value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += width;
  out = value;
  return true;
}

bool expect(std::string_view s, std::size_t& pos, char a, char b = '\0') {
  if (pos >= s.size()) return false;
  if (s[pos] != a && (b == '\0' || s[pos] != b)) return false;
  ++pos;
  return true;
}

}  // namespace

std::string format_rfc3339(TimePoint t) {
  Civil c = to_civil(t);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", c.year, c.month, c.day, c.hour, c.minute,
                     c.second, c.micros / 1000);
}

std::string format_http_date(TimePoint t) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  Civil c = to_civil(t);
  weekday wd{floor<days>(t)};
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT", kDays[wd.c_encoding()], c.day,
                     kMonths[c.month - 1], c.year, c.hour, c.minute, c.second);
}

std::optional<TimePoint> parse_rfc3339(std::string_view s) {
  std::size_t pos = 0;
  int y, mo, d, h, mi, sec;
  if (!read_digits(s, pos, 4, y) || !expect(s, pos, '-') || !read_digits(s, pos, 2, mo) ||
      !expect(s, pos, '-') || !read_digits(s, pos, 2, d) || !expect(s, pos, 'T', 't') ||
      !read_digits(s, pos, 2, h) || !expect(s, pos, ':') || !read_digits(s, pos, 2, mi) ||
      !expect(s, pos, ':') || !read_digits(s, pos, 2, sec)) {
    return std::nullopt;
  }
  if (y < 1970 || h > 23 || mi > 59 || sec > 59) return std::nullopt;
  year_month_day ymd{year{y}, month{unsigned(mo)}, day{unsigned(d)}};
  if (!ymd.ok()) return std::nullopt;

  long long micros = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::size_t digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 6) micros = micros * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (std::size_t i = digits; i < 6; ++i) micros *= 10;
  }

  long long offset_minutes = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int sign = s[pos] == '-' ? -1 : 1;
    ++pos;
    int oh, om;
    if (!read_digits(s, pos, 2, oh) || !expect(s, pos, ':') || !read_digits(s, pos, 2, om) || oh > 23 ||
        om > 59) {
      return std::nullopt;
    }
    offset_minutes = sign * (oh * 60 + om);
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;

  auto t = TimePoint(sys_days(ymd)) + hours(h) + minutes(mi) + seconds(sec) + microseconds(micros) -
           minutes(offset_minutes);
  if (t.time_since_epoch().count() < 0) return std::nullopt;
  return t;
}

}  // namespace replyd
