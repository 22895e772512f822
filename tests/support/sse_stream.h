// Reads a text/event-stream response frame by frame, with a deadline per frame, for black-box tests
// of GET /v1/jobs/{id}/events. A frame is the text up to a blank line; its lines are parsed as the
// HTML standard says (field ":" [" "] value; a line starting with ':' is a comment). Lines end with
// LF (a CR before it is dropped). Not thread-safe.
#pragma once

#include "tests/support/http_client.h"

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace replyd::blackbox {

struct SseFrame {
  std::optional<std::string> event;   // the "event:" field
  std::optional<std::string> id;      // the "id:" field
  std::optional<std::string> data;    // "data:" lines joined with '\n'; nullopt when there were none
  std::optional<std::string> retry;   // the "retry:" field
  std::vector<std::string> comments;  // comment lines without the ':' and one leading space

  // True when a browser would dispatch it as an event (it has data).
  bool is_event() const { return data.has_value(); }
};

class SseStream {
 public:
  // Sends GET `target` (with Accept: text/event-stream and `headers`) on a new connection and reads
  // the response head within `deadline`. A response that is not 200 is read whole (see head()).
  SseStream(std::string_view base_url, std::string_view target, const Headers& headers = {},
            std::chrono::milliseconds deadline = 10s);
  ~SseStream();
  SseStream(const SseStream&) = delete;
  SseStream& operator=(const SseStream&) = delete;

  // Status and headers; for a response other than 200, also its body.
  const HttpResponse& head() const { return head_; }

  // The next frame, or nullopt once the server has ended the stream (a partial last frame is dropped,
  // as a browser does). Throws std::runtime_error when no whole frame comes within `deadline`.
  std::optional<SseFrame> next_frame(std::chrono::milliseconds deadline = 10s);
  // The next frame that is an event; frames with only comments or a retry field are skipped (their
  // comments are kept in comments()). nullopt once the stream has ended.
  std::optional<SseFrame> next_event(std::chrono::milliseconds deadline = 10s);
  // Every comment line seen so far, in every frame returned or skipped.
  const std::vector<std::string>& comments() const { return comments_; }
  // True once the server has ended the stream and every frame has been returned.
  bool ended() const { return ended_ && pending_.find("\n\n") == std::string::npos; }

 private:
  std::optional<SseFrame> take_frame();

  Endpoint endpoint_;
  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::unique_ptr<boost::beast::http::response_parser<boost::beast::http::string_body>> parser_;
  HttpResponse head_;
  std::string pending_;  // body text received and not yet returned as frames
  std::vector<std::string> comments_;
  bool ended_ = false;
};

}  // namespace replyd::blackbox
