// Internal to http/: what the connection decides about a request before its handler runs, as pure
// functions of what was parsed. Coroutine-free, so the validation can be unit-tested and fuzzed
// without sockets.
#pragma once

#include "http/router.h"

#include <boost/beast/core/error.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace replyd::http {

// An answer the server gives instead of running a handler. Empty (status 0) means "no refusal".
struct Refusal {
  int status = 0;
  std::string detail;
  bool close = false;  // the connection closes after the answer
  std::string allow;   // the Allow header of a 405
  explicit operator bool() const { return status != 0; }
};

// What a failed read of the head means: 431 over the header limit, 505 for a well-formed but other
// HTTP version ("HTTP/2.0"), 400 for anything else malformed; empty when the connection ended or timed
// out (it closes without an answer). `buffered` holds the bytes the parser refused.
Refusal refusal_for_head_error(const boost::beast::error_code& ec, std::string_view buffered,
                               std::size_t max_header_bytes);

// What a failed read of the body means: 413 over `limit`, 400 malformed (bad chunk), else empty.
Refusal refusal_for_body_error(const boost::beast::error_code& ec, std::size_t limit);

// The facts of a parsed head that the checks need.
struct HeadFacts {
  Method method = Method::unknown;
  unsigned version = 11;  // 10 for HTTP/1.0, 11 for HTTP/1.1
  std::size_t host_headers = 0;
  std::optional<std::uint64_t> content_length;
  bool chunked = false;
  bool body_pending = false;  // a body follows the head and has not been read
};

// The checks on a parsed head, in this order: version (505), Host (400: an HTTP/1.1 request needs
// exactly one, HTTP/1.0 at most one), route (404; 405 with Allow), require_length (411), declared
// Content-Length over the route's limit (413). `match` is the router's answer for the head's path.
// A refusal closes the connection when the body it leaves unread would otherwise be taken for the
// next request, and always after 400, 413 and 505.
Refusal check_head(const HeadFacts& head, const Match& match, std::size_t default_body_limit);

// The body limit of a route: its own, or the server's default when it has none.
std::size_t body_limit(const Route& route, std::size_t default_body_limit);

// True for "Expect: 100-continue" on an HTTP/1.1 request.
bool expects_continue(std::optional<std::string_view> expect, unsigned version);

}  // namespace replyd::http
