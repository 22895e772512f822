// The response a handler returns. The connection adds Content-Length, Date, Server and the
// keep-alive headers; a handler sets the status, its own headers and the body.
//
// The connection owns framing: Content-Length, Transfer-Encoding and Connection set by a handler are
// not sent, except that "Connection: close" makes the connection close after this response. Date and
// Server set by a handler replace the connection's. A status outside 200..599, or a header whose name
// is not a token or whose value holds CR, LF or NUL, is a handler bug: the client gets a 500 problem.
// 204 and 304 are sent without a body.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace replyd::http {

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // Replaces every header of this name (case-insensitive) with one of this value.
  void set_header(std::string_view name, std::string value);
  // Adds a header, keeping existing ones of the same name.
  void add_header(std::string name, std::string value);
  // The first value of a header (case-insensitive), or empty.
  std::string_view header(std::string_view name) const;

  static Response json(int status, std::string body);
  static Response bytes(int status, std::string content_type, std::string body);
  static Response empty(int status);
};

// RFC 9457 problem details: `application/problem+json` with `status` equal to the HTTP status.
// `type` defaults to "about:blank"; `title` defaults to the status's reason phrase.
Response problem(int status, std::string_view detail, std::string_view type = "about:blank",
                 std::string_view title = {});

// The reason phrase of a status code ("Not Found"), or "Unknown".
std::string_view reason_phrase(int status);

}  // namespace replyd::http
