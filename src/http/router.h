// Maps method and path to a handler. Patterns are literal segments and "{name}" segments that match
// one non-empty path segment ("/v1/jobs/{id}/result"). Registration happens before the server starts;
// matching is then read-only and thread-safe.
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
  const Route* route = nullptr;                               // when found
  std::vector<std::pair<std::string, std::string>> params;    // when found, percent-decoded
  std::string allow;                                          // when method_not_allowed: "GET, DELETE"
};

class Router {
 public:
  // Throws std::invalid_argument for a malformed pattern or a duplicate (method, pattern).
  void add(Method method, std::string pattern, Handler handler, RouteOptions options = {});

  // HEAD matches a GET route when no HEAD route is registered.
  Match match(Method method, std::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace replyd::http
