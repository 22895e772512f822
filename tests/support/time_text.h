// Time in the text forms the HTTP contract uses, parsed independently of the server's own code:
// RFC 3339 UTC timestamps ("2026-11-24T08:15:30.123Z") and HTTP dates (IMF-fixdate).
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace replyd::blackbox {

using UtcTime = std::chrono::sys_time<std::chrono::microseconds>;

// "YYYY-MM-DDTHH:MM:SS[.fraction]Z" (uppercase T and Z, UTC only); nullopt for anything else.
std::optional<UtcTime> parse_utc_timestamp(std::string_view text);
// "YYYY-MM-DDTHH:MM:SSZ", whole seconds.
std::string format_utc_timestamp(std::chrono::sys_seconds time);

// True for an RFC 9110 IMF-fixdate: "Tue, 24 Nov 2026 08:15:30 GMT".
bool is_http_date(std::string_view text);

// True when `text` is an integer of decimal digits only (as Retry-After must be) and at least `min`.
bool is_integer_at_least(std::string_view text, long min);

}  // namespace replyd::blackbox
