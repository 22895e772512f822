// The fixture of the black-box tests: each test gets a fresh temporary directory and its own
// `replyd serve` process on 127.0.0.1 with a free port, started by SetUp with short timings so that
// retries and lease expiry happen within a test, and killed (by PID) when the test ends.
#pragma once

#include "tests/support/http_client.h"
#include "tests/support/protocol_calls.h"
#include "tests/support/replyd_process.h"
#include "tests/support/sse_stream.h"
#include "tests/support/temp_dir.h"
#include "tests/support/time_text.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <memory>
#include <string>
#include <vector>

#ifndef REPLYD_BINARY
#error "REPLYD_BINARY (the path of the replyd executable) must be defined by the build"
#endif

namespace replyd::blackbox {

namespace json = boost::json;

class BlackboxTest : public ::testing::Test {
 protected:
  // Timings short enough for retries and lease expiry to happen while a test waits for them.
  static std::vector<std::string> fast_options() {
    return {"--threads",   "2",   "--reaper-interval", "0.05", "--retry-base", "0.05",
            "--retry-cap", "0.2", "--shutdown-grace",  "5"};
  }

  // Options added to fast_options() for every server of the fixture.
  virtual std::vector<std::string> extra_options() const { return {}; }

  void SetUp() override { start(); }

  // Starts a server on this test's directory (a restart when one ran there before and has exited or
  // is killed here first).
  ReplydProcess& start() {
    client_.reset();
    server_.reset();
    std::vector<std::string> args = fast_options();
    std::vector<std::string> extra = extra_options();
    args.insert(args.end(), extra.begin(), extra.end());
    server_ = std::make_unique<ReplydProcess>(REPLYD_BINARY, dir_.path(), args);
    client_ = std::make_unique<HttpClient>(server_->url());
    return *server_;
  }

  ReplydProcess& server() { return *server_; }
  HttpClient& client() { return *client_; }
  // Another connection to the server, for a second thread (a worker, a long-poll).
  std::unique_ptr<HttpClient> new_client() const { return std::make_unique<HttpClient>(server_->url()); }
  std::string url(std::string_view path) const { return server_->url() + std::string(path); }

  // Submits a job to `queue` and leases it: a running job and its lease.
  LeasedJob submit_and_lease(std::string_view queue) {
    std::string id = submit_job(*client_, queue);
    LeasedJob job = lease_job(*client_, queue);
    if (job.id != id) throw std::runtime_error("leased " + job.id + " instead of " + id);
    return job;
  }

  // GET /v1/jobs/{id}, the status document parsed.
  json::object status_of(std::string_view id) { return client_->get(job_path(id)).json().as_object(); }

  TempDir dir_;
  std::unique_ptr<ReplydProcess> server_;
  std::unique_ptr<HttpClient> client_;
};

// True when `object` has no member `key`, or it is null ("fields that do not apply are absent or null").
inline bool absent_or_null(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(key);
  return value == nullptr || value->is_null();
}

inline std::string text(const json::value& value, std::string_view key) {
  return std::string(value.as_object().at(key).as_string());
}

// Checks what every error answer must be: application/problem+json whose `status` is the HTTP status.
inline ::testing::AssertionResult IsProblem(const HttpResponse& response, int status) {
  if (response.status != status) {
    return ::testing::AssertionFailure() << "expected HTTP " << status << ", got " << response.describe();
  }
  auto type = response.header("Content-Type");
  if (!type || !type->starts_with("application/problem+json")) {
    return ::testing::AssertionFailure() << "not application/problem+json: " << response.describe();
  }
  boost::system::error_code ec;
  json::value body = json::parse(response.body, ec);
  if (ec || !body.is_object())
    return ::testing::AssertionFailure() << "not a JSON object: " << response.describe();
  const json::value* member = body.as_object().if_contains("status");
  if (member == nullptr || !member->is_int64() || member->as_int64() != status) {
    return ::testing::AssertionFailure()
           << "member 'status' is not " << status << ": " << response.describe();
  }
  if (!body.as_object().contains("title") && !body.as_object().contains("type")) {
    return ::testing::AssertionFailure() << "neither 'type' nor 'title': " << response.describe();
  }
  return ::testing::AssertionSuccess();
}

// The problem's `detail`, or "" when absent.
inline std::string problem_detail(const HttpResponse& response) {
  json::value body = response.json();
  const json::value* detail = body.as_object().if_contains("detail");
  return detail && detail->is_string() ? std::string(detail->as_string()) : std::string();
}

}  // namespace replyd::blackbox
