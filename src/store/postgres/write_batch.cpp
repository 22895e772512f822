#include "store/postgres/write_batch.h"

#include "core/lifecycle.h"
#include "store/postgres/batch_state.h"
#include "store/postgres/change_notification.h"
#include "store/postgres/pg_job_row.h"
#include "store/postgres/pg_sql.h"

#include <fmt/format.h>

namespace replyd::store::postgres {
namespace {

// Serialization failures and deadlocks are rare (only ops on the same rows from several nodes); past
// this many in a row something is wrong, and the ops are answered unavailable.
constexpr int kMaxRetries = 5;

}  // namespace

WriteBatch::WriteBatch(PgConnection& conn, const WriterIdentity& identity, std::span<WriteOp> ops)
    : conn_(conn), identity_(identity), ops_(ops), excluded_(ops.size(), false) {}

WriteBatch::~WriteBatch() = default;

Result<std::vector<JobChange>> WriteBatch::run() {
  for (std::size_t i = 0; i < ops_.size(); ++i) {
    if (auto error = validate(ops_[i])) {
      std::visit([&](auto& o) { o.outcome.emplace(*error); }, ops_[i]);
      excluded_[i] = true;
    }
  }
  for (int retries = 0;;) {
    reset();
    auto outcome = attempt();
    if (!outcome) {
      fail_remaining(outcome.error());
      return outcome.error();
    }
    if (!*outcome) return state_.changes();
    const Failure& f = **outcome;
    // Only ROLLBACK is left to do on this connection before the next attempt.
    conn_.send(sql::kRollback, PgParams());
    conn_.send_sync();
    if (auto ok = conn_.skip_to_sync(); !ok) {
      fail_remaining(ok.error());
      return ok.error();
    }
    if (f.kind == FailureKind::retry && ++retries <= kMaxRetries) continue;
    if (f.kind == FailureKind::statement && f.tag.kind != Tag::shared) {
      // Blame the ops whose data made the statement fail; the others run again without them.
      Error error = to_error(f.kind, f.message);
      std::vector<std::size_t> blamed;
      if (f.tag.kind == Tag::op) blamed.push_back(f.tag.op_index);
      if (const auto* row = f.tag.kind == Tag::job ? state_.find(f.tag.job_id) : nullptr) blamed = row->ops;
      for (std::size_t i : blamed) {
        std::visit([&](auto& o) { o.outcome.emplace(error); }, ops_[i]);
        excluded_[i] = true;
      }
      if (!blamed.empty()) continue;
    }
    // Whatever made the COMMIT itself fail (a full disk, a lost connection), nothing was committed and
    // the ops may succeed later.
    Error error = f.tag.kind == Tag::commit ? Error(Errc::unavailable, "COMMIT failed: " + f.message)
                                            : to_error(f.kind, f.message);
    fail_remaining(error);
    return error;
  }
}

void WriteBatch::reset() {
  for (std::size_t i = 0; i < ops_.size(); ++i) {
    if (!excluded_[i]) std::visit([](auto& o) { o.outcome.reset(); }, ops_[i]);
  }
  pending_.clear();
  state_.clear();
  lease_groups_.clear();
  lease_candidates_.clear();
  expire_candidates_.clear();
  claimed_seq_.clear();
  new_jobs_.clear();
  committed_ = false;
  single_trip_ = false;
}

void WriteBatch::fail_remaining(const Error& error) {
  for (std::size_t i = 0; i < ops_.size(); ++i) {
    if (!excluded_[i]) std::visit([&](auto& o) { o.outcome.emplace(error); }, ops_[i]);
  }
}

Result<std::optional<WriteBatch::Failure>> WriteBatch::attempt() {
  send_reads();
  if (!single_trip_) {
    auto read = finish_phase();
    if (!read || *read) return read;
  }
  apply_ops();
  send_writes();
  auto written = finish_phase();
  if (!written || *written) return written;
  if (!committed_) return std::optional(Failure{FailureKind::statement, "COMMIT did not commit", Tag{}});
  return std::optional<Failure>();
}

void WriteBatch::queue(const Statement& st, const PgParams& params, Tag tag, Handler handler, bool binary) {
  conn_.send(st, params, binary);
  pending_.push_back(Pending{tag, std::move(handler)});
}

Result<std::optional<WriteBatch::Failure>> WriteBatch::finish_phase() {
  conn_.send_sync();
  std::vector<PgResult> results;
  results.reserve(pending_.size());
  std::optional<Failure> failure;
  for (const Pending& p : pending_) {
    auto r = conn_.next_result();
    if (!r) return r.error();
    ExecStatusType status = PQresultStatus(r->get());
    if (!failure && status == PGRES_FATAL_ERROR) {
      failure = Failure{classify(r->get()), error_message(r->get()), p.tag};
    } else if (!failure && status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
      failure =
          Failure{FailureKind::statement, fmt::format("unexpected result {}", PQresStatus(status)), p.tag};
    }
    results.push_back(std::move(*r));
  }
  auto sync = conn_.next_result();
  if (!sync) return sync.error();
  if (PQresultStatus(sync->get()) != PGRES_PIPELINE_SYNC) {
    return Error(Errc::unavailable, "PostgreSQL pipeline out of step");
  }
  if (!failure) {
    for (std::size_t i = 0; i < pending_.size(); ++i) pending_[i].handler(results[i].get());
  }
  pending_.clear();
  return failure;
}

}  // namespace replyd::store::postgres
