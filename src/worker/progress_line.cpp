#include "worker/progress_line.h"

#include <cstdint>

namespace replyd::worker {
namespace {

// 18 digits always fit an int64, so no overflow check is needed.
constexpr std::size_t kMaxDigits = 18;

bool blank(char c) { return c == ' ' || c == '\t'; }

std::string_view skip_blanks(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && blank(s[i])) ++i;
  return s.substr(i);
}

std::optional<std::int64_t> take_number(std::string_view& s) {
  std::size_t i = 0;
  std::int64_t value = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
    if (i == kMaxDigits) return std::nullopt;
    value = value * 10 + (s[i] - '0');
    ++i;
  }
  if (i == 0) return std::nullopt;
  s.remove_prefix(i);
  return value;
}

}  // namespace

std::optional<Progress> parse_progress_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  constexpr std::string_view kKeyword = "progress";
  if (line.substr(0, kKeyword.size()) != kKeyword) return std::nullopt;
  line.remove_prefix(kKeyword.size());
  if (line.empty() || !blank(line.front())) return std::nullopt;
  line = skip_blanks(line);
  auto current = take_number(line);
  if (!current || line.empty() || line.front() != '/') return std::nullopt;
  line.remove_prefix(1);
  auto total = take_number(line);
  if (!total) return std::nullopt;
  if (!line.empty() && !blank(line.front())) return std::nullopt;  // "3/10x" is not a progress line
  line = skip_blanks(line);
  while (!line.empty() && blank(line.back())) line.remove_suffix(1);
  Progress progress;
  progress.current = *current;
  progress.total = *total;
  progress.message = std::string(line.substr(0, kMaxProgressMessage));
  return progress;
}

}  // namespace replyd::worker
