#include "engine/progress_board.h"

namespace replyd::engine {

namespace {

constexpr std::uint64_t kSweepEvery = 256;

}  // namespace

std::optional<ProgressBoard::Coalesced> ProgressBoard::coalesce(const JobId& id, std::string_view token,
                                                                const Progress& progress, TimePoint now) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(id);
  if (it == entries_.end()) return std::nullopt;
  Entry& e = it->second;
  // Each condition is a reason the store must see this heartbeat now: another lease (the store
  // answers lease_lost), the rate bound, a lease that needs extending where every node can see it,
  // a cancel the worker must be told about, and the event ids left for this stored version.
  bool lease_is_long = e.job.lease_expires_at && *e.job.lease_expires_at - now >= options_.lease_ttl / 2;
  if (e.token != token || e.job.state != JobState::running ||
      now - e.persisted_at >= options_.persist_interval || !lease_is_long || e.job.cancel_requested ||
      e.updates + 1 >= kEventIdsPerVersion) {
    return std::nullopt;
  }
  e.job.progress = progress;
  e.job.updated_at = now;
  ++e.updates;
  e.pending = true;
  Coalesced out{JobView{e.job, e.job.version * kEventIdsPerVersion + e.updates}, std::nullopt};
  if (!e.flush_scheduled) {
    e.flush_scheduled = true;
    out.flush_at = e.persisted_at + options_.persist_interval;
  }
  return out;
}

void ProgressBoard::persisted(const Job& job, std::string_view token, TimePoint now) {
  std::lock_guard lock(mutex_);
  if (++writes_since_sweep_ >= kSweepEvery) sweep(now);
  if (job.state != JobState::running) {
    entries_.erase(job.id);
    return;
  }
  auto [it, inserted] = entries_.try_emplace(job.id);
  Entry& e = it->second;
  // An older write answered late (two heartbeats in flight) must not replace a newer stored state.
  if (!inserted && e.job.version > job.version) return;
  // Progress reported after this write started (kept while the write was in flight) is newer than what
  // the write stored: it stays pending on top of the new version, with its flush still due.
  bool carry = !inserted && e.pending && e.token == token && e.job.updated_at > now && e.job.progress;
  Entry next{job, std::string(token), now, 0, false, false};
  if (carry) {
    next.job.progress = e.job.progress;
    next.job.updated_at = e.job.updated_at;
    next.updates = 1;
    next.pending = true;
    next.flush_scheduled = e.flush_scheduled;
  }
  e = std::move(next);
}

std::optional<ProgressBoard::Pending> ProgressBoard::take_pending(const JobId& id, std::string_view token) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(id);
  if (it == entries_.end() || it->second.token != token || !it->second.pending || !it->second.job.progress) {
    return std::nullopt;
  }
  Entry& e = it->second;
  e.pending = false;
  e.flush_scheduled = false;
  return Pending{*e.job.progress, e.job.updated_at};
}

void ProgressBoard::on_change(const store::JobChange& change) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(change.id);
  if (it != entries_.end() && change.version > it->second.job.version) entries_.erase(it);
}

JobView ProgressBoard::view(Job job) const {
  std::int64_t event_id = job.version * kEventIdsPerVersion;
  std::lock_guard lock(mutex_);
  auto it = entries_.find(job.id);
  if (it != entries_.end() && it->second.job.version == job.version && it->second.updates > 0) {
    job.progress = it->second.job.progress;
    job.updated_at = it->second.job.updated_at;
    event_id += it->second.updates;
  }
  return JobView{std::move(job), event_id};
}

std::size_t ProgressBoard::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

void ProgressBoard::sweep(TimePoint now) {
  writes_since_sweep_ = 0;
  std::erase_if(entries_,
                [&](const auto& entry) { return now - entry.second.persisted_at > 2 * options_.lease_ttl; });
}

}  // namespace replyd::engine
