#include "http/sse.h"

namespace replyd::http {
namespace {

// Appends "<field>: <value>\n" for a single-line field, neutralising line breaks (and NUL on request).
void append_field(std::string& out, std::string_view field, std::string_view value, bool drop_nul) {
  out.append(field);
  out.append(": ");
  for (char c : value) {
    if (c == '\r' || c == '\n') {
      out.push_back(' ');
    } else if (c != '\0' || !drop_nul) {
      out.push_back(c);
    }
  }
  out.push_back('\n');
}

// Calls fn(line) for every line of `text`, where CRLF, lone CR and lone LF all end a line, the way
// the event-stream parser reads them. Text ending in a break yields a last empty line.
template <class Fn>
void for_each_line(std::string_view text, Fn&& fn) {
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\r' && text[i] != '\n') continue;
    fn(text.substr(start, i - start));
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    start = i + 1;
  }
  fn(text.substr(start));
}

}  // namespace

std::string sse_event(std::string_view event, std::string_view id, std::string_view data) {
  std::string out;
  out.reserve(event.size() + id.size() + data.size() + 32);
  if (!event.empty()) append_field(out, "event", event, false);
  if (!id.empty()) append_field(out, "id", id, true);
  // "data: " with its space: the parser drops exactly one leading space, so data that itself starts
  // with a space survives.
  for_each_line(data, [&](std::string_view line) {
    out.append("data: ");
    out.append(line);
    out.push_back('\n');
  });
  out.push_back('\n');
  return out;
}

std::string sse_comment(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 4);
  for_each_line(text, [&](std::string_view line) {
    out.append(": ");
    out.append(line);
    out.push_back('\n');
  });
  out.push_back('\n');
  return out;
}

std::string sse_retry(std::chrono::milliseconds delay) {
  long long ms = delay.count() < 0 ? 0 : static_cast<long long>(delay.count());
  return "retry: " + std::to_string(ms) + "\n\n";
}

}  // namespace replyd::http
