// The error of every client SDK call: an `Errc` as the rest of replyd uses it, plus what the server
// said when the error came from an HTTP answer (status, the RFC 9457 problem, Retry-After). Transport
// failures (connect, timeout, reset) have http_status() == 0 and code Errc::unavailable.
#pragma once

#include "core/job.h"
#include "core/result.h"

#include <boost/system/result.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace replyd::client {

class ApiError {
 public:
  ApiError() = default;
  // A local or transport error (no HTTP answer).
  ApiError(Errc code, std::string detail) : code_(code), detail_(std::move(detail)) {}
  // An HTTP answer that is not a success: `problem` is the parsed problem+json body, or one made from
  // the status line when the body is not a problem document.
  ApiError(Errc code, int http_status, Problem problem, std::optional<int> retry_after_s)
      : code_(code),
        detail_(problem.detail.empty() ? problem.title : problem.detail),
        http_status_(http_status),
        problem_(std::move(problem)),
        retry_after_s_(retry_after_s) {}

  Errc code() const { return code_; }
  // The problem's detail (or its title when it has no detail), or the transport error's description.
  const std::string& detail() const { return detail_; }
  // 0 when no HTTP answer was received.
  int http_status() const { return http_status_; }
  const std::optional<Problem>& problem() const { return problem_; }
  // The server's Retry-After, when it sent one (503, 429).
  std::optional<int> retry_after_s() const { return retry_after_s_; }

  // One line for people: "404 Not Found: no job with this id" or "unavailable: connection refused".
  std::string message() const;
  // The same error as the rest of replyd sees it (code and message).
  Error to_error() const { return Error(code_, message()); }

 private:
  Errc code_ = Errc::internal;
  std::string detail_;
  int http_status_ = 0;
  std::optional<Problem> problem_;
  std::optional<int> retry_after_s_;
};

template <class T>
using ApiResult = boost::system::result<T, ApiError>;

// Called by `ApiResult<T>::value()` on an error; throws std::runtime_error with message().
[[noreturn]] void throw_exception_from_error(const ApiError& e, const boost::source_location& loc);

// The Errc an HTTP error status means when the endpoint does not say otherwise (409 is
// Errc::invalid_state here; the calls where 409 means a lost lease or a missing result map it so).
Errc errc_for_status(int http_status);

// Builds the error for a non-success answer: parses `body` as a problem document when it is one
// (any JSON object with the problem members), else uses the status code and reason as the title and
// the start of the body as the detail. Never fails.
ApiError error_from_answer(Errc code, int http_status, std::string_view reason, std::string_view body,
                           std::optional<int> retry_after_s);

}  // namespace replyd::client
