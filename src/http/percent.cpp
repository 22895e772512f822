#include "http/percent.h"

namespace replyd::http {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The decoded byte of the escape at in[i] ('%' followed by two hex digits), or -1.
int escape_at(std::string_view in, std::size_t i) {
  if (i + 2 >= in.size()) return -1;
  int hi = hex_value(in[i + 1]);
  int lo = hex_value(in[i + 2]);
  return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

}  // namespace

bool percent_decode(std::string_view in, std::string& out, PlusMeans plus) {
  out.clear();
  // Most components carry no escape at all: one copy, no per-byte work.
  if (in.find('%') == std::string_view::npos &&
      (plus == PlusMeans::plus || in.find('+') == std::string_view::npos)) {
    out.assign(in);
    return true;
  }
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      int byte = escape_at(in, i);
      if (byte < 0) {
        out.assign(in);
        return false;
      }
      out.push_back(static_cast<char>(byte));
      i += 2;
    } else if (c == '+' && plus == PlusMeans::space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return true;
}

bool percent_equals(std::string_view encoded, std::string_view plain) {
  std::size_t j = 0;
  for (std::size_t i = 0; i < encoded.size(); ++i, ++j) {
    if (j == plain.size()) return false;
    char c = encoded[i];
    if (c == '%') {
      int byte = escape_at(encoded, i);
      if (byte < 0) return false;
      c = static_cast<char>(byte);
      i += 2;
    }
    if (c != plain[j]) return false;
  }
  return j == plain.size();
}

}  // namespace replyd::http
