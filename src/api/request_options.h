// Strict parsers for what clients put in query parameters and headers. Each returns the parsed value,
// or Errc::invalid_argument with a detail that names the parameter and says what is accepted.
// Coroutine-free and allocation-light: they run on every request and are fuzzed (fuzz/).
#pragma once

#include "core/clock.h"
#include "core/job.h"
#include "core/result.h"
#include "store/job_store.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace replyd::api {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Submit options: priority, delay | run_at, timeout, max_attempts, ttl, callback, filename. Unknown or repeated
// parameters are refused (a typo must not silently become a default). `queue` is not set here.
// max_attempts and ttl stay 0 when absent (the engine applies its defaults).
Result<JobSpec> parse_submit_options(const QueryParams& params, TimePoint now);

// List filters: queue, status, limit (1..1000, default 50), cursor (from a previous next_cursor).
Result<store::ListQuery> parse_list_query(const QueryParams& params);

// Lease options: max (1..max_batch, default 1).
Result<int> parse_lease_max(const QueryParams& params, int max_batch);

// A number of seconds: digits with an optional fraction of up to 6 digits ("30", "0.25"), at most
// `max_seconds`. `name` is used in the error detail.
Result<Duration> parse_seconds(std::string_view name, std::string_view text, double max_seconds);

// An integer in [min, max].
Result<std::int64_t> parse_integer(std::string_view name, std::string_view text, std::int64_t min, std::int64_t max);

// The Idempotency-Key header: a structured-field string ("abc", RFC 8941) or, for compatibility, a bare
// token (abc); both name the same key. 1 to 255 characters of visible ASCII.
Result<std::string> parse_idempotency_key(std::string_view header);

// Cursors are opaque to clients: "c" followed by the seq in decimal.
std::string encode_cursor(std::int64_t seq);

}  // namespace replyd::api
