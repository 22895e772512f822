// One outbound HTTP/1.1 POST (used for webhooks), on the caller's executor: no thread of its own, no
// blocking call. The host is resolved once with Asio's asynchronous resolver; every resolved address
// is checked by the SSRF guard (address_policy.h) unless `allow_private`, and the connection goes to
// exactly a checked address (never resolved again). Redirects are not followed: a 3xx is returned as
// it is. The connect has its own timeout; the whole exchange (resolve, connect, write, read) ends at
// `total_timeout`. The response head is limited to 8 KiB and its body to `max_response_body` (a longer
// body is cut, the status still counts). Only http:// URLs: https is refused with a clear error.
//
// Call from a coroutine running on a strand (the resolver timeout and the stream share it).
#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace replyd::http {

struct OutboundOptions {
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds total_timeout{15'000};
  std::size_t max_response_body = 64 * 1024;
  bool allow_private = false;  // skip the SSRF guard (tests, or a trusted private network)
};

struct OutboundRequest {
  std::string url;  // absolute http:// URL
  std::string content_type;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct OutboundResult {
  int status = 0;     // the response's status code; 0 when no response was received
  std::string body;   // at most max_response_body bytes of it
  std::string error;  // why no (whole) response came; empty otherwise
  bool refused = false;  // the URL or every resolved address was refused (not worth retrying)
};

boost::asio::awaitable<OutboundResult> send_outbound(OutboundRequest request, OutboundOptions options);

// Checks what can be checked without I/O: an absolute http:// URL with a host, and, when the host is
// an IP literal, the SSRF guard. Returns the reason it is refused, or nullopt.
std::optional<std::string> check_outbound_url(std::string_view url, bool allow_private);

}  // namespace replyd::http
