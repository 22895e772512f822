// The fixture of the multi-node black-box tests (DESIGN.md section 5, issue 5): one PostgreSQL 15
// server, a fresh database per test, and kNodes `replyd serve --store postgres://...` processes on it,
// each on 127.0.0.1 with a free port and short timings. The nodes share nothing but the database.
//
// The PostgreSQL server is the one shared by the whole test binary (PostgresServer::shared(): one
// initdb per process, a CREATE DATABASE per test; $REPLYD_TEST_POSTGRES_URI reuses a running server),
// unless a fixture overrides database_server() with its own (a test that stops it). Tests are skipped
// when the PostgreSQL server binaries are not installed.
#pragma once

#include "store/postgres/testing/postgres_server.h"
#include "tests/blackbox/blackbox_test.h"

#include <array>
#include <chrono>
#include <thread>

namespace replyd::blackbox {

using store::postgres::PostgresServer;

class MultinodeTest : public ::testing::Test {
 protected:
  static constexpr int kNodes = 3;

  // Timings short enough for lease expiry and retries to happen while a test waits for them.
  static std::vector<std::string> fast_options() {
    return {"--threads",   "2",   "--reaper-interval", "0.05", "--retry-base", "0.05",
            "--retry-cap", "0.2", "--shutdown-grace",  "5"};
  }
  // Options added to fast_options() for every node.
  virtual std::vector<std::string> extra_options() const { return {}; }
  // The PostgreSQL server of this test's database.
  virtual PostgresServer& database_server() { return PostgresServer::shared(); }

  void SetUp() override {
    if (!PostgresServer::available()) GTEST_SKIP() << "PostgreSQL server binaries are not installed";
    database_ = database_server().create_database();
    // One after the other: the first applies the migrations, the others find them applied.
    for (int i = 0; i < kNodes; ++i) start_node(i);
  }

  // The nodes go first, before a fixture's own database server.
  void TearDown() override {
    for (auto& c : clients_) c.reset();
    for (auto& n : nodes_) n.reset();
  }

  // Starts node `i` (again, when it was killed): a new process on a new port, same database.
  ReplydProcess& start_node(int i) {
    clients_[i].reset();
    nodes_[i].reset();
    std::vector<std::string> args = fast_options();
    std::vector<std::string> extra = extra_options();
    args.insert(args.end(), extra.begin(), extra.end());
    args.insert(args.end(), {"--store", database_});
    nodes_[i] = std::make_unique<ReplydProcess>(REPLYD_BINARY, dir_.path(), args);
    clients_[i] = std::make_unique<HttpClient>(nodes_[i]->url());
    return *nodes_[i];
  }

  ReplydProcess& node(int i) { return *nodes_[i]; }
  // The test thread's connection to node `i`.
  HttpClient& client(int i) { return *clients_[i]; }
  // Another connection to node `i`, for another thread.
  std::unique_ptr<HttpClient> new_client(int i) const { return std::make_unique<HttpClient>(nodes_[i]->url()); }
  std::vector<std::string> node_urls() const {
    std::vector<std::string> urls;
    for (const auto& n : nodes_) urls.push_back(n->url());
    return urls;
  }
  const std::string& database_uri() const { return database_; }

  // The sum over the given nodes of a counter in their /metrics (absent counts as 0).
  double metric_sum(std::string_view name, std::initializer_list<int> nodes) {
    double sum = 0;
    for (int i : nodes) {
      auto response = client(i).get("/metrics");
      require_status(response, 200, "GET /metrics");
      sum += metric_value(response.body, name).value_or(0);
    }
    return sum;
  }

  TempDir dir_;  // the nodes' stderr logs
  std::string database_;
  std::array<std::unique_ptr<ReplydProcess>, kNodes> nodes_;
  std::array<std::unique_ptr<HttpClient>, kNodes> clients_;
};

// Long-polls GET /v1/jobs/{id} on `client` until the job is finished (or `deadline` passes) and returns
// the last status document. A finished job answers 303 (succeeded) or 200 with a terminal status.
inline json::object wait_finished(HttpClient& client, std::string_view id,
                                  std::chrono::seconds deadline = std::chrono::seconds(60)) {
  auto end = std::chrono::steady_clock::now() + deadline;
  for (;;) {
    auto response = client.get(job_path(id), {{"Prefer", "wait=10"}}, 30s);
    if (response.status != 200 && response.status != 303) {
      throw std::runtime_error("status of " + std::string(id) + ": " + response.describe());
    }
    json::object doc = response.json().as_object();
    std::string status = text(doc, "status");
    if (status == "succeeded" || status == "failed" || status == "cancelled") return doc;
    if (std::chrono::steady_clock::now() > end) return doc;
  }
}

// Asks GET /readyz on `client` until it answers 200; false when `deadline` passes first. A readiness
// poll with a short pause: a node reconnecting to its database (with backoff) sends no event to wait
// for, and probing without a pause would take the CPU the reconnection needs.
inline bool wait_ready(HttpClient& client, std::chrono::seconds deadline = std::chrono::seconds(30)) {
  auto end = std::chrono::steady_clock::now() + deadline;
  while (client.get("/readyz").status != 200) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

}  // namespace replyd::blackbox
