// Fuzzes the strict option parsers of the client API: submit options, list filters, lease max,
// Idempotency-Key, Prefer, RFC 3339 times and job ids. Input: lines "name=value"; the first line is also
// used as a raw header value.
#include "api/request_options.h"
#include "core/job_id.h"
#include "core/time_format.h"
#include "http/prefer.h"

#include <cstdint>
#include <string>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  replyd::api::QueryParams params;
  std::size_t start = 0;
  while (start <= input.size()) {
    std::size_t end = input.find('\n', start);
    if (end == std::string_view::npos) end = input.size();
    std::string_view line = input.substr(start, end - start);
    std::size_t eq = line.find('=');
    params.emplace_back(std::string(line.substr(0, eq)),
                        eq == std::string_view::npos ? std::string() : std::string(line.substr(eq + 1)));
    start = end + 1;
  }
  auto now = replyd::from_micros(1'795'508'530'000'000);
  (void)replyd::api::parse_submit_options(params, now);
  (void)replyd::api::parse_list_query(params);
  (void)replyd::api::parse_lease_max(params, 256);
  std::string_view first = input.substr(0, input.find('\n'));
  (void)replyd::api::parse_idempotency_key(first);
  (void)replyd::http::parse_prefer(first);
  if (auto t = replyd::parse_rfc3339(first)) (void)replyd::format_rfc3339(*t);
  if (auto id = replyd::JobId::parse(first)) {
    if (id->to_string() != first) __builtin_trap();  // one text form per id
  }
  return 0;
}
