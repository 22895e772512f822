// The demo workers of `replyd serve --demo`: they run in the server process but talk to it over HTTP
// with the worker SDK, exactly as an external worker would.
#pragma once

#include <memory>
#include <string>

namespace replyd::cli {

class DemoWorkers {
 public:
  virtual ~DemoWorkers() = default;
  // Asks every worker to stop after its current job. Thread-safe, non-blocking.
  virtual void request_stop() = 0;
  // Waits for the workers to stop.
  virtual void join() = 0;
};

// Starts the workers against `server_url`; a demo job takes about `duration_s` seconds.
std::unique_ptr<DemoWorkers> start_demo_workers(const std::string& server_url, double duration_s);

}  // namespace replyd::cli
