// Text forms of time: RFC 3339 (JSON documents and query parameters) and the HTTP date (headers).
#pragma once

#include "core/clock.h"

#include <optional>
#include <string>
#include <string_view>

namespace replyd {

// "2026-11-24T08:15:30.123Z": UTC, millisecond precision (truncated).
std::string format_rfc3339(TimePoint t);

// Parses an RFC 3339 date-time ("2026-11-24T08:15:30Z", "...T08:15:30.5+02:00"; 't'/'z' accepted).
// Fractions beyond microseconds are truncated. Returns nullopt for anything malformed or out of range
// (years 1970..9999, leap seconds are not accepted).
std::optional<TimePoint> parse_rfc3339(std::string_view text);

// "Tue, 24 Nov 2026 08:15:30 GMT" (RFC 9110 IMF-fixdate).
std::string format_http_date(TimePoint t);

}  // namespace replyd
