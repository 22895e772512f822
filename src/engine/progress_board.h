// In-memory progress of running jobs, so that a worker's progress reports do not each cost a store
// write. The board remembers, per running job whose heartbeat this node persisted, the stored job and
// the progress reported since; a heartbeat with progress is then kept here only ("coalesced") while
// the last write is recent, the stored lease still has at least half its TTL to run, and no cancel
// was requested. Readers on this node overlay the remembered progress on what they read from the
// store (`view`), so long-polls and streams see every update at once; the caller persists the latest
// value at a bounded rate (see JobService::heartbeat).
//
// Event ids. A stream's events must have ids that increase per job, on every node. A stored version
// V is worth kEventIdsPerVersion ids: the stored state has id V*k, the progress updates kept here on
// top of it get V*k+1, V*k+2, ..., and the next stored change (V+1)*k is greater than all of them,
// whichever node made it.
//
// Pure (time is passed in) and thread-safe: every member may be called concurrently.
#pragma once

#include "core/clock.h"
#include "core/job.h"
#include "store/job_store.h"

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace replyd::engine {

inline constexpr std::int64_t kEventIdsPerVersion = 1000;

// A job as a reader on this node sees it: the stored job with the progress kept in memory, and the
// event id of that state.
struct JobView {
  Job job;
  std::int64_t event_id = 0;
};

struct ProgressBoardOptions {
  // At most one persisted progress write per job in this interval.
  Duration persist_interval = std::chrono::seconds(1);
  // The lease TTL a heartbeat extends to; a stored lease with less than half of it left is extended.
  Duration lease_ttl = std::chrono::seconds(30);
};

class ProgressBoard {
 public:
  explicit ProgressBoard(ProgressBoardOptions options) : options_(options) {}

  struct Coalesced {
    JobView view;  // the job with this progress
    // Set for the first update kept since the last write: when the caller should persist the
    // pending progress (take_pending) if no heartbeat has persisted it by then.
    std::optional<TimePoint> flush_at;
  };

  // A heartbeat of lease `token` reporting `progress` at `now`. Kept in memory when the job's stored
  // state after a heartbeat of this same lease is known here, that write was less than
  // persist_interval ago, the stored lease runs for at least lease_ttl / 2 more, no cancel is requested
  // and fewer than kEventIdsPerVersion - 1 updates were kept on that version. Otherwise nullopt: the caller
  // must store the heartbeat and then call `persisted`.
  std::optional<Coalesced> coalesce(const JobId& id, std::string_view token, const Progress& progress,
                                    TimePoint now);

  // The job as stored by a heartbeat of lease `token` written at `now`; later heartbeats of that lease
  // may be coalesced on top of it.
  void persisted(const Job& job, std::string_view token, TimePoint now);

  struct Pending {
    Progress progress;
    TimePoint reported_at{};  // when the heartbeat that reported it arrived
  };
  // The progress of lease `token` kept in memory and not stored yet, if any; from now on it counts as
  // being stored by the caller (a second call returns nullopt).
  std::optional<Pending> take_pending(const JobId& id, std::string_view token);

  // A committed change of any node: forgets the job once its stored version moved past the entry.
  void on_change(const store::JobChange& change);

  // `job` as read from the store, with the progress kept here when it applies to that stored version.
  JobView view(Job job) const;

  // Jobs remembered (for tests and metrics).
  std::size_t size() const;

 private:
  struct Entry {
    Job job;  // the stored job, with the latest progress
    std::string token;
    TimePoint persisted_at{};
    std::int64_t updates = 0;  // kept since the stored version
    bool pending = false;      // job.progress is not stored yet
    bool flush_scheduled = false;
  };

  // Forgets entries whose last write is older than two lease TTLs (their worker is gone and the
  // change that ended the lease may have been missed). Called with mutex_ held.
  void sweep(TimePoint now);

  ProgressBoardOptions options_;
  mutable std::mutex mutex_;
  std::unordered_map<JobId, Entry> entries_;
  std::uint64_t writes_since_sweep_ = 0;
};

}  // namespace replyd::engine
