// Errors as values. Expected failures of the store and the engine are returned as `Result<T>`;
// exceptions are kept for start-up errors and bugs. `api/problem_mapping.cpp` is the one place that
// turns an `Errc` into an HTTP status.
#pragma once

#include <boost/system/result.hpp>

#include <string>
#include <string_view>

namespace replyd {

enum class Errc {
  not_found,             // no such job (or it expired)
  invalid_argument,      // the caller sent something malformed; detail says what
  lease_lost,            // the lease token is not (or no longer) the current lease of the job
  not_ready,             // the job has no result yet (not succeeded)
  invalid_state,         // the operation does not apply to the job's state (cancel a finished job)
  idempotency_mismatch,  // same Idempotency-Key, different request body
  payload_too_large,     // a body over the configured limit
  overloaded,            // backpressure: the write queue is full, retry later
  unavailable,           // the store cannot be reached or cannot write (disk full, I/O error)
  shutting_down,         // the server is stopping
  internal,              // a bug or an unexpected store error
};

std::string_view to_string(Errc code);

class Error {
 public:
  Error() = default;
  Error(Errc code, std::string detail) : code_(code), detail_(std::move(detail)) {}

  Errc code() const { return code_; }
  const std::string& detail() const { return detail_; }

 private:
  Errc code_ = Errc::internal;
  std::string detail_;
};

// Called by `Result<T>::value()` on an error; throws `std::runtime_error` with the detail.
[[noreturn]] void throw_exception_from_error(const Error& e, const boost::source_location& loc);

template <class T>
using Result = boost::system::result<T, Error>;

}  // namespace replyd
