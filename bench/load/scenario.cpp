#include "load/scenario.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <fmt/format.h>

#include <random>

namespace replyd::bench {

namespace net = boost::asio;
namespace http = boost::beast::http;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

bool parse_scenario(std::string_view name, Scenario& out) {
  static constexpr std::pair<std::string_view, Scenario> kNames[] = {
      {"accept", Scenario::accept},         {"cycle-poll", Scenario::cycle_poll}, {"cycle-wait", Scenario::cycle_wait},
      {"cycle-sse", Scenario::cycle_sse},   {"worker", Scenario::worker},         {"status", Scenario::status}};
  for (const auto& [n, s] : kNames) {
    if (n == name) {
      out = s;
      return true;
    }
  }
  return false;
}

namespace {

const Headers kNoHeaders;
const Headers kPlainText = {{"Content-Type", "text/plain"}};
const Headers kJson = {{"Content-Type", "application/json"}};
const Headers kEventStream = {{"Accept", "text/event-stream"}};
constexpr std::string_view kCompleteBatchPath = "/v1/jobs:complete";

// One client: its connection, what it counts, and the shape of its requests.
struct Client {
  const ScenarioConfig& config;
  Connection& connection;
  const RunBounds& bounds;
  Tally& tally;
  std::string submit_path;

  // Every argument is passed by name: g++ 12 mishandles temporaries inside co_await expressions.
  net::awaitable<Reply> send(http::verb method, std::string_view target, std::string body, const Headers& headers) {
    ++tally.requests;
    co_return co_await connection.request(method, target, std::move(body), headers);
  }

  // Counts a failed operation; keeps the first reason for the report.
  void error(std::string_view what, const Reply& reply) {
    ++tally.errors;
    if (!tally.first_error.empty()) return;
    tally.first_error = reply.error ? fmt::format("{}: {}", what, reply.error.message())
                                    : fmt::format("{}: status {} {}", what, reply.status(),
                                                  std::string_view(reply.response.body()).substr(0, 200));
  }

  void done(Clock::time_point started, std::uint64_t ops = 1) {
    tally.latency.record(Clock::now() - started);
    tally.ops += ops;
  }

  net::awaitable<Reply> submit(const Headers& headers) {
    std::string body = config.payload;
    co_return co_await send(http::verb::post, submit_path, std::move(body), headers);
  }

  // GET the result of a succeeded job (`location` is the 303's Location) and check it echoes the payload.
  net::awaitable<bool> fetch_result(std::string location) {
    std::string none;
    auto result = co_await send(http::verb::get, location, std::move(none), kNoHeaders);
    if (result.status() != 200 || result.response.body() != config.payload) {
      error("result", result);
      co_return false;
    }
    co_return true;
  }

  net::awaitable<void> accept() {
    auto started = Clock::now();
    auto reply = co_await submit(kPlainText);
    if (reply.status() != 202) co_return error("submit", reply);
    if (tally.collect_ids) {
      auto location = reply.response[http::field::location];
      tally.job_ids.emplace_back(location.substr(location.rfind('/') + 1));
    }
    done(started);
  }

  net::awaitable<void> cycle_poll() {
    auto started = Clock::now();
    auto reply = co_await submit(kPlainText);
    if (reply.status() != 202) co_return error("submit", reply);
    std::string location(reply.response[http::field::location]);
    net::steady_timer timer(co_await net::this_coro::executor);
    while (true) {
      timer.expires_after(config.poll_interval);
      co_await timer.async_wait(net::as_tuple(net::use_awaitable));
      std::string none;
      auto status = co_await send(http::verb::get, location, std::move(none), kNoHeaders);
      if (status.status() == 303) {
        std::string result(status.response[http::field::location]);
        if (co_await fetch_result(std::move(result))) done(started);
        co_return;
      }
      if (status.status() != 200) co_return error("poll", status);
      if (bounds.overdue()) co_return error("poll: the job did not finish before the run ended", status);
    }
  }

  net::awaitable<void> cycle_wait() {
    auto started = Clock::now();
    std::string prefer = fmt::format("respond-async, wait={}", config.wait_seconds);
    Headers headers = {{"Content-Type", "text/plain"}, {"Prefer", prefer}};
    auto reply = co_await submit(headers);
    if (reply.status() == 202) {
      // Not finished within the wait: long-poll the status until it is.
      std::string location(reply.response[http::field::location]);
      std::string wait = fmt::format("wait={}", config.wait_seconds);
      Headers poll = {{"Prefer", wait}};
      do {
        std::string none;
        reply = co_await send(http::verb::get, location, std::move(none), poll);
      } while (reply.status() == 200 && !bounds.overdue() &&
               reply.response.body().find("\"status\":\"succeeded\"") == std::string::npos &&
               reply.response.body().find("\"status\":\"failed\"") == std::string::npos);
    }
    if (reply.status() != 303) co_return error("submit with wait", reply);
    std::string result(reply.response[http::field::location]);
    if (co_await fetch_result(std::move(result))) done(started);
  }

