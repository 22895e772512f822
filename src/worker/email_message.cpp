#include "worker/email_message.h"

#include "core/base64.h"

#include <fmt/format.h>
#include <boost/json/parse.hpp>

#include <ctime>

namespace replyd::worker {
namespace {

constexpr std::size_t kMaxRecipients = 100;
constexpr std::size_t kMaxSubject = 500;
constexpr std::size_t kMaxBody = 1024 * 1024;

Error invalid(std::string detail) { return Error(Errc::invalid_argument, std::move(detail)); }

bool valid_address(std::string_view address) {
  if (address.empty() || address.size() > 254) return false;
  auto at = address.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == address.size()) return false;
  for (char c : address) {
    if (c <= 0x20 || c >= 0x7f || c == '<' || c == '>' || c == ',' || c == '"' || c == '(' || c == ')')
      return false;
  }
  return address.find('@') == at;
}

bool is_plain_ascii(std::string_view text) {
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) return false;
  }
  return true;
}

// RFC 2047 base64 encoded-words of at most 75 characters each, split on UTF-8 character boundaries.
std::string encode_header_text(std::string_view text) {
  if (is_plain_ascii(text)) return std::string(text);
  constexpr std::size_t kChunk = 45;  // 45 bytes -> 60 base64 characters + 12 of framing
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t end = std::min(text.size(), i + kChunk);
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64_encode(text.substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

std::string crlf_lines(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32 + 2);
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out += "\r\n";
    } else if (c == '\n') {
      out += "\r\n";
    } else {
      out += c;
    }
  }
  if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0) out += "\r\n";
  return out;
}

}  // namespace

Result<EmailRequest> parse_email_request(const Blob& payload) {
  boost::system::error_code ec;
  auto doc = boost::json::parse(payload.bytes, ec);
  const auto* obj = ec ? nullptr : doc.if_object();
  if (!obj)
    return invalid(R"(the payload must be a JSON object {"to": "...", "subject": "...", "body": "..."})");
  EmailRequest request;
  const auto* to = obj->if_contains("to");
  if (to && to->is_string()) {
    request.to.emplace_back(to->get_string());
  } else if (to && to->is_array()) {
    for (const auto& v : to->get_array()) {
      if (!v.is_string()) return invalid("'to' must hold strings");
      request.to.emplace_back(v.get_string());
    }
  } else {
    return invalid("'to' must be an address or an array of addresses");
  }
  if (request.to.empty()) return invalid("'to' names no address");
  if (request.to.size() > kMaxRecipients)
    return invalid(fmt::format("'to' may name at most {} addresses", kMaxRecipients));
  for (const auto& address : request.to) {
    if (!valid_address(address))
      return invalid(fmt::format("'{}' is not an email address", address.substr(0, 80)));
  }
  const auto* subject = obj->if_contains("subject");
  if (!subject || !subject->is_string()) return invalid("'subject' must be a string");
  request.subject = std::string(subject->get_string());
  if (request.subject.size() > kMaxSubject)
    return invalid(fmt::format("'subject' may be at most {} bytes", kMaxSubject));
  if (request.subject.find_first_of("\r\n") != std::string::npos)
    return invalid("'subject' may not hold a line break");
  const auto* body = obj->if_contains("body");
  if (!body || !body->is_string()) return invalid("'body' must be a string");
  request.body = std::string(body->get_string());
  if (request.body.size() > kMaxBody) return invalid(fmt::format("'body' may be at most {} bytes", kMaxBody));
  return request;
}

std::string build_email_message(const EmailRequest& request, std::string_view from,
                                std::string_view message_id, std::string_view date) {
  std::string to;
  for (const auto& address : request.to) to += (to.empty() ? "" : ",\r\n ") + address;
  return fmt::format(
      "Date: {}\r\nFrom: {}\r\nTo: {}\r\nSubject: {}\r\nMessage-ID: <{}>\r\nMIME-Version: 1.0\r\n"
      "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{}",
      date, from, to, encode_header_text(request.subject), message_id, crlf_lines(request.body));
}

std::string rfc5322_date(TimePoint t) {
  std::time_t seconds = static_cast<std::time_t>(to_micros(t) / 1'000'000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  return buffer;
}

}  // namespace replyd::worker
