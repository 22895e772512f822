// The request a handler sees: a read-only view of the parsed HTTP/1.1 message plus the path
// parameters the router extracted. Beast stays behind this header (see request.cpp).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace replyd::http {

enum class Method { get, head, post, put, patch, delete_, options, unknown };
std::string_view to_string(Method method);

class Request {
 public:
  struct Impl;  // owned by the connection (or by make_request in tests)

  explicit Request(Impl& impl) : impl_(&impl) {}

  Method method() const;
  std::string_view target() const;  // as sent: "/v1/jobs?limit=10"
  std::string_view path() const;    // the target without the query, still percent-encoded
  std::string_view query() const;   // the part after '?', or empty

  // The value of the first header with this name (case-insensitive), or nullopt.
  std::optional<std::string_view> header(std::string_view name) const;
  // Every value of the headers with this name, in order.
  std::vector<std::string_view> headers(std::string_view name) const;

  // True when the client sent Content-Length or Transfer-Encoding: chunked.
  bool has_body_length() const;
  std::string_view body() const;
  // Moves the body out (then body() is empty); avoids a copy of large payloads.
  std::string take_body();

  // A path parameter bound by the route pattern ("{id}"), percent-decoded; empty if absent.
  std::string_view path_param(std::string_view name) const;
  void set_path_params(std::vector<std::pair<std::string, std::string>> params);

  // Query parameters, percent-decoded ('+' is a space), in order. Malformed encodings are kept raw.
  const std::vector<std::pair<std::string, std::string>>& query_params() const;
  // The first value of a query parameter, or nullopt.
  std::optional<std::string_view> query_param(std::string_view name) const;

  // The client's address as text ("127.0.0.1").
  std::string_view remote_address() const;

 private:
  Impl* impl_;
};

// A request for unit tests and fuzzing, built without a connection: HTTP/1.1, remote address
// "127.0.0.1"; a non-empty body without Content-Length or Transfer-Encoding gets a Content-Length.
class OwnedRequest {
 public:
  OwnedRequest(Method method, std::string target,
               std::vector<std::pair<std::string, std::string>> headers = {}, std::string body = {});
  ~OwnedRequest();
  OwnedRequest(OwnedRequest&&) noexcept;
  Request& get() { return request_; }

 private:
  std::unique_ptr<Request::Impl> impl_;
  Request request_;
};

}  // namespace replyd::http
