// The write operations queued for the writer thread: each holds its request, its callback, and once a
// batch ran, its outcome. Created on the caller's thread, then owned by the writer thread.
#pragma once

#include "store/job_store.h"
#include "store/store_metrics.h"

#include <cstddef>
#include <optional>
#include <variant>

namespace replyd::store::postgres {

struct InsertRequest {
  NewJob job;
  TimePoint now{};
  JobId id;  // chosen when queued, so that a retried transaction inserts the same job
};
struct CancelRequest {
  JobId id;
  TimePoint now{};
};
struct PingRequest {};

template <class Request, class T>
struct Op {
  Request request;
  Callback<T> done;
  std::optional<Result<T>> outcome;  // set by the batch; an outcome set before it runs excludes the op
};

using InsertOp = Op<InsertRequest, InsertOutcome>;
using LeaseOp = Op<LeaseRequest, LeaseBatch>;
using HeartbeatOp = Op<HeartbeatRequest, Job>;
using CompleteOp = Op<CompleteRequest, Job>;
using FailOp = Op<FailRequest, Job>;
using CancelOp = Op<CancelRequest, CancelOutcome>;
using ExpireOp = Op<ExpireRequest, std::vector<Job>>;
using PurgeOp = Op<PurgeRequest, std::int64_t>;
using PingOp = Op<PingRequest, void>;

using WriteOp =
    std::variant<InsertOp, LeaseOp, HeartbeatOp, CompleteOp, FailOp, CancelOp, ExpireOp, PurgeOp, PingOp>;

OpKind kind_of(const WriteOp& op);
// Payload and result bytes the op holds (backpressure accounting).
std::size_t bytes_of(const WriteOp& op);
// An invalid_argument error when a text field of the request cannot be stored (a NUL byte).
std::optional<Error> validate(const WriteOp& op);

// Calls the callback with the outcome, or with `fallback` when the op has none. Returns the error code
// answered, or nullopt for success.
std::optional<Errc> answer(WriteOp& op, const Error& fallback);

}  // namespace replyd::store::postgres
