#include "http/request_checks.h"

#include "http/ascii.h"

#include <fmt/format.h>
#include <boost/beast/http/error.hpp>

namespace replyd::http {
namespace beast_http = boost::beast::http;
namespace {

constexpr std::string_view kVersionDetail = "only HTTP/1.0 and HTTP/1.1 are supported";

bool is_beast_http_error(const boost::beast::error_code& ec) {
  return ec.category() == beast_http::make_error_code(beast_http::error::bad_method).category();
}

// Errors that mean the client sent something that is not HTTP/1.1, as opposed to a connection that
// ended or timed out.
bool is_parse_error(const boost::beast::error_code& ec) {
  return is_beast_http_error(ec) && ec != beast_http::error::end_of_stream &&
         ec != beast_http::error::partial_message && ec != beast_http::error::need_more;
}

// Beast rejects "HTTP/2.0" as malformed; a well-formed version other than 1.x deserves 505.
bool names_other_version(std::string_view buffered) {
  std::string_view line = buffered.substr(0, buffered.find("\r\n"));
  std::string_view version = line.substr(line.rfind(' ') + 1);
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  return version.size() == 8 && version.starts_with("HTTP/") && digit(version[5]) && version[6] == '.' &&
         digit(version[7]);
}

}  // namespace

Refusal refusal_for_head_error(const boost::beast::error_code& ec, std::string_view buffered,
                               std::size_t max_header_bytes) {
  if (ec == beast_http::error::header_limit || ec == beast_http::error::buffer_overflow) {
    return {431, fmt::format("the request line and headers exceed {} bytes", max_header_bytes), true};
  }
  if (ec == beast_http::error::bad_version && names_other_version(buffered)) {
    return {505, std::string(kVersionDetail), true};
  }
  if (is_parse_error(ec)) return {400, fmt::format("malformed HTTP request: {}", ec.message()), true};
  return {};
}

Refusal refusal_for_body_error(const boost::beast::error_code& ec, std::size_t limit) {
  if (ec == beast_http::error::body_limit) {
    return {413, fmt::format("the body is larger than {} bytes", limit), true};
  }
  if (is_parse_error(ec)) return {400, fmt::format("malformed request body: {}", ec.message()), true};
  return {};
}

Refusal check_head(const HeadFacts& head, const Match& match, std::size_t default_body_limit) {
  if (head.version != 10 && head.version != 11) return {505, std::string(kVersionDetail), true};
  if (head.host_headers > 1) return {400, "the request has more than one Host header", true};
  if (head.host_headers == 0 && head.version == 11)
    return {400, "an HTTP/1.1 request needs a Host header", true};
  // A refused request whose body was not read must not leave that body to be parsed as a request.
  bool close = head.body_pending;
  if (match.kind == Match::Kind::not_found) return {404, "no resource at this path", close};
  if (match.kind == Match::Kind::method_not_allowed) {
    return {405, fmt::format("{} is not allowed here; allowed: {}", to_string(head.method), match.allow),
            close, match.allow};
  }
  const Route& route = *match.route;
  if (route.options.require_length && !head.chunked && !head.content_length) {
    return {411, "this request needs a Content-Length or a chunked body", close};
  }
  std::size_t limit = body_limit(route, default_body_limit);
  if (head.content_length && *head.content_length > limit) {
    return {413, fmt::format("the body is larger than {} bytes", limit), true};
  }
  return {};
}

std::size_t body_limit(const Route& route, std::size_t default_body_limit) {
  return route.options.max_body_bytes != 0 ? route.options.max_body_bytes : default_body_limit;
}

bool expects_continue(std::optional<std::string_view> expect, unsigned version) {
  return version == 11 && expect && iequals(*expect, "100-continue");
}

}  // namespace replyd::http
