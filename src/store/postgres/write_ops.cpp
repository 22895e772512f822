#include "store/postgres/write_ops.h"

#include "store/postgres/pg_params.h"

namespace replyd::store::postgres {
namespace {

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

bool problem_has_nul(const Problem& p) { return has_nul(p.type) || has_nul(p.title) || has_nul(p.detail); }

Error text_error(std::string_view field) {
  return Error(Errc::invalid_argument, std::string(field) + " contains a NUL byte, which cannot be stored");
}

}  // namespace

OpKind kind_of(const WriteOp& op) {
  return std::visit(Overloaded{
                        [](const InsertOp&) { return OpKind::insert; },
                        [](const LeaseOp&) { return OpKind::lease; },
                        [](const HeartbeatOp&) { return OpKind::heartbeat; },
                        [](const CompleteOp&) { return OpKind::complete; },
                        [](const FailOp&) { return OpKind::fail; },
                        [](const CancelOp&) { return OpKind::cancel; },
                        [](const ExpireOp&) { return OpKind::expire_leases; },
                        [](const PurgeOp&) { return OpKind::purge_expired; },
                        [](const PingOp&) { return OpKind::ping; },
                    },
                    op);
}

std::size_t bytes_of(const WriteOp& op) {
  if (auto* insert = std::get_if<InsertOp>(&op)) return insert->request.job.payload.bytes.size();
  if (auto* complete = std::get_if<CompleteOp>(&op)) return complete->request.result.bytes.size();
  return 0;
}

std::optional<Error> validate(const WriteOp& op) {
  if (auto* insert = std::get_if<InsertOp>(&op)) {
    const NewJob& job = insert->request.job;
    if (has_nul(job.spec.queue)) return text_error("the queue name");
    if (has_nul(job.payload.content_type)) return text_error("the payload's content type");
    if (has_nul(job.spec.callback_url)) return text_error("the callback URL");
    if (job.idempotency && (has_nul(job.idempotency->key) || has_nul(job.idempotency->body_hash))) {
      return text_error("the idempotency key");
    }
  } else if (auto* heartbeat = std::get_if<HeartbeatOp>(&op)) {
    if (heartbeat->request.progress && has_nul(heartbeat->request.progress->message)) {
      return text_error("the progress message");
    }
  } else if (auto* complete = std::get_if<CompleteOp>(&op)) {
    if (has_nul(complete->request.result.content_type)) return text_error("the result's content type");
  } else if (auto* fail = std::get_if<FailOp>(&op)) {
    if (problem_has_nul(fail->request.error)) return text_error("the error");
  } else if (auto* lease = std::get_if<LeaseOp>(&op)) {
    if (has_nul(lease->request.queue)) return text_error("the queue name");
  }
  return std::nullopt;
}

std::optional<Errc> answer(WriteOp& op, const Error& fallback) {
  return std::visit(
      [&](auto& o) -> std::optional<Errc> {
        using R = typename std::remove_reference_t<decltype(*o.outcome)>;
        R result = o.outcome ? std::move(*o.outcome) : R(fallback);
        std::optional<Errc> code;
        if (!result) code = result.error().code();
        o.done(std::move(result));
        return code;
      },
      op);
}

}  // namespace replyd::store::postgres
