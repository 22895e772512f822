// Fuzzes the request path up to the handler: the bytes of a request go through Beast's parser with the
// server's limits, then the router (with the real route table shape), query decoding and Prefer.
#include "http/prefer.h"
#include "http/request.h"
#include "http/router.h"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <cstdint>
#include <string_view>

namespace {

namespace http = boost::beast::http;

replyd::http::Router& routes() {
  static replyd::http::Router router = [] {
    replyd::http::Router r;
    replyd::http::Handler none;
    using replyd::http::Method;
    r.add(Method::post, "/v1/queues/{queue}/jobs", none);
    r.add(Method::get, "/v1/jobs/{id}", none);
    r.add(Method::delete_, "/v1/jobs/{id}", none);
    r.add(Method::get, "/v1/jobs/{id}/result", none);
    r.add(Method::get, "/v1/jobs/{id}/events", none);
    r.add(Method::get, "/v1/jobs", none);
    r.add(Method::post, "/v1/queues/{queue}/leases", none);
    r.add(Method::post, "/v1/jobs/{id}/heartbeat", none);
    r.add(Method::get, "/ui/{path...}", none);
    return r;
  }();
  return router;
}

replyd::http::Method method_of(http::verb v) {
  using replyd::http::Method;
  switch (v) {
    case http::verb::get: return Method::get;
    case http::verb::post: return Method::post;
    case http::verb::delete_: return Method::delete_;
    case http::verb::head: return Method::head;
    default: return Method::unknown;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  http::request_parser<http::string_body> parser;
  parser.header_limit(16 * 1024);
  parser.body_limit(64 * 1024);
  parser.eager(true);
  boost::system::error_code ec;
  parser.put(boost::asio::buffer(data, size), ec);
  if (ec || !parser.is_header_done()) return 0;
  const auto& message = parser.get();
  std::string target(message.target());
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& field : message) headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  replyd::http::OwnedRequest owned(method_of(message.method()), target, headers, message.body());
  replyd::http::Request& request = owned.get();
  auto match = routes().match(request.method(), request.path());
  if (match.kind == replyd::http::Match::Kind::found) request.set_path_params(match.params);
  (void)request.query_params();
  (void)request.query_param("wait");
  (void)replyd::http::parse_prefer(request);
  (void)request.path_param("id");
  return 0;
}
