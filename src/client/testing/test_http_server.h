// A small HTTP/1.1 server for unit tests of the client SDK and worker loop: binds 127.0.0.1 on a
// free port, serves each connection (keep-alive) on its own thread with synchronous Beast, and
// answers every request with what the test's handler returns. The handler may block (to play a
// long-poll) and is called concurrently for concurrent connections.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace replyd::client::testing {

struct TestRequest {
  std::string method;  // "POST"
  std::string target;  // "/v1/jobs/abc?x=1"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The path of the target, percent-decoded.
  std::string path() const;
  // A query parameter, percent-decoded; empty when absent.
  std::string query(std::string_view name) const;
  // A header value (case-insensitive name); empty when absent.
  std::string header(std::string_view name) const;
};

struct TestResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool close = false;  // close the connection after answering
  bool drop = false;   // close the connection without answering

  static TestResponse json(int status, std::string body);
  static TestResponse problem(int status, std::string_view title, std::string_view detail);
};

using TestHandler = std::function<TestResponse(const TestRequest&)>;

class TestHttpServer {
 public:
  // Listens and starts accepting. Throws std::system_error when it cannot bind.
  explicit TestHttpServer(TestHandler handler);
  // Closes the listener and every connection, then joins every thread: blocked handlers must have
  // been released by the test first.
  ~TestHttpServer();
  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  std::string url() const;  // "http://127.0.0.1:PORT"
  std::uint16_t port() const;
  // Closes the open connections (as a server's idle timeout would). Thread-safe.
  void drop_connections();
  std::size_t connections_accepted() const;
  // Every request answered or dropped so far, in order. Thread-safe.
  std::vector<TestRequest> requests() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace replyd::client::testing
