#include "store/postgres/batch_state.h"

#include "core/lifecycle.h"

namespace replyd::store::postgres {
namespace {

Error not_found(const JobId& id) { return Error(Errc::not_found, "no job " + id.to_string()); }

}  // namespace

void BatchState::clear() {
  rows_.clear();
  created_.clear();
  changed_.clear();
  purged_.clear();
}

void BatchState::load(Job job) {
  JobId id = job.id;
  JobState state = job.state;
  rows_.try_emplace(id, Row{std::move(job), state, false, {}});
}

void BatchState::inserted(const Job& job) {
  created_.push_back(JobChange{job.id, job.queue, job.state, job.version, true});
}

void BatchState::purged(std::string_view queue, JobState state) {
  --purged_[{std::string(queue), static_cast<int>(state)}];
}

BatchState::Row* BatchState::row(const JobId& id) {
  auto it = rows_.find(id);
  return it == rows_.end() ? nullptr : &it->second;
}

const BatchState::Row* BatchState::find(const JobId& id) const {
  auto it = rows_.find(id);
  return it == rows_.end() ? nullptr : &it->second;
}

void BatchState::changed(std::size_t i, Row& row) {
  row.dirty = true;
  if (row.ops.empty() || row.ops.back() != i) row.ops.push_back(i);
  changed_.push_back(JobChange{row.job.id, row.job.queue, row.job.state, row.job.version, false});
}

void BatchState::apply(std::size_t i, HeartbeatOp& op) {
  const HeartbeatRequest& r = op.request;
  Row* row = this->row(r.id);
  if (!row) {
    op.outcome.emplace(not_found(r.id));
    return;
  }
  auto ok = lifecycle::heartbeat(row->job, r.lease_token, r.now, r.lease_ttl, r.progress);
  if (!ok) {
    op.outcome.emplace(ok.error());
    return;
  }
  changed(i, *row);
  changed_.back().progress = true;
  op.outcome.emplace(row->job);
}

void BatchState::apply(std::size_t i, CompleteOp& op) {
  const CompleteRequest& r = op.request;
  Row* row = this->row(r.id);
  if (!row) {
    op.outcome.emplace(not_found(r.id));
    return;
  }
  auto ok = lifecycle::complete(row->job, r.lease_token, r.now, r.result.content_type,
                                static_cast<std::int64_t>(r.result.bytes.size()));
  if (!ok) {
    op.outcome.emplace(ok.error());
    return;
  }
  changed(i, *row);
  op.outcome.emplace(row->job);
}

void BatchState::apply(std::size_t i, FailOp& op) {
  const FailRequest& r = op.request;
  Row* row = this->row(r.id);
  if (!row) {
    op.outcome.emplace(not_found(r.id));
    return;
  }
  auto ok = lifecycle::fail(row->job, r.lease_token, r.now, r.error, r.retryable, r.retry, r.jitter);
  if (!ok) {
    op.outcome.emplace(ok.error());
    return;
  }
  changed(i, *row);
  op.outcome.emplace(row->job);
}

void BatchState::apply(std::size_t i, CancelOp& op) {
  Row* row = this->row(op.request.id);
  if (!row) {
    op.outcome.emplace(not_found(op.request.id));
    return;
  }
  std::int64_t version = row->job.version;
  auto effect = lifecycle::cancel(row->job, op.request.now);
  if (!effect) {
    op.outcome.emplace(effect.error());
    return;
  }
  if (row->job.version != version) changed(i, *row);
  op.outcome.emplace(CancelOutcome{row->job, *effect == lifecycle::CancelEffect::requested});
}

void BatchState::apply(std::size_t i, LeaseOp& op, std::span<const JobId> candidates) {
  const LeaseRequest& r = op.request;
  LeaseBatch batch;
  for (const JobId& id : candidates) {
    if (static_cast<int>(batch.grants.size()) >= r.max_jobs) break;
    Row* row = this->row(id);
    // An earlier op of this batch may have leased or cancelled it, or it is due later than this op's
    // time (the candidates were selected at the latest time of the batch's leases on the queue).
    if (!row || !lifecycle::leasable(row->job, r.now)) continue;
    lifecycle::start_attempt(row->job, r.now, r.lease_ttl, random_token());
    changed(i, *row);
    batch.grants.push_back(LeaseGrant{row->job, Blob{row->job.payload_content_type, {}}});
  }
  op.outcome.emplace(std::move(batch));
}

void BatchState::apply(std::size_t i, ExpireOp& op, std::span<const JobId> candidates) {
  const ExpireRequest& r = op.request;
  std::vector<Job> expired;
  for (const JobId& id : candidates) {
    Row* row = this->row(id);
    if (!row || !lifecycle::lease_expired(row->job, r.now)) continue;
    lifecycle::expire_lease(row->job, r.now, r.retry,
                            unit_from_seed(r.jitter_seed, static_cast<std::uint64_t>(row->job.seq)));
    changed(i, *row);
    expired.push_back(row->job);
  }
  op.outcome.emplace(std::move(expired));
}

std::map<std::pair<std::string, int>, std::int64_t> BatchState::state_deltas() const {
  auto deltas = purged_;
  for (const JobChange& c : created_) ++deltas[{c.queue, static_cast<int>(c.state)}];
  for (const auto& [id, row] : rows_) {
    if (!row.dirty || row.loaded_state == row.job.state) continue;
    --deltas[{row.job.queue, static_cast<int>(row.loaded_state)}];
    ++deltas[{row.job.queue, static_cast<int>(row.job.state)}];
  }
  std::erase_if(deltas, [](const auto& entry) { return entry.second == 0; });
  return deltas;
}

std::map<std::pair<std::string, std::int64_t>, std::int64_t> BatchState::finished_deltas() const {
  std::map<std::pair<std::string, std::int64_t>, std::int64_t> deltas;
  for (const auto& [id, row] : rows_) {
    if (!row.dirty || is_terminal(row.loaded_state) || !is_terminal(row.job.state) || !row.job.finished_at)
      continue;
    auto second = std::chrono::floor<std::chrono::seconds>(*row.job.finished_at).time_since_epoch().count();
    ++deltas[{row.job.queue, second}];
  }
  return deltas;
}

std::vector<JobChange> BatchState::changes() const {
  std::vector<JobChange> all = created_;
  all.insert(all.end(), changed_.begin(), changed_.end());
  return all;
}

}  // namespace replyd::store::postgres
