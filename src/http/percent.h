// Percent-decoding of URL components (RFC 3986 section 2.1), shared by the router (path parameters)
// and the request (query parameters). Coroutine-free and allocation-light: it writes into a string the
// caller reuses.
#pragma once

#include <string>
#include <string_view>

namespace replyd::http {

enum class PlusMeans { plus, space };

// Replaces `out` with `in` percent-decoded (and '+' as a space when `plus` says so). Returns false and
// leaves `out` equal to `in` unchanged when `in` holds a malformed escape ("%zz", a trailing "%4").
bool percent_decode(std::string_view in, std::string& out, PlusMeans plus = PlusMeans::plus);

// True when `encoded` decodes (without '+' rules) to exactly `plain`; no allocation.
bool percent_equals(std::string_view encoded, std::string_view plain);

}  // namespace replyd::http
