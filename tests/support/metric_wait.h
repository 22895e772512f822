// Waiting for a metric: reads /metrics again and again until a sample satisfies a condition, the way a
// black-box test learns that something happened inside the server (connections opened or closed, jobs
// purged) without sleeping.
#pragma once

#include "tests/support/http_client.h"

#include <chrono>
#include <functional>
#include <string_view>

namespace replyd::blackbox {

// Returns the value of sample `name` (see metric_value in protocol_calls.h; an absent sample counts as
// 0) once `wanted` accepts it. Throws std::runtime_error naming the last value after `deadline`.
double wait_for_metric(HttpClient& client, std::string_view name, const std::function<bool(double)>& wanted,
                       std::chrono::milliseconds deadline = std::chrono::seconds(20));

}  // namespace replyd::blackbox
