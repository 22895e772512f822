#include "cli/demo_workers.h"

#include "client/worker_loop.h"
#include "worker/demo_worker.h"
#include "worker/email_worker.h"
#include "worker/report_worker.h"
#include "worker/upload_worker.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <vector>

namespace replyd::cli {
namespace {

std::chrono::milliseconds to_ms(double seconds) {
  return std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
}

class DemoWorkersImpl final : public DemoWorkers {
 public:
  DemoWorkersImpl(const std::string& server_url, const DemoSettings& settings) {
    worker::DemoOptions demo;
    demo.duration = to_ms(settings.duration_s);
    // Several at once, so that a few browser tabs or curl loops see their jobs start without queueing.
    add(server_url, worker::kDemoQueue, 4, worker::make_demo_handler(demo));

    worker::UploadOptions upload;
    upload.directory = settings.upload_dir;
    upload.storage_url = settings.upload_url;
    upload.chunk_bytes = settings.upload_chunk_bytes;
    upload.chunk_delay = to_ms(settings.upload_chunk_delay_s);
    upload.server_url = server_url;
    add(server_url, worker::kUploadQueue, 2, worker::make_upload_handler(std::move(upload)));

    add(server_url, worker::kReportQueue, 2, worker::make_report_handler());

    if (!settings.smtp_url.empty()) {
      auto email = worker::make_email_handler({.smtp_url = settings.smtp_url, .from = settings.smtp_from});
      add(server_url, worker::kEmailQueue, 2, std::move(email));
    }
    for (auto& loop : loops_) loop->start();
    spdlog::info("demo workers on queues {}; uploads go to {}", demo_queue_names(settings),
                 settings.upload_url.empty() ? settings.upload_dir : settings.upload_url);
  }

  void request_stop() override {
    for (auto& loop : loops_) loop->stop_now();
  }
  void join() override {
    for (auto& loop : loops_) loop->join();
  }

 private:
  void add(const std::string& server_url, std::string_view queue, int concurrency, client::Handler handler) {
    client::WorkerOptions options;
    options.queue = std::string(queue);
    options.concurrency = concurrency;
    options.lease_wait_s = 20;
    loops_.push_back(std::make_unique<client::WorkerLoop>(server_url, options, std::move(handler)));
  }

  std::vector<std::unique_ptr<client::WorkerLoop>> loops_;
};

}  // namespace

std::unique_ptr<DemoWorkers> start_demo_workers(const std::string& server_url, const DemoSettings& settings) {
  return std::make_unique<DemoWorkersImpl>(server_url, settings);
}

std::string demo_queue_names(const DemoSettings& settings) {
  std::string names =
      fmt::format("{}, {}, {}", worker::kDemoQueue, worker::kUploadQueue, worker::kReportQueue);
  if (!settings.smtp_url.empty()) names += fmt::format(", {}", worker::kEmailQueue);
  return names;
}

}  // namespace replyd::cli
