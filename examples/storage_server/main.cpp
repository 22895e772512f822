// replyd_storage_server: a small HTTP storage server that takes files in chunks with ranged PUTs and
// reports their SHA-256 (src/worker/storage_routes.h): the remote storage of the upload example.
//
//   replyd_storage_server --listen 127.0.0.1:9000 --dir /tmp/storage
//   curl -X PUT -H 'Content-Range: bytes 0-4/5' --data-binary hello http://127.0.0.1:9000/files/x/hello.txt
#include "core/metrics.h"
#include "http/router.h"
#include "http/server.h"
#include "worker/storage_routes.h"

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <cstdio>
#include <thread>

int main(int argc, char** argv) {
  CLI::App app("Storage server for the upload example: chunked PUT /files/{key} with Content-Range");
  replyd::http::ServerOptions server_options;
  server_options.listen = "127.0.0.1:9000";
  server_options.server_header = "replyd-storage";
  std::string directory = "replyd-data/storage";
  int threads = 2;
  app.add_option("--listen", server_options.listen, "Address and port (port 0 picks a free one)")
      ->capture_default_str();
  app.add_option("--dir", directory, "Directory to store files in")->capture_default_str();
  app.add_option("--threads", threads, "I/O threads")->check(CLI::Range(1, 64))->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  try {
    replyd::worker::StorageService storage(directory);
    replyd::http::Router router;
    storage.register_routes(router);
    boost::asio::io_context io(threads);
    replyd::metrics::Registry registry;
    replyd::http::Server server(io, server_options, router, registry);
    server.start();
    boost::asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int) {
      server.stop(std::chrono::seconds(5), [&io] { io.stop(); });
    });
    std::printf("storage server listening on %s, files in %s\n", server.base_url().c_str(),
                directory.c_str());
    std::fflush(stdout);
    std::vector<std::thread> pool;
    for (int i = 1; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
    io.run();
    for (auto& t : pool) t.join();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "replyd_storage_server: %s\n", e.what());
    return 1;
  }
  return 0;
}
