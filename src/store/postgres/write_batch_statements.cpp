// What each phase of a write batch sends, and how its results are read (see write_batch.h).
#include "core/lifecycle.h"
#include "store/postgres/change_notification.h"
#include "store/postgres/pg_job_row.h"
#include "store/postgres/pg_sql.h"
#include "store/postgres/write_batch.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>

namespace replyd::store::postgres {
namespace {

// Finished counts serve the last minute's throughput; older seconds are kept a while for nodes whose
// clocks run behind.
constexpr std::chrono::minutes kFinishedCountsKept{5};

void ignore(const PGresult*) {}

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

}  // namespace

void WriteBatch::send_reads() {
  queue(sql::kBegin, PgParams(), Tag{}, ignore);
  single_trip_ = true;
  std::vector<JobId> targeted;
  for (std::size_t i = 0; i < ops_.size(); ++i) {
    if (excluded_[i]) continue;
    Tag tag{Tag::op, i, {}};
    auto* insert = std::get_if<InsertOp>(&ops_[i]);
    if (!std::holds_alternative<PingOp>(ops_[i]) && !(insert && !insert->request.job.idempotency)) {
      single_trip_ = false;
    }
    std::visit(Overloaded{
                   [&](InsertOp& op) { send_insert(i, op); },
                   [&](HeartbeatOp& op) { targeted.push_back(op.request.id); },
                   [&](CompleteOp& op) { targeted.push_back(op.request.id); },
                   [&](FailOp& op) { targeted.push_back(op.request.id); },
                   [&](CancelOp& op) { targeted.push_back(op.request.id); },
                   [&](LeaseOp& op) { lease_groups_[op.request.queue].push_back(i); },
                   [&](ExpireOp& op) {
                     PgParams p;
                     p.integer(to_micros(op.request.now)).integer(std::max(0, op.request.limit));
                     queue(sql::kExpiredLeases, p, tag, [this, i](const PGresult* r) {
                       for (int row = 0; row < PQntuples(r); ++row) {
                         Job job = decode_job(r, row);
                         expire_candidates_[i].push_back(job.id);
                         state_.load(std::move(job));
                       }
                     });
                   },
                   [&](PurgeOp& op) {
                     PgParams p;
                     p.integer(to_micros(op.request.now)).integer(std::max(0, op.request.limit));
                     queue(sql::kPurgeJobs, p, tag, [this, &op](const PGresult* r) {
                       for (int row = 0; row < PQntuples(r); ++row) {
                         state_.purged(cell_text(r, row, 0), static_cast<JobState>(cell_int(r, row, 1)));
                       }
                       op.outcome.emplace(static_cast<std::int64_t>(PQntuples(r)));
                     });
                     queue(sql::kPurgeKeys, p, tag, ignore);
                     PgParams before;
                     auto old =
                         std::chrono::floor<std::chrono::seconds>(op.request.now - kFinishedCountsKept);
                     before.integer(old.time_since_epoch().count());
                     queue(sql::kPurgeFinishedCounts, before, tag, ignore);
                   },
                   [&](PingOp&) {},
               },
               ops_[i]);
  }
  if (!targeted.empty()) {
    std::sort(targeted.begin(), targeted.end());
    targeted.erase(std::unique(targeted.begin(), targeted.end()), targeted.end());
    PgParams p;
    p.text(uuid_array(targeted));
    queue(sql::kLockJobs, p, Tag{}, [this](const PGresult* r) {
      for (int row = 0; row < PQntuples(r); ++row) state_.load(decode_job(r, row));
    });
  }
  for (const auto& [queue_name, indexes] : lease_groups_) {
    // One candidate query per queue for all its lease ops: separate queries in one transaction would
    // each find the same first jobs (the transaction's own locks do not make it skip them).
    int total = 0;
    TimePoint latest{};
    for (std::size_t i : indexes) {
      const LeaseRequest& r = std::get<LeaseOp>(ops_[i]).request;
      total += std::clamp(r.max_jobs, 0, 10'000);
      latest = std::max(latest, r.now);
    }
    if (total == 0) continue;
    PgParams p;
    p.text(queue_name).integer(to_micros(latest)).integer(total);
    queue(sql::kLeaseCandidates, p, Tag{}, [this, name = queue_name](const PGresult* r) {
      auto& candidates = lease_candidates_[name];
      for (int row = 0; row < PQntuples(r); ++row) {
        Job job = decode_job(r, row);
        candidates.push_back(job.id);
        state_.load(std::move(job));
      }
    });
  }
}

void WriteBatch::send_insert(std::size_t i, InsertOp& op) {
  const NewJob& nj = op.request.job;
  Tag tag{Tag::op, i, {}};
  Job& job = new_jobs_[i] =
      lifecycle::create(nj.spec, op.request.id, nj.payload.content_type,
                        static_cast<std::int64_t>(nj.payload.bytes.size()), op.request.now);
  PgParams p;
  encode_insert(p, job);
  p.binary(nj.payload.bytes);
  auto created = [&op, &job](std::int64_t seq) {
    job.seq = seq;
    op.outcome.emplace(InsertOutcome{job, false});
  };
  if (!nj.idempotency) {
    // Without a key the insert cannot end otherwise (an error aborts the whole transaction), so its
    // change and count are known before the result: a batch of such inserts needs one round trip.
    state_.inserted(job);
    queue(sql::kInsertJob, p, tag, [created](const PGresult* r) { created(cell_int(r, 0, 0)); });
    return;
  }
  const IdempotencyKey& key = *nj.idempotency;
  p.text(key.key).text(key.body_hash).integer(to_micros(key.expires_at)).integer(to_micros(op.request.now));
  queue(sql::kInsertJobWithKey, p, tag, [this, i](const PGresult* r) {
    if (PQntuples(r) == 1) claimed_seq_[i] = cell_int(r, 0, 0);
  });
  PgParams holder;
  holder.text(nj.spec.queue).text(key.key);
  queue(sql::kKeyHolder, holder, tag, [this, i, &op, &key, created](const PGresult* r) {
    if (auto it = claimed_seq_.find(i); it != claimed_seq_.end()) {
      created(it->second);
      state_.inserted(new_jobs_[i]);
    } else if (PQntuples(r) == 1 && cell_text(r, 0, 0) == key.body_hash) {
      op.outcome.emplace(InsertOutcome{decode_job(r, 0, 1), true});
    } else if (PQntuples(r) == 1) {
      op.outcome.emplace(
          Error(Errc::idempotency_mismatch, "the idempotency key was used with a different request"));
    } else {
      // The live key that made the claim fail was purged before it could be read: rare; try again.
      op.outcome.emplace(Error(Errc::unavailable, "the idempotency key changed concurrently; retry"));
    }
  });
}

void WriteBatch::apply_ops() {
  static const std::vector<JobId> kNone;
  for (std::size_t i = 0; i < ops_.size(); ++i) {
    if (excluded_[i]) continue;
    std::visit(Overloaded{
                   [&](InsertOp&) {},
                   [&](PurgeOp&) {},
                   [&](PingOp& op) { op.outcome.emplace(); },
                   [&](LeaseOp& op) {
                     auto it = lease_candidates_.find(op.request.queue);
                     state_.apply(i, op, it == lease_candidates_.end() ? kNone : it->second);
                   },
                   [&](ExpireOp& op) {
                     auto it = expire_candidates_.find(i);
                     state_.apply(i, op, it == expire_candidates_.end() ? kNone : it->second);
                   },
                   [&](auto& op) { state_.apply(i, op); },
               },
               ops_[i]);
  }
}

void WriteBatch::send_writes() {
  for (const auto& [id, row] : state_.rows()) {
    if (!row.dirty) continue;
    PgParams p;
    encode_update(p, row.job);
    queue(sql::kUpdateJob, p, Tag{Tag::job, 0, id}, ignore);
    // The webhook delivery commits with the change that makes the job terminal, so no event is lost.
    const Job& job = row.job;
    if (!job.callback_url.empty() && is_terminal(job.state) && !is_terminal(row.loaded_state)) {
      PgParams d;
      d.text(uuid_text(id)).text(job.queue).integer(static_cast<int>(job.state)).text(job.callback_url);
      d.integer(to_micros(job.finished_at.value_or(job.updated_at)));
      queue(sql::kInsertDelivery, d, Tag{Tag::job, 0, id}, ignore);
    }
  }
  std::vector<JobId> leased;
  for (std::size_t i = 0; i < ops_.size(); ++i) {
    if (excluded_[i]) continue;
    if (auto* complete = std::get_if<CompleteOp>(&ops_[i]);
        complete && complete->outcome && *complete->outcome) {
      PgParams p;
      p.text(uuid_text(complete->request.id)).binary(complete->request.result.bytes);
      queue(sql::kStoreResult, p, Tag{Tag::op, i, {}}, ignore);
    }
    auto* lease = std::get_if<LeaseOp>(&ops_[i]);
    if (!lease || !lease->outcome || !*lease->outcome) continue;
    for (const LeaseGrant& g : (*lease->outcome)->grants) leased.push_back(g.job.id);
    if (static_cast<int>((*lease->outcome)->grants.size()) < lease->request.max_jobs) {
      PgParams p;
      p.text(lease->request.queue).integer(to_micros(lease->request.now));
      queue(sql::kNextDue, p, Tag{Tag::op, i, {}}, [lease](const PGresult* r) {
        if (PQntuples(r) == 1) (*lease->outcome)->next_due = from_micros(cell_int(r, 0, 0));
      });
    }
  }
  if (!leased.empty()) {
    PgParams p;
    p.text(uuid_array(leased));
    queue(
        sql::kPayloads, p, Tag{},
        [this](const PGresult* r) {
          std::unordered_map<JobId, std::string_view> bytes;
          for (int row = 0; row < PQntuples(r); ++row) {
            if (auto id = parse_uuid_binary(cell_text(r, row, 0))) bytes[*id] = cell_text(r, row, 1);
          }
          for (WriteOp& op : ops_) {
            auto* lease = std::get_if<LeaseOp>(&op);
            if (!lease || !lease->outcome || !*lease->outcome) continue;
            for (LeaseGrant& g : (*lease->outcome)->grants) g.payload.bytes = bytes[g.job.id];
          }
        },
        /*binary=*/true);
  }
  send_counters();
  for (std::string& payload : encode_notifications(identity_.node_id, state_.changes())) {
    PgParams p;
    p.text(payload);
    queue(sql::kNotify, p, Tag{}, ignore);
  }
  queue(sql::kCommit, PgParams(), Tag{Tag::commit}, [this](const PGresult* r) {
    committed_ = std::string_view(PQcmdStatus(const_cast<PGresult*>(r))) == "COMMIT";
  });
}

void WriteBatch::send_counters() {
  for (const auto& [key, delta] : state_.state_deltas()) {
    PgParams p;
    p.text(key.first).integer(key.second).integer(identity_.shard).integer(delta);
    queue(sql::kAddQueueCount, p, Tag{}, ignore);
  }
  for (const auto& [key, delta] : state_.finished_deltas()) {
    PgParams p;
    p.text(key.first).integer(key.second).integer(identity_.shard).integer(delta);
    queue(sql::kAddFinishedCount, p, Tag{}, ignore);
  }
}

}  // namespace replyd::store::postgres
