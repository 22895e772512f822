// The Prefer request header (RFC 7240): the preferences replyd acts on, parsed strictly. Several
// Prefer headers and comma-separated lists are both accepted; preference names are case-insensitive;
// when a preference appears more than once the first one counts (section 2); preferences replyd does
// not know, and parameters after ';', are ignored (section 2) but must still be well-formed.
// Coroutine-free and pure, so it can be fuzzed.
#pragma once

#include "core/result.h"
#include "http/request.h"

#include <optional>
#include <span>
#include <string_view>

namespace replyd::http {

struct Preferences {
  bool respond_async = false;       // "respond-async" (takes no value)
  std::optional<int> wait_seconds;  // "wait=N": N is 1*DIGIT, at most INT_MAX
};

// The preferences in these Prefer header values (in order). Errc::invalid_argument with a detail that
// names the offending text when a value does not follow the grammar ("wait=abc", "wait=-1", a wait
// past INT_MAX, "respond-async=1", junk between elements). No values: default Preferences.
Result<Preferences> parse_prefer(std::span<const std::string_view> values);
Result<Preferences> parse_prefer(std::string_view value);
// Every Prefer header of the request.
Result<Preferences> parse_prefer(const Request& request);

}  // namespace replyd::http
