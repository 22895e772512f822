// The in-memory half of a write batch (write_batch.h): the rows the transaction locked, the ops
// applied to them in order with the pure rules of core/lifecycle.h, and what must be written back:
// the changed rows, the counter deltas and the changes for the listeners. No I/O, so the ordering
// rules are unit-tested without a database.
//
// Used by one thread at a time.
#pragma once

#include "store/postgres/write_ops.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace replyd::store::postgres {

class BatchState {
 public:
  struct Row {
    Job job;
    JobState loaded_state = JobState::queued;
    bool dirty = false;
    std::vector<std::size_t> ops;  // indexes of the ops that changed it
  };

  void clear();

  // A row read FOR UPDATE. Loading the same job again keeps the first (the transaction holds its lock,
  // so both reads are the same row).
  void load(Job job);
  // A job the batch inserted.
  void inserted(const Job& job);
  // A job the batch deleted (retention).
  void purged(std::string_view queue, JobState state);

  // Apply the op with index `i` to the loaded rows and set its outcome. A job that was not loaded is
  // unknown: Errc::not_found.
  void apply(std::size_t i, HeartbeatOp& op);
  void apply(std::size_t i, CompleteOp& op);
  void apply(std::size_t i, FailOp& op);
  void apply(std::size_t i, CancelOp& op);
  // Leases from `candidates` (in lease order) the ones still leasable at the op's time.
  void apply(std::size_t i, LeaseOp& op, std::span<const JobId> candidates);
  // Expires the leases of `candidates` that are still expired at the op's time.
  void apply(std::size_t i, ExpireOp& op, std::span<const JobId> candidates);

  const std::unordered_map<JobId, Row>& rows() const { return rows_; }
  const Row* find(const JobId& id) const;

  // Net change per (queue, state) and jobs finished per (queue, second), including the state changes
  // of the changed rows; zero entries are left out. Sorted, so that every writer updates counter rows
  // in the same order.
  std::map<std::pair<std::string, int>, std::int64_t> state_deltas() const;
  std::map<std::pair<std::string, std::int64_t>, std::int64_t> finished_deltas() const;
  // The inserts, then every change in the order the ops made them.
  std::vector<JobChange> changes() const;

 private:
  Row* row(const JobId& id);
  void changed(std::size_t i, Row& row);

  std::unordered_map<JobId, Row> rows_;
  std::vector<JobChange> created_;
  std::vector<JobChange> changed_;
  std::map<std::pair<std::string, int>, std::int64_t> purged_;
};

}  // namespace replyd::store::postgres
