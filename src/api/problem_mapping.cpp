#include "api/problem_mapping.h"

namespace replyd::api {

ProblemInfo problem_info(Errc code) {
  switch (code) {
    case Errc::not_found: return {404, "urn:replyd:problem:not-found", "Not Found", 0};
    case Errc::invalid_argument: return {400, "urn:replyd:problem:invalid-request", "Bad Request", 0};
    case Errc::lease_lost: return {409, "urn:replyd:problem:lease-lost", "Lease lost", 0};
    case Errc::not_ready: return {409, "urn:replyd:problem:result-not-ready", "Result not ready", 0};
    case Errc::invalid_state: return {409, "urn:replyd:problem:invalid-state", "Conflict with the job's state", 0};
    case Errc::idempotency_mismatch:
      return {422, "urn:replyd:problem:idempotency-key-reused", "Idempotency-Key reused with another request", 0};
    case Errc::payload_too_large: return {413, "about:blank", "Content Too Large", 0};
    // Temporary conditions: the client should come back; Retry-After says when.
    case Errc::overloaded: return {503, "urn:replyd:problem:overloaded", "Overloaded", 1};
    case Errc::unavailable: return {503, "urn:replyd:problem:store-unavailable", "Store unavailable", 2};
    case Errc::shutting_down: return {503, "urn:replyd:problem:shutting-down", "Shutting down", 1};
    case Errc::internal: return {500, "about:blank", "Internal Server Error", 0};
  }
  return {500, "about:blank", "Internal Server Error", 0};
}

http::Response error_response(const Error& error) {
  ProblemInfo info = problem_info(error.code());
  auto response = http::problem(info.status, error.detail(), info.type, info.title);
  if (info.retry_after_seconds > 0) response.set_header("Retry-After", std::to_string(info.retry_after_seconds));
  return response;
}

http::Response bad_request(std::string_view detail) {
  return error_response(Error(Errc::invalid_argument, std::string(detail)));
}

}  // namespace replyd::api
