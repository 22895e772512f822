#include "core/result.h"

#include <fmt/format.h>

#include <stdexcept>

namespace replyd {

std::string_view to_string(Errc code) {
  switch (code) {
    case Errc::not_found: return "not_found";
    case Errc::invalid_argument: return "invalid_argument";
    case Errc::lease_lost: return "lease_lost";
    case Errc::not_ready: return "not_ready";
    case Errc::invalid_state: return "invalid_state";
    case Errc::idempotency_mismatch: return "idempotency_mismatch";
    case Errc::payload_too_large: return "payload_too_large";
    case Errc::overloaded: return "overloaded";
    case Errc::unavailable: return "unavailable";
    case Errc::shutting_down: return "shutting_down";
    case Errc::internal: return "internal";
  }
  return "unknown";
}

void throw_exception_from_error(const Error& e, const boost::source_location&) {
  throw std::runtime_error(fmt::format("{}: {}", to_string(e.code()), e.detail()));
}

}  // namespace replyd
