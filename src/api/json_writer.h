// A small streaming JSON writer that appends to a string: the status document is on every hot path,
// and building a DOM per request would allocate for each member. Strings are escaped per RFC 8259;
// invalid UTF-8 is replaced by U+FFFD so the output is always valid JSON.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace replyd::api {

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  // In an object: the member name; the next value call writes its value.
  void key(std::string_view name);

  void string(std::string_view value);
  void number(std::int64_t value);
  void number(double value);
  void boolean(bool value);
  void null();

 private:
  void before_value();

  std::string& out_;
  // One bit per nesting level: whether a comma is due before the next element. 64 levels are plenty
  // for the documents this writer produces.
  std::uint64_t need_comma_ = 0;
  int depth_ = 0;
  bool after_key_ = false;
};

// Appends `value` as a JSON string literal (with quotes) to `out`.
void append_json_string(std::string& out, std::string_view value);

}  // namespace replyd::api
