// An incremental parser of a text/event-stream body (HTML Living Standard, "Server-sent events",
// section 9.2.6), for the SDK's event stream reader. Feed it the body bytes as they come, in pieces of
// any size; it collects the events that are complete (ended by a blank line). Lines end with CRLF, LF
// or CR (a CR at the end of one piece followed by LF at the start of the next is one line end).
// Comments and fields other than event, data, id and retry are ignored; a frame without data is not
// an event (as a browser does), but its id and retry still count.
//
// Pure; thread-compatible.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

namespace replyd::client {

struct SseEvent {
  std::string event = "message";  // the event type; "message" when the frame had no event field
  std::string id;                 // the last event id in effect (carried over from earlier frames)
  std::string data;               // the data lines joined with '\n'
};

class SseParser {
 public:
  // Parses `bytes`; complete events become available through next().
  void feed(std::string_view bytes);
  // The next complete event, oldest first.
  std::optional<SseEvent> next();
  // The last "retry:" value, in milliseconds.
  std::optional<std::int64_t> retry_ms() const { return retry_ms_; }
  // Bytes of an unfinished line held back (bounded by the caller's line limit).
  std::size_t pending_bytes() const { return line_.size() + data_.size(); }

 private:
  void line(std::string_view text);
  void dispatch();

  std::string line_;       // the current unfinished line
  bool after_cr_ = false;  // the previous byte was a CR: a following LF belongs to it
  std::string event_;      // fields of the frame being read
  std::string data_;
  bool has_data_ = false;
  std::string last_id_;
  std::optional<std::int64_t> retry_ms_;
  std::deque<SseEvent> ready_;
};

}  // namespace replyd::client
