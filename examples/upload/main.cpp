// replyd_upload_worker: leases jobs of the `upload` queue from a replyd server and uploads each payload
// in chunks to a directory or to an HTTP storage server (replyd_storage_server), with progress per chunk
// and a checksum check at the end. Stops after the running uploads on SIGINT or SIGTERM.
//
//   replyd_storage_server --listen 127.0.0.1:9000 --dir /tmp/storage &
//   replyd_upload_worker --server http://127.0.0.1:8080 --storage-url http://127.0.0.1:9000
#include "client/worker_loop.h"
#include "worker/upload_worker.h"

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>

int main(int argc, char** argv) {
  CLI::App app("Upload worker: stores the payload of each job in chunks, with progress and a checksum check");
  std::string server = "http://127.0.0.1:8080";
  std::string queue(replyd::worker::kUploadQueue);
  int concurrency = 2;
  double chunk_delay_s = 0;
  replyd::worker::UploadOptions options;
  app.add_option("--server", server, "replyd server URL")->envname("REPLYD_SERVER")->capture_default_str();
  app.add_option("--queue", queue, "Queue to take jobs from")->capture_default_str();
  app.add_option("--concurrency", concurrency, "Uploads at once")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--dir", options.directory, "Directory to store files in");
  app.add_option("--storage-url", options.storage_url,
                 "HTTP storage server to PUT files to (instead of --dir)");
  app.add_option("--chunk-size", options.chunk_bytes, "Bytes per chunk")
      ->check(CLI::Range(std::size_t{1}, std::size_t{64} << 20))
      ->capture_default_str();
  app.add_option("--chunk-delay", chunk_delay_s, "Seconds to pause after each chunk (to watch progress)")
      ->check(CLI::Range(0.0, 60.0));
  CLI11_PARSE(app, argc, argv);
  if (options.directory.empty() == options.storage_url.empty()) {
    std::fprintf(stderr, "give either --dir or --storage-url\n");
    return 2;
  }
  options.chunk_delay = std::chrono::milliseconds(static_cast<long long>(chunk_delay_s * 1000));
  options.server_url = server;

  // Signals are taken by this thread with sigwait(); blocked first, so the worker threads inherit it.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  try {
    replyd::client::WorkerLoop loop(server, {.queue = queue, .concurrency = concurrency},
                                    replyd::worker::make_upload_handler(std::move(options)));
    loop.start();
    std::printf("upload worker: queue '%s' of %s\n", queue.c_str(), server.c_str());
    std::fflush(stdout);
    int signal = 0;
    sigwait(&set, &signal);
    spdlog::info("signal {}: finishing the running uploads", signal);
    loop.stop();
    loop.join();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "replyd_upload_worker: %s\n", e.what());
    return 1;
  }
  return 0;
}
