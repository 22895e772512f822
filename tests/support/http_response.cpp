#include "tests/support/http_response.h"

#include <boost/json/parse.hpp>

#include <stdexcept>

namespace replyd::blackbox {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
    if (x != y) return false;
  }
  return true;
}

std::optional<std::string> HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return std::nullopt;
}

std::vector<std::string> HttpResponse::header_values(std::string_view name) const {
  std::vector<std::string> values;
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) values.push_back(value);
  }
  return values;
}

boost::json::value HttpResponse::json() const {
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(body, ec);
  if (ec) throw std::runtime_error("the body is not JSON (" + ec.message() + "): " + describe());
  return value;
}

std::string HttpResponse::describe() const {
  std::string out = "HTTP " + std::to_string(status) + "\n";
  for (const auto& [key, value] : headers) out += key + ": " + value + "\n";
  out += "\n";
  constexpr std::size_t kShown = 2000;
  out +=
      body.size() > kShown ? body.substr(0, kShown) + "...(" + std::to_string(body.size()) + " bytes)" : body;
  return out;
}

void PrintTo(const HttpResponse& response, std::ostream* out) { *out << response.describe(); }

}  // namespace replyd::blackbox
