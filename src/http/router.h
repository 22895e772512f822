// Maps method and path to a handler. Patterns are literal segments and "{name}" segments that match
// one non-empty path segment ("/v1/jobs/{id}/result"). Registration happens before the server starts;
// matching is then read-only and thread-safe.
//
// Matching rules: the path is compared as sent (still percent-encoded) segment by segment; a literal
// segment also matches its percent-encoded spelling ("/v1/%6Aobs"); parameters are percent-decoded
// ('+' stays '+'; a malformed escape is kept raw). A trailing slash is a different path ("/a/" is not
// "/a"). When several patterns match the path, the most specific one with a route for the method wins:
// at the first segment where two patterns differ, a literal beats "{name}", which beats "{name...}". A last
// segment "{name...}" matches the rest of the path, slashes included, possibly empty ("/ui/{path...}" matches
// "/ui/" and "/ui/js/app.js").
#pragma once

#include "http/exchange.h"
#include "http/request.h"
#include "http/response.h"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace replyd::http {

using Handler = std::function<boost::asio::awaitable<Response>(Exchange&)>;

struct RouteOptions {
  // Largest accepted body; 0 means the server's default limit. Larger -> 413 before it is read.
  std::size_t max_body_bytes = 0;
  // The request must say how long its body is (Content-Length or chunked); else 411.
  bool require_length = false;
};

struct Route {
  Method method;
  std::string pattern;  // also the route label in metrics
  Handler handler;
  RouteOptions options;
};

struct Match {
  enum class Kind { found, method_not_allowed, not_found } kind = Kind::not_found;
  const Route* route = nullptr;                             // when found
  std::vector<std::pair<std::string, std::string>> params;  // when found, percent-decoded
  std::string allow;                                        // when method_not_allowed: "GET, HEAD, DELETE"
};

class Router {
 public:
  // Throws std::invalid_argument for a malformed pattern or a duplicate (method, pattern).
  void add(Method method, std::string pattern, Handler handler, RouteOptions options = {});

  // HEAD matches a GET route when no HEAD route is registered. The Allow list of a 405 names the
  // methods registered for the path, in registration order, with HEAD after GET.
  Match match(Method method, std::string_view path) const;
  // The same, written into `out`: its strings and vectors keep their capacity, so a caller that reuses
  // one Match (the server, once per connection) matches without allocating.
  void match(Method method, std::string_view path, Match& out) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  struct Segment {
    enum class Kind { literal, param, rest } kind;  // the order is the specificity, most specific first
    std::string text;                               // the literal, or the parameter's name
  };
  // One distinct pattern and the routes registered for it.
  struct Pattern {
    std::vector<Segment> segments;
    std::vector<std::size_t> routes;  // indexes into routes_
    bool ends_with_rest = false;
  };
  static std::vector<Segment> parse_pattern(std::string_view pattern);
  // `slashes` is the number of '/' in `path`: a cheap first filter on the segment count.
  static bool matches(const Pattern& pattern, std::string_view path, std::size_t slashes);
  static void bind_params(const Pattern& pattern, std::string_view path, Match& out);
  std::string allow_list(std::string_view path) const;

  std::vector<Route> routes_;
  std::vector<Pattern> patterns_;  // sorted most specific first
};

}  // namespace replyd::http
