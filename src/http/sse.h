// Server-Sent Events framing (HTML Living Standard, "Server-sent events", section 9.2.5): the text of
// one frame, to be sent with Exchange::write_chunk on a `text/event-stream` response. Coroutine-free
// and pure, so it can be fuzzed.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace replyd::http {

// One event: "event: <event>\nid: <id>\ndata: <line>\n...\n\n". Empty `event` or `id` omits that
// field. `data` is split at every CR, LF or CRLF into several "data:" lines, which the browser joins
// back with LF; an empty `data` still sends one "data:" line so the event is dispatched. CR and LF in
// `event` and `id` become spaces and NUL is removed from `id` (a browser ignores an id with NUL), so
// no argument can end the frame early or inject a field.
std::string sse_event(std::string_view event, std::string_view id, std::string_view data);

// A comment frame (": <text>\n\n"), ignored by clients; used as a heartbeat that keeps proxies from
// closing an idle stream. Multi-line text becomes one comment line per line.
std::string sse_comment(std::string_view text);

// "retry: <ms>\n\n": tells the client how long to wait before reconnecting. Negative becomes 0.
std::string sse_retry(std::chrono::milliseconds delay);

}  // namespace replyd::http
