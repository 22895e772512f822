#include "store/postgres/change_notification.h"

#include <fmt/format.h>

#include <charconv>

namespace replyd::store::postgres {
namespace {

void append_change(std::string& out, const JobChange& c) {
  char id[JobId::kTextLength];
  c.id.write_to(id);
  out.append(id, sizeof(id));
  fmt::format_to(std::back_inserter(out), "\t{}\t{}\t{}\t{}\t", static_cast<int>(c.state), c.version,
                 c.created ? 1 : 0, c.progress ? 1 : 0);
  for (char ch : c.queue) {
    if (ch == '\\')
      out += "\\\\";
    else if (ch == '\n')
      out += "\\n";
    else
      out += ch;
  }
  out += '\n';
}

std::optional<std::string> unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out += s[i];
      continue;
    }
    if (++i == s.size()) return std::nullopt;
    if (s[i] == '\\')
      out += '\\';
    else if (s[i] == 'n')
      out += '\n';
    else
      return std::nullopt;
  }
  return out;
}

template <class Int>
bool parse_int(std::string_view s, Int& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

// Splits off the text up to `sep` (or the end).
std::string_view next_field(std::string_view& rest, char sep) {
  auto pos = rest.find(sep);
  std::string_view field = rest.substr(0, pos);
  rest = pos == std::string_view::npos ? std::string_view() : rest.substr(pos + 1);
  return field;
}

std::optional<JobChange> decode_change(std::string_view line) {
  JobChange c;
  auto id = JobId::parse(next_field(line, '\t'));
  int state = -1, created = -1, progress = -1;
  if (!id || !parse_int(next_field(line, '\t'), state) || state < 0 || state >= kJobStateCount ||
      !parse_int(next_field(line, '\t'), c.version) || !parse_int(next_field(line, '\t'), created) ||
      created < 0 || created > 1 || !parse_int(next_field(line, '\t'), progress) || progress < 0 ||
      progress > 1) {
    return std::nullopt;
  }
  auto queue = unescape(line);
  if (!queue) return std::nullopt;
  c.id = *id;
  c.state = static_cast<JobState>(state);
  c.created = created == 1;
  c.progress = progress == 1;
  c.queue = std::move(*queue);
  return c;
}

}  // namespace

std::vector<std::string> encode_notifications(std::string_view node_id, std::span<const JobChange> changes,
                                              std::size_t max_bytes) {
  std::vector<std::string> payloads;
  std::string current;
  std::string line;
  const std::size_t header = node_id.size() + 1;
  for (const JobChange& c : changes) {
    line.clear();
    append_change(line, c);
    if (header + line.size() > max_bytes) continue;
    if (!current.empty() && current.size() + line.size() > max_bytes) payloads.push_back(std::move(current));
    if (current.empty()) {
      current.assign(node_id);
      current += '\n';
    }
    current += line;
  }
  if (!current.empty()) payloads.push_back(std::move(current));
  return payloads;
}

std::optional<Notification> decode_notification(std::string_view payload) {
  Notification n;
  auto pos = payload.find('\n');
  if (pos == std::string_view::npos || pos == 0) return std::nullopt;
  n.node_id = payload.substr(0, pos);
  std::string_view rest = payload.substr(pos + 1);
  while (!rest.empty()) {
    auto change = decode_change(next_field(rest, '\n'));
    if (!change) return std::nullopt;
    n.changes.push_back(std::move(*change));
  }
  return n;
}

}  // namespace replyd::store::postgres
