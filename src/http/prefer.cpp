#include "http/prefer.h"

#include "http/ascii.h"

#include <climits>
#include <string>

namespace replyd::http {
namespace {

// One pass over one header value. The grammar (RFC 7240 section 2 with RFC 9110 list rules):
//   list       = [ element ] *( OWS "," OWS [ element ] )
//   element    = token [ BWS "=" BWS word ] *( OWS ";" [ OWS parameter ] )
//   parameter  = token [ BWS "=" BWS word ]
//   word       = token / quoted-string
class PreferParser {
 public:
  PreferParser(std::string_view text, Preferences& out) : text_(text), out_(out) {}

  // Empty on success, else the detail of the error.
  std::string run() {
    for (;;) {
      skip_space();
      if (at_end()) return {};
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      std::string_view name = token();
      if (name.empty()) return error("expected a preference name");
      Word value;
      if (!value_after(value)) return error_detail_;
      for (;;) {
        skip_space();
        if (at_end() || peek() != ';') break;
        ++pos_;
        skip_space();
        if (token().empty()) continue;
        Word ignored;
        if (!value_after(ignored)) return error_detail_;
      }
      skip_space();
      if (!at_end() && peek() != ',')
        return error("expected ',' or ';' after preference \"" + std::string(name) + "\"");
      std::string applied = apply(name, value);
      if (!applied.empty()) return applied;
    }
  }

 private:
  struct Word {
    bool present = false;
    bool quoted = false;
    std::string_view text;  // the token, or the quoted-string without its quotes
  };

  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }
  void skip_space() {
    while (!at_end() && (peek() == ' ' || peek() == '\t')) ++pos_;
  }
  std::string_view token() {
    std::size_t start = pos_;
    while (!at_end() && is_token_char(peek())) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  std::string error(std::string_view what) {
    std::string detail = "invalid Prefer header \"" + std::string(text_) + "\": " + std::string(what);
    if (!at_end()) detail += " at offset " + std::to_string(pos_);
    return detail;
  }

  // Parses an optional `BWS "=" BWS word`. False (with error_detail_ set) when '=' has no word.
  bool value_after(Word& word) {
    std::size_t before = pos_;
    skip_space();
    if (at_end() || peek() != '=') {
      pos_ = before;
      return true;
    }
    ++pos_;
    skip_space();
    word.present = true;
    if (!at_end() && peek() == '"') return quoted_string(word);
    word.text = token();
    if (word.text.empty()) {
      error_detail_ = error("expected a token or a quoted string after '='");
      return false;
    }
    return true;
  }

  bool quoted_string(Word& word) {
    std::size_t start = ++pos_;
    while (!at_end() && peek() != '"') {
      auto c = static_cast<unsigned char>(peek());
      if (c == '\\') {
        ++pos_;
        if (at_end()) break;
        c = static_cast<unsigned char>(peek());
      }
      if ((c < 0x20 && c != '\t') || c == 0x7F) {
        error_detail_ = error("control character in a quoted string");
        return false;
      }
      ++pos_;
    }
    if (at_end()) {
      error_detail_ = error("unterminated quoted string");
      return false;
    }
    word.quoted = true;
    word.text = text_.substr(start, pos_ - start);
    ++pos_;
    return true;
  }

  std::string apply(std::string_view name, const Word& value) {
    if (iequals(name, "respond-async")) {
      if (value.present) return error("respond-async takes no value");
      out_.respond_async = true;
    } else if (iequals(name, "wait")) {
      if (!value.present || value.quoted) return error("wait needs a number of seconds (wait=10)");
      long long seconds = 0;
      for (char c : value.text) {
        if (c < '0' || c > '9') {
          return error("wait must be a non-negative integer number of seconds, not \"" +
                       std::string(value.text) + "\"");
        }
        seconds = seconds * 10 + (c - '0');
        if (seconds > INT_MAX) return error("wait=" + std::string(value.text) + " is too large");
      }
      if (!seen_wait_) out_.wait_seconds = static_cast<int>(seconds);
      seen_wait_ = true;
    }
    return {};
  }

  std::string_view text_;
  Preferences& out_;
  std::size_t pos_ = 0;
  bool seen_wait_ = false;
  std::string error_detail_;
};

}  // namespace

Result<Preferences> parse_prefer(std::span<const std::string_view> values) {
  Preferences prefs;
  bool seen_async = false;
  bool seen_wait = false;
  for (std::string_view value : values) {
    Preferences one;
    std::string detail = PreferParser(value, one).run();
    if (!detail.empty()) return Error(Errc::invalid_argument, std::move(detail));
    // Across headers too, the first occurrence of a preference is the one that counts.
    if (one.respond_async && !seen_async) prefs.respond_async = seen_async = true;
    if (one.wait_seconds && !seen_wait) {
      prefs.wait_seconds = one.wait_seconds;
      seen_wait = true;
    }
  }
  return prefs;
}

Result<Preferences> parse_prefer(std::string_view value) { return parse_prefer(std::span(&value, 1)); }

Result<Preferences> parse_prefer(const Request& request) {
  std::vector<std::string_view> values = request.headers("Prefer");
  return parse_prefer(std::span<const std::string_view>(values));
}

}  // namespace replyd::http
