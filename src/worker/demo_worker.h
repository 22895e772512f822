// The handler behind `replyd serve --demo`: pretends to work on each job of the `demo` queue for a
// few seconds, reporting progress in steps, and returns a small JSON result
// `{"message":"...","input_bytes":N,"sha256":"<hex of the payload>"}`.
//
// A JSON object payload may steer it (for the demo pages): `"duration_s"` (0 to 60) replaces the
// configured duration, and `"fail": true` makes the job fail (not retryable) after its steps. Any
// other payload is just hashed. A cancel (or worker shutdown) stops it at once between steps.
#pragma once

#include "client/worker_loop.h"

#include <chrono>
#include <string_view>

namespace replyd::worker {

inline constexpr std::string_view kDemoQueue = "demo";

struct DemoOptions {
  std::chrono::milliseconds duration{5'000};  // from the first step to the result
  int steps = 10;                             // progress reports
};

// Thread-safe.
client::Handler make_demo_handler(DemoOptions options = {});

}  // namespace replyd::worker
