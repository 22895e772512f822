// Internal to http/: what a Request views. The connection keeps one Impl per connection and refills
// it for every request, so the vectors and strings in it keep their capacity across keep-alive
// requests. Not thread-safe: it belongs to the connection's strand.
#pragma once

#include "http/request.h"
#include "http/request_arena.h"

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>

namespace replyd::http {

using BeastFields = boost::beast::http::basic_fields<ArenaAllocator<char>>;
using BeastRequest = boost::beast::http::request<boost::beast::http::string_body, BeastFields>;

Method method_from_verb(boost::beast::http::verb verb);

// The path (still percent-encoded) and the query of a request target, as views into `target`. The
// absolute form ("http://host/a?b", RFC 9112 section 3.2.2) gives its path ("/" when it has none).
struct TargetParts {
  std::string_view path;
  std::string_view query;
};
TargetParts split_target(std::string_view target);

struct Request::Impl {
  Impl() = default;
  // A message whose head is allocated from `arena` (the connection's).
  explicit Impl(RequestArena* arena) : message(empty_message(arena)) {}
  static BeastRequest empty_message(RequestArena* arena) {
    return BeastRequest(std::piecewise_construct, std::make_tuple(),
                        std::make_tuple(ArenaAllocator<char>(arena)));
  }

  BeastRequest message;
  Method method = Method::unknown;
  std::string_view path;   // into message.target()
  std::string_view query;  // into message.target()
  std::vector<std::pair<std::string, std::string>> path_params;
  mutable std::vector<std::pair<std::string, std::string>> query_params;  // parsed on first use
  mutable bool query_parsed = false;
  std::string remote_address;

  // Call after `message` was replaced: derives method, path and query, and forgets the query
  // parameters of the previous request. Path parameters are set separately by the router's match.
  void refresh();
};

}  // namespace replyd::http
