// The one table that maps engine and store errors (Errc) to HTTP: status, problem type and title.
// Every error the API returns goes through here, so the same failure always looks the same.
#pragma once

#include "core/result.h"
#include "http/response.h"

#include <string_view>

namespace replyd::api {

struct ProblemInfo {
  int status;
  std::string_view type;
  std::string_view title;
  int retry_after_seconds;  // 0: no Retry-After header
};

ProblemInfo problem_info(Errc code);

// An application/problem+json response for `error`, with Retry-After where the error is temporary.
http::Response error_response(const Error& error);

// A 400 problem for a malformed request (shorthand for error_response(invalid_argument)).
http::Response bad_request(std::string_view detail);

}  // namespace replyd::api
