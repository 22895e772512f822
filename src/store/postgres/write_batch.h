// One group commit: runs a batch of write operations in a single transaction on the writer connection,
// in two pipelined round trips (one when the batch holds only inserts without idempotency key).
//
//   1. BEGIN; the inserts; SELECT ... FOR UPDATE of every job the batch names; the lease and expiry
//      candidates (FOR UPDATE SKIP LOCKED); the purges.
//   2. (the ops are applied in order to the loaded rows with core/lifecycle.h, in memory)
//      UPDATE of every changed row; result bytes; payloads of leased jobs; counters; one NOTIFY
//      (split at PostgreSQL's payload limit); COMMIT.
//
// A logical failure of one op (not found, lease lost, idempotency mismatch) is just that op's outcome.
// A statement that fails because of one op's data aborts the transaction; the batch then runs again
// without that op, which is answered with the error. Serialization failures and deadlocks (two nodes
// locking the same rows) run the whole batch again. Anything else fails every op.
//
// Used by the writer thread only.
#pragma once

#include "store/postgres/batch_state.h"
#include "store/postgres/pg_connection.h"
#include "store/postgres/write_ops.h"

#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace replyd::store::postgres {

struct WriterIdentity {
  std::string node_id;  // sent with every NOTIFY, so that this node skips its own changes
  int shard = 0;        // this writer's rows in the counter tables
};

// Runs the ops of one batch. write_batch.cpp drives the transaction (phases, retries, blame);
// write_batch_statements.cpp holds what each phase sends and how its results are read.
class WriteBatch {
 public:
  // `conn` (in pipeline mode), `identity` and `ops` must outlive the batch.
  WriteBatch(PgConnection& conn, const WriterIdentity& identity, std::span<WriteOp> ops);
  ~WriteBatch();
  WriteBatch(const WriteBatch&) = delete;
  WriteBatch& operator=(const WriteBatch&) = delete;

  // Success: the transaction committed, every op has its outcome, and the committed changes are
  // returned (inserts first, then the changes in op order). Error (Errc::unavailable when the database
  // or the connection failed, Errc::internal otherwise): nothing was committed, and every op without
  // an outcome of its own now has this error. Call once.
  Result<std::vector<JobChange>> run();

 private:
  // Which ops a statement belongs to, to blame the right ones when it fails.
  struct Tag {
    enum Kind { shared, op, job, commit } kind = shared;
    std::size_t op_index = 0;
    JobId job_id;
  };
  struct Failure {
    FailureKind kind;
    std::string message;
    Tag tag;
  };
  using Handler = std::function<void(const PGresult*)>;
  struct Pending {
    Tag tag;
    Handler handler;
  };

  // One attempt: nullopt when committed, else why not. An Error: the connection is gone.
  Result<std::optional<Failure>> attempt();
  // Phase 1: BEGIN, inserts, row locks, candidates, purges.
  void send_reads();
  void send_insert(std::size_t i, InsertOp& op);
  // Between the phases: the ops, in order, on the loaded rows.
  void apply_ops();
  // Phase 2: row updates, result bytes, payloads, counters, NOTIFY, COMMIT.
  void send_writes();
  void send_counters();
  void queue(const Statement& st, const PgParams& params, Tag tag, Handler handler, bool binary = false);
  // Syncs, reads every queued statement's result, then (when none failed) runs their handlers in order.
  Result<std::optional<Failure>> finish_phase();
  void reset();
  void fail_remaining(const Error& error);

  PgConnection& conn_;
  const WriterIdentity& identity_;
  std::span<WriteOp> ops_;
  std::vector<bool> excluded_;  // answered with its own error; not run again

  std::vector<Pending> pending_;
  BatchState state_;
  std::map<std::string, std::vector<std::size_t>> lease_groups_;  // queue -> its lease ops
  std::map<std::string, std::vector<JobId>> lease_candidates_;
  std::map<std::size_t, std::vector<JobId>> expire_candidates_;
  std::map<std::size_t, Job> new_jobs_;              // inserts, by op
  std::map<std::size_t, std::int64_t> claimed_seq_;  // keyed inserts that won their key: seq
  bool committed_ = false;
  // Phase 2 needs nothing from phase 1 (only unkeyed inserts and pings): both go in one round trip.
  bool single_trip_ = false;
};

}  // namespace replyd::store::postgres
