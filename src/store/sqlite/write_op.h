// A queued write operation: the request, its apply function (write_ops.h) and its callback, type-erased
// so that one queue holds every kind. Created by the caller's thread, then owned by the writer thread.
#pragma once

#include "store/job_store.h"
#include "store/store_metrics.h"
#include "store/sqlite/write_transaction.h"

#include <cstddef>
#include <memory>
#include <optional>
#include <utility>

namespace replyd::store::sqlite {

class WriteOp {
 public:
  WriteOp(OpKind kind, std::size_t bytes) : kind_(kind), bytes_(bytes) {}
  virtual ~WriteOp() = default;
  WriteOp(const WriteOp&) = delete;
  WriteOp& operator=(const WriteOp&) = delete;

  // Runs the operation in `tx` and keeps its result. May run again in a later transaction when the
  // first one rolled back.
  virtual void apply(WriteTransaction& tx) = 0;
  // Fixes the answer to `error`; apply() is not called again.
  virtual void settle(Error error) = 0;
  // Calls the callback with the kept result (once). Returns the error code, or nullopt for success.
  virtual std::optional<Errc> answer() = 0;

  bool settled() const { return settled_; }
  OpKind kind() const { return kind_; }
  // Payload and result bytes held by the operation (backpressure accounting).
  std::size_t bytes() const { return bytes_; }

 protected:
  bool settled_ = false;

 private:
  OpKind kind_;
  std::size_t bytes_;
};

// `Apply` is callable as Result<T>(WriteTransaction&).
template <class T, class Apply>
class TypedWriteOp final : public WriteOp {
 public:
  TypedWriteOp(OpKind kind, std::size_t bytes, Apply apply, Callback<T> done)
      : WriteOp(kind, bytes), apply_(std::move(apply)), done_(std::move(done)) {}

  void apply(WriteTransaction& tx) override { result_ = apply_(tx); }
  void settle(Error error) override {
    result_ = std::move(error);
    settled_ = true;
  }
  std::optional<Errc> answer() override {
    std::optional<Errc> code;
    if (!result_) code = result_.error().code();
    done_(std::move(result_));
    return code;
  }

 private:
  Apply apply_;
  Callback<T> done_;
  Result<T> result_ = Error(Errc::internal, "the operation was not run");
};

template <class T, class Apply>
std::unique_ptr<WriteOp> make_write_op(OpKind kind, std::size_t bytes, Apply apply, Callback<T> done) {
  return std::make_unique<TypedWriteOp<T, Apply>>(kind, bytes, std::move(apply), std::move(done));
}

}  // namespace replyd::store::sqlite
