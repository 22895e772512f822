// The progress protocol of `replyd worker --exec`: a command reports progress by writing lines of
// the form `progress CURRENT/TOTAL [message]` to its stderr.
#pragma once

#include "core/job.h"

#include <optional>
#include <string_view>

namespace replyd::worker {

// The longest message kept from a progress line; the rest is cut off.
inline constexpr std::size_t kMaxProgressMessage = 512;

// Parses one stderr line (without its newline; a trailing '\r' is ignored): the word "progress",
// blanks (spaces or tabs), CURRENT and TOTAL as non-negative decimal integers of at most 18 digits
// joined by '/', then optionally blanks and a message (trimmed, at most kMaxProgressMessage bytes).
// Returns nullopt for any other line. Safe on any input: no allocation beyond the message, no
// exceptions, no undefined behaviour.
std::optional<Progress> parse_progress_line(std::string_view line);

}  // namespace replyd::worker
