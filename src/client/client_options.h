// Connection settings of a `Client`.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace replyd::client {

struct ClientOptions {
  // To resolve the host and open a TCP connection.
  std::chrono::milliseconds connect_timeout{5'000};
  // To send a request and read its whole answer, on top of any long-poll wait (Prefer: wait=N).
  std::chrono::milliseconds io_timeout{30'000};
  // A kept-alive connection idle for longer is not reused but replaced: the server closes idle
  // connections (60 s by default), and a request sent on a connection it is closing would be lost.
  std::chrono::milliseconds max_idle{20'000};
  // Limits on an answer: status line and headers, and body (results can be large).
  std::size_t max_header_bytes = 64 * 1024;
  std::uint64_t max_body_bytes = std::uint64_t{4} << 30;
  std::string user_agent = "replyd-client/0.1.0";
};

}  // namespace replyd::client
