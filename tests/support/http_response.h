// What a test sees of an HTTP response: the exact status, every header in the order received, and the
// body bytes, so that tests can check codes and headers exactly.
#pragma once

#include <boost/json/value.hpp>

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace replyd::blackbox {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
  int status = 0;
  Headers headers;
  std::string body;

  // The value of the first header with this name (case-insensitive), or nullopt.
  std::optional<std::string> header(std::string_view name) const;
  // Every value of the headers with this name, in order.
  std::vector<std::string> header_values(std::string_view name) const;
  bool has_header(std::string_view name) const { return header(name).has_value(); }
  // The body parsed as JSON; throws std::runtime_error (quoting the body) when it is not JSON.
  boost::json::value json() const;
  // "HTTP 404, headers..., body" (body cut at 2000 bytes), for failure messages.
  std::string describe() const;
};

// gtest prints responses with this in failed assertions.
void PrintTo(const HttpResponse& response, std::ostream* out);

bool iequals(std::string_view a, std::string_view b);

}  // namespace replyd::blackbox
