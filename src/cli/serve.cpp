// `replyd serve`: wires the store, the engine, the API and the HTTP server together, runs them on one
// thread per core, and stops them in order on SIGTERM or SIGINT.
#include "api/routes.h"
#include "cli/commands.h"
#include "cli/demo_workers.h"
#include "cli/serve_options.h"
#include "engine/job_service.h"
#include "engine/maintenance.h"
#include "engine/notifier.h"
#include "engine/webhook_dispatcher.h"
#include "engine/webhook_http_sender.h"
#include "http/router.h"
#include "http/server.h"
#include "store/open_store.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <cstdio>
#include <thread>

namespace replyd::cli {
namespace {

namespace net = boost::asio;

int serve(const ServeOptions& options) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("replyd"));
  spdlog::set_level(spdlog::level::from_str(options.log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  // A file-size limit (RLIMIT_FSIZE) reached by the store must fail that write with EFBIG, which the
  // store answers as "storage full" (503), instead of killing the server with SIGXFSZ.
  std::signal(SIGXFSZ, SIG_IGN);

  metrics::Registry registry;
  SystemClock clock;
  auto store = store::open_store(options.store_uri, options.store, registry);
  engine::InProcessNotifier notifier;
  engine::JobService jobs(*store, notifier, clock, options.engine, registry);

  net::io_context io(options.threads);
  http::Router router;
  api::ApiContext context{jobs, registry, options.api};
  api::register_routes(router, context);
  http::Server server(io, options.server, router, registry);
  server.start();
  context.options.fallback_base_url = server.base_url();

  engine::Maintenance maintenance(*store, clock, options.engine, registry);
  maintenance.start(io);

  std::string url = options.api.public_url.empty() ? server.base_url() : options.api.public_url;
  // Webhooks only run when a secret is configured: without one, submit refuses callbacks.
  std::unique_ptr<engine::HttpWebhookSender> webhook_sender;
  std::unique_ptr<engine::WebhookDispatcher> webhooks;
  if (options.engine.webhooks.enabled()) {
    webhook_sender = std::make_unique<engine::HttpWebhookSender>(options.engine.webhooks);
    webhooks = std::make_unique<engine::WebhookDispatcher>(*store, notifier, clock, options.engine.webhooks,
                                                           *webhook_sender, url, registry);
    webhooks->start(io);
  }
  std::unique_ptr<DemoWorkers> demo;
  if (options.demo) demo = start_demo_workers(server.base_url(), options.demo_settings);

  // Stop in order: wake every long wait so it answers now, stop the background duties and the demo
  // workers, let in-flight requests finish (bounded by the grace period), then close the store.
  net::signal_set signals(io, SIGINT, SIGTERM);
  std::atomic<bool> stopping{false};
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int signal) {
        if (ec) return;
        if (stopping.exchange(true)) {
          spdlog::warn("second signal: stopping at once");
          io.stop();
          return;
        }
        spdlog::info("received signal {}, stopping (grace {} s)", signal, options.shutdown_grace_s);
        jobs.shutdown();
        maintenance.stop();
        if (webhooks) webhooks->stop();
        if (demo) demo->request_stop();
        auto grace = std::chrono::milliseconds(static_cast<long>(options.shutdown_grace_s * 1000));
        server.stop(grace, [&signals, &io] {
          signals.cancel();
          io.stop();  // whatever is still pending (a maintenance query) is dropped, not awaited
        });
        signals.async_wait(on_signal);  // a second signal forces the stop
      };
  signals.async_wait(on_signal);

  std::printf("replyd listening on %s (store %s)\n", url.c_str(), options.store_uri.c_str());
  if (options.demo) {
    std::printf("demo workers serve queues %s; dashboard at %s/ui/\n",
                demo_queue_names(options.demo_settings).c_str(), url.c_str());
  }
  std::fflush(stdout);
  spdlog::info("listening on {} with {} threads, store {}", server.base_url(), options.threads, options.store_uri);

  std::vector<std::thread> threads;
  for (int i = 1; i < options.threads; ++i) threads.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : threads) t.join();

  if (demo) demo->join();
  store->close();
  spdlog::info("stopped");
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& app, Runner& run) {
  auto* command = app.add_subcommand("serve", "Run the replyd server");
  auto options = std::make_shared<ServeOptions>();
  auto values = add_serve_options(*command, *options);
  command->callback([&run, options, values] {
    finish_serve_options(*values, *options);
    run = [options] { return serve(*options); };
  });
}

}  // namespace replyd::cli
