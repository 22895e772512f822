// Header values of the replyd HTTP contract, read and written by the SDK: Retry-After, Prefer,
// Idempotency-Key, the Replyd-* lease headers and the HTTP Date. Pure functions; no I/O.
#pragma once

#include "core/clock.h"

#include <optional>
#include <string>
#include <string_view>

namespace replyd::client {

// Retry-After as delay-seconds ("120"). replyd always sends integers; an HTTP date, a negative or a
// malformed value reads as nullopt. Huge values are capped at one day.
std::optional<int> parse_retry_after(std::string_view value);

// A non-negative decimal integer that fits an int (Replyd-Attempt); nullopt otherwise.
std::optional<int> parse_small_int(std::string_view value);

// The RFC 9110 IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"); nullopt for other forms.
std::optional<TimePoint> parse_http_date(std::string_view value);

// "respond-async, wait=N" for submit, "wait=N" elsewhere; N is clamped at 0.
std::string prefer_wait(int wait_s, bool respond_async);

// The Idempotency-Key header value: the structured-field string form ("\"abc\""), escaping '"' and
// '\\'. Returns nullopt when `key` is empty or has characters outside printable ASCII, which the
// structured-field string form cannot carry.
std::optional<std::string> idempotency_key_header(std::string_view key);

}  // namespace replyd::client