  net::awaitable<void> cycle_sse() {
    auto started = Clock::now();
    auto reply = co_await submit(kPlainText);
    if (reply.status() != 202) co_return error("submit", reply);
    std::string location(reply.response[http::field::location]);
    // The stream ends after the terminal event, so reading the whole response waits for the job.
    std::string events = location + "/events";
    std::string none;
    auto stream = co_await send(http::verb::get, events, std::move(none), kEventStream);
    if (stream.status() != 200 || stream.response.body().find("\"status\":\"succeeded\"") == std::string::npos) {
      co_return error("event stream", stream);
    }
    std::string result = location + "/result";
    if (co_await fetch_result(std::move(result))) done(started);
  }

  net::awaitable<void> status(std::mt19937_64& rng) {
    const auto& ids = *config.status_ids;
    auto started = Clock::now();
    std::string path = "/v1/jobs/" + ids[rng() % ids.size()];
    std::string none;
    auto reply = co_await send(http::verb::get, path, std::move(none), kNoHeaders);
    if (reply.status() != 200 && reply.status() != 303) co_return error("status", reply);
    done(started);
  }

  // Lease one job, complete it with its payload as the result. False when the queue is empty.
  net::awaitable<bool> work_single() {
    auto started = Clock::now();
    std::string path = fmt::format("/v1/queues/{}/leases", config.queue);
    std::string none;
    auto lease = co_await send(http::verb::post, path, std::move(none), kNoHeaders);
    if (lease.status() == 204) co_return false;
    if (lease.status() != 200) {
      error("lease", lease);
      co_return true;
    }
    std::string id(lease.response["Replyd-Job-Id"]);
    std::string token(lease.response["Replyd-Lease-Token"]);
    std::string type(lease.response[http::field::content_type]);
    Headers headers = {{"Replyd-Lease-Token", token}, {"Content-Type", type}};
    std::string complete_path = fmt::format("/v1/jobs/{}/complete", id);
    std::string result = std::move(lease.response.body());
    auto complete = co_await send(http::verb::post, complete_path, std::move(result), headers);
    if (complete.status() != 200) {
      error("complete", complete);
      co_return true;
    }
    done(started);
    co_return true;
  }

  // Lease up to `batch` jobs, complete them all in one request. False when the queue is empty.
  net::awaitable<bool> work_batch() {
    auto started = Clock::now();
    std::string path = fmt::format("/v1/queues/{}/leases?max={}", config.queue, config.batch);
    std::string none;
    auto lease = co_await send(http::verb::post, path, std::move(none), kNoHeaders);
    if (lease.status() == 204) co_return false;
    if (lease.status() != 200) {
      error("batch lease", lease);
      co_return true;
    }
    json::value granted_jobs = json::parse(lease.response.body());
    json::array items;
    for (const auto& job : granted_jobs.at("jobs").as_array()) {
      const auto& granted = job.as_object();
      items.push_back(json::object{{"id", granted.at("id")},
                                   {"lease_token", granted.at("lease_token")},
                                   {"content_type", granted.at("content_type")},
                                   {"result_base64", granted.at("payload_base64")}});
    }
    json::object body{{"jobs", std::move(items)}};
    std::string text = json::serialize(body);
    auto complete = co_await send(http::verb::post, kCompleteBatchPath, std::move(text), kJson);
    if (complete.status() != 200) {
      error("batch complete", complete);
      co_return true;
    }
    std::uint64_t completed = 0;
    json::value answers = json::parse(complete.response.body());
    for (const auto& answer : answers.at("jobs").as_array()) {
      if (answer.at("status").as_int64() == 200) ++completed;
    }
    if (completed == 0) {
      error("batch complete items", complete);
      co_return true;
    }
    done(started, completed);
    co_return true;
  }
};

}  // namespace

net::awaitable<void> run_client(const ScenarioConfig& config, Connection& connection, RunBounds& bounds,
                                Tally& tally) {
  Client client{config, connection, bounds, tally, fmt::format("/v1/queues/{}/jobs", config.queue)};
  std::mt19937_64 rng{std::random_device{}()};
  std::uint64_t per_op = config.scenario == Scenario::worker ? static_cast<std::uint64_t>(config.batch) : 1;
  while (bounds.claim(per_op)) {
    switch (config.scenario) {
      case Scenario::accept: co_await client.accept(); break;
      case Scenario::cycle_poll: co_await client.cycle_poll(); break;
      case Scenario::cycle_wait: co_await client.cycle_wait(); break;
      case Scenario::cycle_sse: co_await client.cycle_sse(); break;
      case Scenario::status: co_await client.status(rng); break;
      case Scenario::worker: {
        bool more = true;
        if (config.batch > 1) {
          more = co_await client.work_batch();
        } else {
          more = co_await client.work_single();
        }
        if (!more) bounds.finish();
        break;
      }
    }
  }
}

}  // namespace replyd::bench
