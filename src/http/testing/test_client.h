// Test support: a blocking HTTP/1.1 client on a raw TCP socket, so tests can send exactly the bytes
// they mean (malformed heads, pipelined requests, trickled headers) and see exactly what comes back.
// Every wait is bounded by kTimeout and reported as a test failure, so a broken server fails a test
// instead of hanging it. Not thread-safe; use one client per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace replyd::http::testing {

struct Reply {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool complete = false;  // false when the connection ended before a whole response arrived

  // The first value of a header (case-insensitive), or empty.
  std::string header(std::string_view name) const;
  bool has_header(std::string_view name) const;
};

class TestClient {
 public:
  static constexpr std::chrono::seconds kTimeout{30};

  // Connects to 127.0.0.1:port; throws std::runtime_error on failure.
  explicit TestClient(std::uint16_t port);
  ~TestClient();
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  // Writes all of `bytes`; false when the server has closed the connection.
  bool send(std::string_view bytes);
  // Reads one response. `to_head` parses it as the answer to a HEAD request (no body).
  Reply read_response(bool to_head = false);
  // Sends a request and reads its response.
  Reply roundtrip(std::string_view request, bool to_head = false);
  // Reads until the server closes the connection; returns the bytes that arrived meanwhile.
  std::string read_until_close();
  // Waits up to `wait` for the server to close the connection (or send something); true when it closed.
  bool closed_within(std::chrono::milliseconds wait);
  // Closes the client's side (a client that goes away).
  void close();

 private:
  // Receives more bytes into buffer_; 0 at end of stream. Fails the test after kTimeout.
  std::size_t receive();

  int fd_ = -1;
  std::string buffer_;  // received, not yet consumed
};

// "GET <target> HTTP/1.1" with a Host header, and `extra` header lines ("Name: value\r\n" each).
std::string get_request(std::string_view target, std::string_view extra = {});

}  // namespace replyd::http::testing
