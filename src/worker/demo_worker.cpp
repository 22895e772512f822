#include "worker/demo_worker.h"

#include "client/json_fields.h"
#include "core/sha256.h"

#include <fmt/format.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace replyd::worker {
namespace {

constexpr double kMaxDurationS = 60;

struct DemoRequest {
  std::chrono::milliseconds duration;
  bool fail = false;
};

DemoRequest read_request(const Blob& payload, const DemoOptions& options) {
  DemoRequest request{options.duration};
  boost::system::error_code ec;
  auto value = boost::json::parse(payload.bytes, ec);
  const auto* obj = ec ? nullptr : value.if_object();
  if (!obj) return request;
  if (auto d = client::json_fields::number_at(*obj, "duration_s"); d && *d >= 0 && *d <= kMaxDurationS) {
    request.duration = std::chrono::milliseconds(static_cast<long long>(*d * 1000));
  }
  request.fail = client::json_fields::bool_at(*obj, "fail").value_or(false);
  return request;
}

client::HandlerOutcome run_demo(const DemoOptions& options, const client::LeasedJob& job,
                                client::JobContext& context) {
  DemoRequest request = read_request(job.payload, options);
  int steps = std::max(options.steps, 1);
  Duration step = std::chrono::duration_cast<Duration>(request.duration) / steps;
  for (int i = 0; i < steps; ++i) {
    context.progress(i, steps, fmt::format("step {} of {}", i + 1, steps));
    if (context.wait_for_stop(step)) {
      return client::HandlerOutcome::failure(
          fmt::format("stopped at step {}: {}", i + 1, client::to_string(context.stop_reason())), true);
    }
  }
  if (request.fail) return client::HandlerOutcome::failure("the demo job was asked to fail", false);
  context.progress(steps, steps, "done");
  boost::json::object result;
  result["message"] = fmt::format("processed {} bytes in {} steps", job.payload.bytes.size(), steps);
  result["input_bytes"] = job.payload.bytes.size();
  result["sha256"] = to_hex(sha256({job.payload.bytes}));
  return client::HandlerOutcome::success(Blob{"application/json", boost::json::serialize(result)});
}

}  // namespace

client::Handler make_demo_handler(DemoOptions options) {
  return [options](const client::LeasedJob& job, client::JobContext& context) {
    return run_demo(options, job, context);
  };
}

}  // namespace replyd::worker
