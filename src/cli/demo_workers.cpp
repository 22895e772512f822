#include "cli/demo_workers.h"

#include "client/worker_loop.h"
#include "worker/demo_worker.h"

#include <spdlog/spdlog.h>

namespace replyd::cli {
namespace {

class DemoWorkersImpl final : public DemoWorkers {
 public:
  DemoWorkersImpl(const std::string& server_url, double duration_s) {
    worker::DemoOptions demo;
    demo.duration = std::chrono::milliseconds(static_cast<long>(duration_s * 1000));
    client::WorkerOptions options;
    options.queue = std::string(worker::kDemoQueue);
    // Several at once, so that a few browser tabs or curl loops see their jobs start without queueing.
    options.concurrency = 4;
    options.lease_wait_s = 20;
    demo_ = std::make_unique<client::WorkerLoop>(server_url, options, worker::make_demo_handler(demo));
    demo_->start();
    spdlog::info("demo workers: {} on queue '{}'", options.concurrency, options.queue);
  }

  void request_stop() override { demo_->stop_now(); }
  void join() override { demo_->join(); }

 private:
  std::unique_ptr<client::WorkerLoop> demo_;
};

}  // namespace

std::unique_ptr<DemoWorkers> start_demo_workers(const std::string& server_url, double duration_s) {
  return std::make_unique<DemoWorkersImpl>(server_url, duration_s);
}

}  // namespace replyd::cli
