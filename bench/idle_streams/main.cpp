// replyd-idle-streams: the idle cost of event streams and long-polls (issue 4). Starts its own
// `replyd serve` (fresh SQLite store in a temporary directory, heartbeats and wait caps long enough that
// nothing wakes while idle), submits --jobs jobs, then holds --streams event streams
// (GET /v1/jobs/{id}/events) and --long-polls long-polls (GET /v1/jobs/{id} with Prefer: wait=600)
// spread over those jobs, all at once on one connection each. Once the server reports them all parked
// (replyd_waits_active), it reads the server's VmRSS, then finishes every job through the worker protocol
// and checks that every stream got the terminal event and every long-poll its 303.
//
// Prints the RSS before and while idle and the cost per stream or long-poll; exits 1 when a waiter
// missed its final answer, 2 when the cost is above --max-bytes-per-waiter.
#include "common/connection.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <string>
#include <vector>

extern char** environ;

namespace replyd::bench {
namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
using namespace std::chrono_literals;

struct Options {
  std::string replyd;
  int jobs = 200;
  int streams = 2000;
  int long_polls = 2000;
  int threads = 2;
  double max_bytes_per_waiter = 16 * 1024;
};

// The server process: spawned with its stdout on a pipe, to read the "listening on" line.
struct Server {
  pid_t pid = -1;
  std::string url;
  std::uint16_t port = 0;
  std::filesystem::path dir;

