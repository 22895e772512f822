#include "http/wire_format.h"

#include "http/ascii.h"

#include <algorithm>
#include <charconv>

namespace replyd::http {
namespace {

bool is_framing_header(std::string_view name) {
  return iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding") || iequals(name, "Connection");
}

void append_number(std::string& out, std::size_t n) {
  char buffer[24];
  auto end = std::to_chars(buffer, buffer + sizeof buffer, n).ptr;
  out.append(buffer, end);
}

void append_header(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  out.append(value);
  out.append("\r\n");
}

}  // namespace

std::string_view invalid_response_reason(const Response& response) {
  if (response.status < 200 || response.status > 599) return "status outside 200..599";
  for (const auto& [name, value] : response.headers) {
    if (name.empty() || !std::all_of(name.begin(), name.end(), is_token_char))
      return "header name is not a token";
    if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
      return "header value contains CR, LF or NUL";
    }
  }
  return {};
}

bool status_has_body(int status) { return status != 204 && status != 304 && status >= 200; }

void write_head(const Response& response, Framing framing, std::size_t content_length,
                const HeadContext& context, std::string& out) {
  out.clear();
  out.append("HTTP/1.1 ");
  append_number(out, static_cast<std::size_t>(response.status));
  out.push_back(' ');
  out.append(reason_phrase(response.status));
  out.append("\r\n");
  bool has_date = false;
  bool has_server = false;
  for (const auto& [name, value] : response.headers) {
    if (is_framing_header(name)) continue;
    has_date = has_date || iequals(name, "Date");
    has_server = has_server || iequals(name, "Server");
    append_header(out, name, value);
  }
  if (!has_date) append_header(out, "Date", context.date);
  if (!has_server && !context.server.empty()) append_header(out, "Server", context.server);
  if (status_has_body(response.status)) {
    if (framing == Framing::length) {
      out.append("Content-Length: ");
      append_number(out, content_length);
      out.append("\r\n");
    } else if (framing == Framing::chunked) {
      out.append("Transfer-Encoding: chunked\r\n");
    }
  }
  if (context.close) {
    out.append("Connection: close\r\n");
  } else if (context.keep_alive) {
    out.append("Connection: keep-alive\r\n");
  }
  out.append("\r\n");
}

std::string_view chunk_size_line(std::size_t size, std::array<char, 20>& buffer) {
  char* end = std::to_chars(buffer.data(), buffer.data() + 16, size, 16).ptr;
  *end++ = '\r';
  *end++ = '\n';
  return {buffer.data(), static_cast<std::size_t>(end - buffer.data())};
}

}  // namespace replyd::http
