// The demo workers of `replyd serve --demo`: they run in the server process but talk to it over HTTP
// with the worker SDK, exactly as an external worker would. Queues: `demo` (demo_worker.h), `upload`
// (upload_worker.h), `report` (report_worker.h), and `email` (email_worker.h) when an SMTP server is
// configured.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace replyd::cli {

struct DemoSettings {
  double duration_s = 5;                        // a `demo` job takes about this long
  std::string upload_dir;                       // the upload worker's directory target
  std::string upload_url;                       // an HTTP storage server instead of the directory
  std::size_t upload_chunk_bytes = 256 * 1024;  // bytes per uploaded chunk (one progress report each)
  double upload_chunk_delay_s = 0.05;           // a pause after each chunk, so people see the bar move
  std::string smtp_url;                         // empty: no email worker
  std::string smtp_from = "replyd@localhost";
};

class DemoWorkers {
 public:
  virtual ~DemoWorkers() = default;
  // Asks every worker to stop after its current job. Thread-safe, non-blocking.
  virtual void request_stop() = 0;
  // Waits for the workers to stop.
  virtual void join() = 0;
};

// Starts the workers against `server_url`. Throws std::invalid_argument for unusable settings (an
// SMTP URL that is not smtp:// or smtps://).
std::unique_ptr<DemoWorkers> start_demo_workers(const std::string& server_url, const DemoSettings& settings);

// The queues the workers serve with these settings, for the start-up message ("demo, upload, report").
std::string demo_queue_names(const DemoSettings& settings);

}  // namespace replyd::cli
