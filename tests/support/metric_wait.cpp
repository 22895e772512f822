#include "tests/support/metric_wait.h"

#include "tests/support/protocol_calls.h"

#include <stdexcept>
#include <string>

namespace replyd::blackbox {

double wait_for_metric(HttpClient& client, std::string_view name, const std::function<bool(double)>& wanted,
                       std::chrono::milliseconds deadline) {
  const auto end = std::chrono::steady_clock::now() + deadline;
  double value = 0;
  do {
    auto response = client.get("/metrics");
    require_status(response, 200, "GET /metrics");
    value = metric_value(response.body, name).value_or(0.0);
    if (wanted(value)) return value;
  } while (std::chrono::steady_clock::now() < end);
  throw std::runtime_error("metric " + std::string(name) + " did not reach the awaited value (last: " +
                           std::to_string(value) + ")");
}

}  // namespace replyd::blackbox
