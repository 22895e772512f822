#include "http/http_date.h"

#include "core/time_format.h"

#include <chrono>
#include <string>

namespace replyd::http {

std::string_view current_http_date() {
  // Per thread rather than shared: no lock and no atomics on the response path.
  struct Cache {
    std::int64_t second = -1;
    std::string text;
  };
  thread_local Cache cache;
  auto now = std::chrono::floor<Duration>(std::chrono::system_clock::now());
  std::int64_t second = std::chrono::floor<std::chrono::seconds>(now).time_since_epoch().count();
  if (second != cache.second) {
    cache.second = second;
    cache.text = format_http_date(now);
  }
  return cache.text;
}

}  // namespace replyd::http
