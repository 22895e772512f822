// The Date header value. Formatting a date on every response would cost a formatting pass and an
// allocation; the text changes once per second, so each thread keeps the last one it formatted.
#pragma once

#include <string_view>

namespace replyd::http {

// The current time as an HTTP date ("Tue, 24 Nov 2026 08:15:30 GMT"), read from the system clock and
// formatted at most once per second per thread. The view stays valid until the next call on the same
// thread: copy it before suspending.
std::string_view current_http_date();

}  // namespace replyd::http
