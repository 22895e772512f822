// Parsers for the JSON bodies of the worker protocol. Strict: unknown members, wrong types and values
// out of range are Errc::invalid_argument with a precise detail. Coroutine-free (fuzzed).
#pragma once

#include "core/job.h"
#include "core/result.h"

#include <optional>
#include <string>
#include <string_view>

namespace replyd::api {

// Heartbeat body: empty (no progress) or {"current": n, "total": n, "message": "..."}, every member
// optional; current and total are non-negative integers; message at most 1024 bytes.
Result<std::optional<Progress>> parse_heartbeat_body(std::string_view body);

struct FailBody {
  std::string error;  // at most 4096 bytes
  bool retryable = true;
};
// Fail body: {"error": "...", "retryable": true}; `retryable` defaults to true, `error` to a generic text.
Result<FailBody> parse_fail_body(std::string_view body);

}  // namespace replyd::api
