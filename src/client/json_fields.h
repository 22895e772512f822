// Lenient readers for members of JSON objects received from the server: a missing member, a null or
// a member of another type reads as "absent", so documents with extra, missing or null fields parse.
#pragma once

#include "core/clock.h"

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace replyd::client::json_fields {

std::optional<std::string> string_at(const boost::json::object& obj, std::string_view key);
// Integers, and doubles that hold an integral value in range.
std::optional<std::int64_t> int_at(const boost::json::object& obj, std::string_view key);
// Any JSON number.
std::optional<double> number_at(const boost::json::object& obj, std::string_view key);
std::optional<bool> bool_at(const boost::json::object& obj, std::string_view key);
// An RFC 3339 string; absent when missing or malformed.
std::optional<TimePoint> time_at(const boost::json::object& obj, std::string_view key);
const boost::json::object* object_at(const boost::json::object& obj, std::string_view key);

// `text` with every byte sequence that is not valid UTF-8 replaced by U+FFFD, so that text from
// anywhere (a command's stderr) can go into a JSON string the server will accept.
std::string valid_utf8(std::string_view text);

// valid_utf8(text), cut to at most `max_bytes` without splitting a character.
std::string valid_utf8(std::string_view text, std::size_t max_bytes);

}  // namespace replyd::client::json_fields
