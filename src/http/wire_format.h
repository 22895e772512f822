// The bytes of a response head and of chunk framing, written by hand rather than through Beast's
// serializer: the head goes into a buffer the connection reuses, so a response costs no per-field
// allocation, and the body is sent from the handler's string without a copy. Coroutine-free.
#pragma once

#include "http/response.h"

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace replyd::http {

// How the length of the body is told to the client.
enum class Framing {
  length,       // Content-Length
  chunked,      // Transfer-Encoding: chunked (streams to HTTP/1.1 clients)
  until_close,  // neither: the body ends when the connection closes (streams to HTTP/1.0 clients)
};

struct HeadContext {
  std::string_view date;    // the Date header value
  std::string_view server;  // the Server header value; empty for none
  bool close = false;       // send "Connection: close"
  bool keep_alive = false;  // send "Connection: keep-alive" (an HTTP/1.0 client that asked for it)
};

// Why a handler's response cannot be sent (a status outside 200..599, a header name that is not a
// token, a value with CR, LF or NUL), or empty when it is fine. Such a response is a handler bug; the
// connection answers 500 instead, so a handler can never split a response.
std::string_view invalid_response_reason(const Response& response);

// False for statuses that never carry a body (204, 304) and so get no Content-Length either.
bool status_has_body(int status);

// Writes the status line and the headers, ending with the empty line, into `out` (cleared first, its
// capacity reused). Content-Length, Transfer-Encoding and Connection set by the handler are dropped:
// the connection owns framing. Date and Server are added unless the handler set them.
// Precondition: invalid_response_reason(response) is empty.
void write_head(const Response& response, Framing framing, std::size_t content_length,
                const HeadContext& context, std::string& out);

// "1a2b\r\n": the size line of a chunk of `size` bytes, written into `buffer`; returns the view of it.
std::string_view chunk_size_line(std::size_t size, std::array<char, 20>& buffer);

inline constexpr std::string_view kChunkEnd = "\r\n";
inline constexpr std::string_view kLastChunk = "0\r\n\r\n";
inline constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

}  // namespace replyd::http
