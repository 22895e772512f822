#include "client/api_error.h"

#include "client/json_fields.h"

#include <fmt/format.h>
#include <boost/json/parse.hpp>

#include <stdexcept>

namespace replyd::client {
namespace {

// Enough of a non-JSON error body (an HTML page from a proxy, say) to tell what happened.
constexpr std::size_t kMaxRawDetail = 200;

bool printable_text(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') return false;
  }
  return true;
}

}  // namespace

std::string ApiError::message() const {
  if (http_status_ == 0) return fmt::format("{}: {}", to_string(code_), detail_);
  const std::string& title = problem_ ? problem_->title : detail_;
  if (problem_ && !problem_->detail.empty() && problem_->detail != title) {
    return fmt::format("{} {}: {}", http_status_, title, problem_->detail);
  }
  return fmt::format("{} {}", http_status_, title);
}

void throw_exception_from_error(const ApiError& e, const boost::source_location&) {
  throw std::runtime_error(e.message());
}

Errc errc_for_status(int http_status) {
  switch (http_status) {
    case 404:
    case 410:
      return Errc::not_found;
    case 409:
      return Errc::invalid_state;
    case 413:
      return Errc::payload_too_large;
    case 422:
      return Errc::invalid_argument;
    case 429:
    case 503:
      return Errc::overloaded;
    case 502:
    case 504:
      return Errc::unavailable;
    default:
      break;
  }
  if (http_status >= 400 && http_status < 500) return Errc::invalid_argument;
  return Errc::internal;
}

ApiError error_from_answer(Errc code, int http_status, std::string_view reason, std::string_view body,
                           std::optional<int> retry_after_s) {
  Problem problem;
  problem.status = http_status;
  boost::system::error_code ec;
  auto value = boost::json::parse(body, ec);
  const boost::json::object* obj = ec ? nullptr : value.if_object();
  if (obj) {
    problem.type = json_fields::string_at(*obj, "type").value_or("about:blank");
    problem.title = json_fields::string_at(*obj, "title").value_or("");
    problem.detail = json_fields::string_at(*obj, "detail").value_or("");
  } else {
    problem.type = "about:blank";
    std::string_view start = body.substr(0, kMaxRawDetail);
    if (printable_text(start)) problem.detail = std::string(start);
  }
  if (problem.title.empty())
    problem.title = reason.empty() ? fmt::format("HTTP {}", http_status) : std::string(reason);
  return ApiError(code, http_status, std::move(problem), retry_after_s);
}

}  // namespace replyd::client
