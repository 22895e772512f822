#include "store/sqlite/write_ops.h"

#include "core/lifecycle.h"

#include <fmt/format.h>

namespace replyd::store::sqlite {
namespace {

using namespace std::chrono_literals;

// Finished-per-second counts older than this are dropped on purge; stats only read the last minute.
constexpr Duration kFinishedCountsKept = 2min;

Error not_found(const JobId& id) { return Error(Errc::not_found, fmt::format("no job {}", id.to_string())); }

// Loads the job for a state change, or not_found.
Result<Job> load(WriteTransaction& tx, const JobId& id) {
  auto found = tx.find(id);
  if (!found) return found.error();
  if (!*found) return not_found(id);
  return std::move(**found);
}

}  // namespace

Result<InsertOutcome> apply_insert(WriteTransaction& tx, const NewJob& job, TimePoint now) {
  const auto& idem = job.idempotency;
  if (idem) {
    auto stored = tx.find_key(job.spec.queue, idem->key);
    if (!stored) return stored.error();
    // A key that expired, or whose job retention already removed, is forgotten: the request is new.
    if (*stored && (*stored)->expires_at > now) {
      auto earlier = tx.find((*stored)->job_seq);
      if (!earlier) return earlier.error();
      if (*earlier) {
        if ((*stored)->body_hash != idem->body_hash) {
          return Error(Errc::idempotency_mismatch,
                       fmt::format("Idempotency-Key '{}' was used with another request body", idem->key));
        }
        return InsertOutcome{std::move(**earlier), /*replayed=*/true};
      }
    }
  }
  Job created = lifecycle::create(job.spec, JobId::random(), job.payload.content_type,
                                  static_cast<std::int64_t>(job.payload.bytes.size()), now);
  auto inserted = tx.insert(std::move(created), job.payload.bytes);
  if (!inserted) return inserted.error();
  if (idem) {
    if (auto put = tx.put_key(job.spec.queue, *idem, inserted->seq); !put) return put.error();
  }
  return InsertOutcome{std::move(*inserted), /*replayed=*/false};
}

Result<LeaseBatch> apply_lease(WriteTransaction& tx, const LeaseRequest& request) {
  if (request.max_jobs < 1) return Error(Errc::invalid_argument, "max_jobs must be at least 1");
  auto candidates = tx.lease_candidates(request.queue, request.now, request.max_jobs);
  if (!candidates) return candidates.error();
  LeaseBatch batch;
  batch.grants.reserve(candidates->size());
  for (Job& job : *candidates) {
    lifecycle::start_attempt(job, request.now, request.lease_ttl, random_token());
    if (auto saved = tx.save(job, JobState::queued); !saved) return saved.error();
    auto bytes = tx.payload(job.seq);
    if (!bytes) return bytes.error();
    Blob payload{job.payload_content_type, std::move(*bytes)};
    batch.grants.push_back(LeaseGrant{std::move(job), std::move(payload)});
  }
  auto next = tx.next_due(request.queue, request.now);
  if (!next) return next.error();
  batch.next_due = *next;
  return batch;
}

Result<Job> apply_heartbeat(WriteTransaction& tx, const HeartbeatRequest& request) {
  auto job = load(tx, request.id);
  if (!job) return job;
  if (auto ok =
          lifecycle::heartbeat(*job, request.lease_token, request.now, request.lease_ttl, request.progress);
      !ok) {
    return ok.error();
  }
  if (auto saved = tx.save_heartbeat(*job); !saved) return saved.error();
  return job;
}

Result<Job> apply_complete(WriteTransaction& tx, const CompleteRequest& request) {
  auto job = load(tx, request.id);
  if (!job) return job;
  const JobState old_state = job->state;
  if (auto ok = lifecycle::complete(*job, request.lease_token, request.now, request.result.content_type,
                                    static_cast<std::int64_t>(request.result.bytes.size()));
      !ok) {
    return ok.error();
  }
  if (auto saved = tx.save(*job, old_state); !saved) return saved.error();
  if (auto stored = tx.put_result(job->seq, request.result.bytes); !stored) return stored.error();
  return job;
}

Result<Job> apply_fail(WriteTransaction& tx, const FailRequest& request) {
  auto job = load(tx, request.id);
  if (!job) return job;
  const JobState old_state = job->state;
  if (auto ok = lifecycle::fail(*job, request.lease_token, request.now, request.error, request.retryable,
                                request.retry, request.jitter);
      !ok) {
    return ok.error();
  }
  if (auto saved = tx.save(*job, old_state); !saved) return saved.error();
  return job;
}

Result<CancelOutcome> apply_cancel(WriteTransaction& tx, const JobId& id, TimePoint now) {
  auto job = load(tx, id);
  if (!job) return job.error();
  const JobState old_state = job->state;
  const std::int64_t old_version = job->version;
  auto effect = lifecycle::cancel(*job, now);
  if (!effect) return effect.error();
  // Cancelling twice changes nothing, so nothing is written and no change is announced.
  if (job->version != old_version) {
    if (auto saved = tx.save(*job, old_state); !saved) return saved.error();
  }
  return CancelOutcome{std::move(*job), *effect == lifecycle::CancelEffect::requested};
}

Result<std::vector<Job>> apply_expire_leases(WriteTransaction& tx, const ExpireRequest& request) {
  if (request.limit < 1) return std::vector<Job>();
  auto jobs = tx.expired_leases(request.now, request.limit);
  if (!jobs) return jobs;
  for (Job& job : *jobs) {
    lifecycle::expire_lease(job, request.now, request.retry,
                            unit_from_seed(request.jitter_seed, static_cast<std::uint64_t>(job.seq)));
    if (auto saved = tx.save(job, JobState::running); !saved) return saved.error();
  }
  return jobs;
}

Result<std::int64_t> apply_purge(WriteTransaction& tx, const PurgeRequest& request) {
  if (request.limit < 1) return std::int64_t{0};
  auto purged = tx.purge_jobs(request.now, request.limit);
  if (!purged) return purged;
  if (auto keys = tx.purge_idempotency_keys(request.now, request.limit); !keys) return keys.error();
  if (auto counts = tx.purge_finished_counts(request.now - kFinishedCountsKept); !counts)
    return counts.error();
  return purged;
}

Result<void> apply_ping(WriteTransaction& tx) { return tx.probe(); }

Result<std::vector<WebhookDelivery>> apply_claim_deliveries(WriteTransaction& tx,
                                                            const ClaimDeliveriesRequest& request) {
  if (request.limit < 1) return std::vector<WebhookDelivery>();
  return tx.claim_deliveries(request);
}

Result<std::int64_t> apply_report_deliveries(WriteTransaction& tx, const std::vector<DeliveryReport>& reports) {
  std::int64_t applied = 0;
  for (const DeliveryReport& report : reports) {
    auto done = tx.report_delivery(report);
    if (!done) return done.error();
    if (*done) ++applied;
  }
  return applied;
}

}  // namespace replyd::store::sqlite
