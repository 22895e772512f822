// replyd-echo-worker: the trivial worker of the benchmark's full cycles. It runs out of process and
// speaks only the public worker protocol: a batch lease that long-polls (POST
// /v1/queues/{q}/leases?max=N with Prefer: wait), then one batch complete (POST /v1/jobs:complete) whose
// results are the payloads unchanged. Several loops lease concurrently so that a job submitted while
// one loop completes its batch is taken at once by another. It runs until SIGTERM or SIGINT.
#include "common/connection.h"

#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>

#include <deque>
#include <iostream>

namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
namespace json = boost::json;
using namespace replyd::bench;

struct Options {
  std::string url = "http://127.0.0.1:8080";
  std::string queue = "bench";
  int loops = 4;
  int batch = 32;
  int wait = 1;
};

const Headers kJson = {{"Content-Type", "application/json"}};

// The completions for every job of a batch lease answer: each result is the job's payload.
std::string completions(std::string_view lease_body) {
  json::value granted_jobs = json::parse(lease_body);
  json::array items;
  for (const auto& job : granted_jobs.at("jobs").as_array()) {
    const auto& granted = job.as_object();
    items.push_back(json::object{{"id", granted.at("id")},
                                 {"lease_token", granted.at("lease_token")},
                                 {"content_type", granted.at("content_type")},
                                 {"result_base64", granted.at("payload_base64")}});
  }
  json::object body{{"jobs", std::move(items)}};
  return json::serialize(body);
}

net::awaitable<void> work(const Options& o, Connection& connection, bool& stopping) {
  std::string lease_path = fmt::format("/v1/queues/{}/leases?max={}", o.queue, o.batch);
  std::string prefer = fmt::format("wait={}", o.wait);
  Headers lease_headers = {{"Prefer", prefer}};
  while (!stopping) {
    std::string none;
    auto lease = co_await connection.request(http::verb::post, lease_path, std::move(none), lease_headers);
    if (lease.status() == 204) continue;
    if (lease.status() != 200) {
      std::cerr << "echo worker: lease answered " << lease.status() << " " << lease.error.message() << "\n";
      if (lease.error) co_return;
      continue;
    }
    std::string body = completions(lease.response.body());
    auto done = co_await connection.request(http::verb::post, "/v1/jobs:complete", std::move(body), kJson);
    if (done.status() != 200) {
      std::cerr << "echo worker: complete answered " << done.status() << " " << done.error.message() << "\n";
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"replyd-echo-worker: completes every job with its payload (benchmark worker)"};
  app.add_option("--url", o.url, "server, http://IP:PORT");
  app.add_option("--queue", o.queue, "queue to work");
  app.add_option("--loops", o.loops, "concurrent lease loops (connections)")->check(CLI::Range(1, 1024));
  app.add_option("--batch", o.batch, "most jobs per lease")->check(CLI::Range(2, 256));
  app.add_option("--wait", o.wait, "seconds a lease long-polls")->check(CLI::Range(1, 60));
  CLI11_PARSE(app, argc, argv);

  std::string_view url = o.url;
  if (url.starts_with("http://")) url.remove_prefix(7);
  if (url.ends_with('/')) url.remove_suffix(1);
  auto colon = url.rfind(':');
  net::ip::tcp::endpoint endpoint(net::ip::make_address(std::string(url.substr(0, colon))),
                                  static_cast<unsigned short>(std::stoi(std::string(url.substr(colon + 1)))));

  net::io_context io{1};
  bool stopping = false;
  std::deque<Connection> connections;
  for (int i = 0; i < o.loops; ++i) {
    Connection& connection = connections.emplace_back(io.get_executor(), endpoint, std::chrono::seconds(o.wait + 30));
    auto on_done = [](std::exception_ptr error) {
      if (!error) return;
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        std::cerr << "echo worker: loop stopped: " << e.what() << "\n";
      }
    };
    net::co_spawn(io, work(o, connection, stopping), on_done);
  }
  net::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) {
    stopping = true;
    io.stop();
  });
  std::cout << "echo worker ready" << std::endl;
  io.run();
  return 0;
}
