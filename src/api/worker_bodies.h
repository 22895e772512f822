// Parsers for the JSON bodies of the worker protocol. Strict: unknown members, wrong types and values
// out of range are Errc::invalid_argument with a precise detail. Coroutine-free (fuzzed).
#pragma once

#include "core/job.h"
#include "core/result.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// One item of a batch complete. `id` is the text the worker sent: an id that does not parse is answered
// 404 for that item alone, like an unknown id.
struct CompleteItem {
  std::string id;
  std::string lease_token;
  Blob result;
};
// Batch complete body: {"jobs": [{"id": "...", "lease_token": "...", "content_type": "...",
// "result_base64": "..."}]} with 1 to `max_items` items. id and lease_token are required non-empty
// strings; content_type defaults to application/octet-stream; result_base64 is padded base64 and
// defaults to an empty result. Anything else refuses the whole batch (nothing is applied).
Result<std::vector<CompleteItem>> parse_complete_batch_body(std::string_view body, int max_items);

}  // namespace replyd::api
