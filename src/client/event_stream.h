// Reads a Server-Sent Events stream of the server (GET /v1/jobs/{id}/events, /v1/queues/{q}/events,
// /v1/events) on its own connection, synchronously, one event at a time: the transport of
// follow_job() and `replyd watch`.
//
//   auto stream = client::EventStream::open("http://127.0.0.1:8080", "/v1/events", {});
//   while (auto event = stream->next()) { if (!*event) break; use((*event)->data); }
//
// Thread-compatible: one thread at a time.
#pragma once

#include "client/api_error.h"
#include "client/client_options.h"
#include "client/sse_parser.h"

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace replyd::client {

struct EventStreamOptions {
  ClientOptions client;
  // Longest silence tolerated between two pieces of the stream; the server sends a heartbeat comment
  // every 15 s by default, so three are missed before the stream counts as broken.
  std::chrono::milliseconds idle_timeout{45'000};
  // Sent as Last-Event-ID when not empty.
  std::string last_event_id;
  // Largest event (and unfinished line) accepted.
  std::size_t max_event_bytes = 16 * 1024 * 1024;
};

class EventStream {
 public:
  // Connects to `base_url` (as for Client) and sends GET `path` (below the base URL's path prefix,
  // already percent-encoded). A 200 answer is the stream; any other 2xx (204: nothing more to say)
  // is a stream that has ended. Errors: Errc::invalid_argument for a malformed URL, Errc::unavailable
  // for a transport failure or timeout, and for a status >= 400 the error built from the answer.
  static ApiResult<std::unique_ptr<EventStream>> open(std::string_view base_url, std::string_view path,
                                                      EventStreamOptions options = {});
  ~EventStream();
  EventStream(const EventStream&) = delete;
  EventStream& operator=(const EventStream&) = delete;

  // The next event, or nullopt once the server has ended the stream. Errors: Errc::unavailable when
  // the connection fails, nothing arrives within idle_timeout, or an event is too large.
  ApiResult<std::optional<SseEvent>> next();

  // The id of the last event returned (to resume with Last-Event-ID).
  const std::string& last_event_id() const { return last_event_id_; }

 private:
  struct Impl;
  explicit EventStream(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
  std::string last_event_id_;
};

}  // namespace replyd::client