  ~Server() {
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
    std::error_code ignored;
    if (!dir.empty()) std::filesystem::remove_all(dir, ignored);
  }
};

void start_server(const Options& o, Server& server) {
  char pattern[] = "/tmp/replyd-idle-XXXXXX";
  if (!::mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
  server.dir = pattern;
  std::vector<std::string> args = {o.replyd,
                                   "serve",
                                   "--listen",
                                   "127.0.0.1:0",
                                   "--store",
                                   "sqlite:" + (server.dir / "replyd.db").string(),
                                   "--threads",
                                   std::to_string(o.threads),
                                   "--max-connections",
                                   "100000",
                                   "--max-wait",
                                   "600",
                                   "--sse-heartbeat",
                                   "600",
                                   "--log-level",
                                   "warn"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int out[2];
  if (::pipe(out) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  int rc = ::posix_spawn(&server.pid, o.replyd.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  if (rc != 0) throw std::runtime_error("cannot start " + o.replyd);
  // The first line that says where it listens (a wrapper such as a profiler may print lines before).
  static const std::regex kListening(R"(listening on (http://127\.0\.0\.1:(\d+)))");
  std::string text;
  std::smatch m;
  char c;
  while (::read(out[0], &c, 1) == 1) {
    if (c != '\n') {
      text.push_back(c);
      continue;
    }
    if (std::regex_search(text, m, kListening)) break;
    text.clear();
  }
  if (!std::regex_search(text, m, kListening)) throw std::runtime_error("the server did not start");
  server.url = m[1];
  server.port = static_cast<std::uint16_t>(std::stoi(m[2]));
}

// VmRSS of `pid` in bytes.
double rss_bytes(pid_t pid) {
  std::ifstream in(fmt::format("/proc/{}/status", pid));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stod(line.substr(6)) * 1024;
  }
  throw std::runtime_error("no VmRSS");
}

struct Tally {
  std::atomic<int> streams_done{0}, streams_ok{0}, polls_done{0}, polls_ok{0};
};

net::awaitable<void> hold_stream(net::ip::tcp::endpoint ep, std::string id, Tally& tally) {
  Connection c(co_await net::this_coro::executor, ep, 900s);
  Reply r = co_await c.request(http::verb::get, "/v1/jobs/" + id + "/events", {}, {});
  // The stream ends after the terminal event, whose document says succeeded.
  if (r.status() == 200 && r.response.body().find(R"("status":"succeeded")") != std::string::npos)
    ++tally.streams_ok;
  ++tally.streams_done;
}

net::awaitable<void> hold_long_poll(net::ip::tcp::endpoint ep, std::string id, Tally& tally) {
  Connection c(co_await net::this_coro::executor, ep, 900s);
  Headers headers{{"Prefer", "wait=600"}};
  Reply r = co_await c.request(http::verb::get, "/v1/jobs/" + id, {}, headers);
  if (r.status() == 303) ++tally.polls_ok;
  ++tally.polls_done;
}

net::awaitable<double> waits_active(Connection& c) {
  Reply r = co_await c.request(http::verb::get, "/metrics", {}, {});
  const std::string& body = r.response.body();
  auto pos = body.find("\nreplyd_waits_active ");
  if (pos == std::string::npos) co_return 0;
  co_return std::stod(body.substr(pos + 21));
}

// Leases and completes `count` jobs of the queue, oldest first.
net::awaitable<void> finish_jobs(Connection& control, std::size_t count) {
  for (std::size_t done = 0; done < count; ++done) {
    Headers prefer{{"Prefer", "wait=5"}};
    Reply lease = co_await control.request(http::verb::post, "/v1/queues/idle/leases", {}, prefer);
    if (lease.status() != 200) throw std::runtime_error(fmt::format("lease answered {}", lease.status()));
    std::string id(lease.response["Replyd-Job-Id"]);
    std::string token(lease.response["Replyd-Lease-Token"]);
    Headers auth{{"Replyd-Lease-Token", token}};
    Reply complete = co_await control.request(http::verb::post, "/v1/jobs/" + id + "/complete", "done", auth);
    if (complete.status() != 200)
      throw std::runtime_error(fmt::format("complete answered {}", complete.status()));
  }
}

// Opens the waiters over `ids`, waits until the server holds them all, and returns its RSS then; the
// waiters go on until their jobs finish.
net::awaitable<double> park(Connection& control, net::ip::tcp::endpoint ep, const Server& server,
                            const std::vector<std::string>& ids, int streams, int long_polls, Tally& tally) {
  auto executor = co_await net::this_coro::executor;
  for (int i = 0; i < streams; ++i)
    net::co_spawn(executor, hold_stream(ep, ids[i % ids.size()], tally), net::detached);
  for (int i = 0; i < long_polls; ++i) {
    net::co_spawn(executor, hold_long_poll(ep, ids[i % ids.size()], tally), net::detached);
  }
  net::steady_timer timer(executor);
  while (co_await waits_active(control) < streams + long_polls) {
    timer.expires_after(100ms);
    co_await timer.async_wait(net::use_awaitable);
  }
  co_return rss_bytes(server.pid);
}

net::awaitable<void> until_answered(const Tally& tally, int streams, int long_polls) {
  net::steady_timer timer(co_await net::this_coro::executor);
  while (tally.streams_done < streams || tally.polls_done < long_polls) {
    timer.expires_after(50ms);
    co_await timer.async_wait(net::use_awaitable);
  }
}

net::awaitable<int> run(const Options& o, const Server& server) {
  auto executor = co_await net::this_coro::executor;
  net::ip::tcp::endpoint ep(net::ip::make_address("127.0.0.1"), server.port);
  Connection control(executor, ep, 60s);
  std::vector<std::string> ids;
  for (int i = 0; i < o.jobs + 1; ++i) {
    Reply r = co_await control.request(http::verb::post, "/v1/queues/idle/jobs", "x", {});
    if (r.status() != 202) throw std::runtime_error(fmt::format("submit answered {}", r.status()));
    boost::json::value doc = boost::json::parse(r.response.body());
    ids.emplace_back(doc.at("id").as_string());
  }
  // A first round of waiters on the oldest job warms the server's paths and allocator, so that
  // first-use allocations do not count as idle cost.
  std::vector<std::string> warm_ids{ids.front()};
  ids.erase(ids.begin());
  Tally warm;
  int warm_count = std::min(100, std::max(1, (o.streams + o.long_polls) / 20));
  co_await park(control, ep, server, warm_ids, warm_count, warm_count, warm);
  co_await finish_jobs(control, 1);
  co_await until_answered(warm, warm_count, warm_count);
  double before = rss_bytes(server.pid);

  Tally tally;
  const int waiters = o.streams + o.long_polls;
  double idle = co_await park(control, ep, server, ids, o.streams, o.long_polls, tally);
  double per_waiter = waiters > 0 ? (idle - before) / waiters : 0;
  co_await finish_jobs(control, ids.size());
  co_await until_answered(tally, o.streams, o.long_polls);

  std::printf(
      "| waiters | RSS before | RSS idle | per stream or long-poll | streams ended with the terminal event "
      "| long-polls answered 303 |\n");
  std::printf("|---|---|---|---|---|---|\n");
  std::printf("| %d streams + %d long-polls | %.1f MiB | %.1f MiB | %.1f KiB | %d / %d | %d / %d |\n",
              o.streams, o.long_polls, before / 1048576, idle / 1048576, per_waiter / 1024,
              tally.streams_ok.load(), o.streams, tally.polls_ok.load(), o.long_polls);
  if (tally.streams_ok < o.streams || tally.polls_ok < o.long_polls) co_return 1;
  co_return per_waiter > o.max_bytes_per_waiter ? 2 : 0;
}

}  // namespace
}  // namespace replyd::bench

int main(int argc, char** argv) {
  using namespace replyd::bench;
  Options o;
  CLI::App app{"Idle cost of event streams and long-polls on one replyd server"};
  app.add_option("--replyd", o.replyd, "Path of the replyd binary")->required();
  app.add_option("--jobs", o.jobs, "Jobs the waiters are spread over")->check(CLI::Range(1, 100000));
  app.add_option("--streams", o.streams, "Concurrent event streams")->check(CLI::Range(0, 100000));
  app.add_option("--long-polls", o.long_polls, "Concurrent long-polls")->check(CLI::Range(0, 100000));
  app.add_option("--threads", o.threads, "Server I/O threads");
  app.add_option("--max-bytes-per-waiter", o.max_bytes_per_waiter, "Exit 2 above this RSS per waiter");
  CLI11_PARSE(app, argc, argv);

  // Each waiter is one socket here and one in the server (which inherits this limit).
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);
  if (static_cast<long>(limit.rlim_cur) < o.streams + o.long_polls + 100) {
    std::fprintf(stderr, "the file descriptor limit (%ld) is too low for %d waiters\n",
                 static_cast<long>(limit.rlim_cur), o.streams + o.long_polls);
    return 3;
  }
  try {
    Server server;
    start_server(o, server);
    boost::asio::io_context io;
    std::optional<int> code;
    boost::asio::co_spawn(io, run(o, server), [&code](std::exception_ptr e, int rc) {
      if (e) {
        try {
          std::rethrow_exception(e);
        } catch (const std::exception& ex) {
          std::fprintf(stderr, "replyd-idle-streams: %s\n", ex.what());
        }
        code = 3;
      } else {
        code = rc;
      }
    });
    io.run();
    return code.value_or(3);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "replyd-idle-streams: %s\n", e.what());
    return 3;
  }
}
