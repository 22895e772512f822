#include "store/sqlite/write_transaction.h"

#include "store/sqlite/delivery_sql.h"
#include "store/sqlite/job_row.h"
#include "store/sqlite/sql.h"

namespace replyd::store::sqlite {

WriteTransaction::WriteTransaction(Connection& db)
    : db_(db),
      begin_(db.get(), sql::kBegin),
      commit_(db.get(), sql::kCommit),
      rollback_(db.get(), sql::kRollback),
      job_by_id_(db.get(), sql::kJobById),
      job_by_seq_(db.get(), sql::kJobBySeq),
      insert_job_(db.get(), sql::kInsertJob),
      insert_payload_(db.get(), sql::kInsertPayload),
      insert_result_(db.get(), sql::kInsertResult),
      payload_by_seq_(db.get(), sql::kPayloadBySeq),
      update_job_(db.get(), sql::kUpdateJob),
      update_heartbeat_(db.get(), sql::kUpdateHeartbeat),
      lease_candidates_(db.get(), sql::kLeaseCandidates),
      next_due_(db.get(), sql::kNextDue),
      expired_leases_(db.get(), sql::kExpiredLeases),
      retention_over_(db.get(), sql::kRetentionOver),
      delete_job_(db.get(), sql::kDeleteJob),
      delete_payload_(db.get(), sql::kDeletePayload),
      delete_result_(db.get(), sql::kDeleteResult),
      find_key_(db.get(), sql::kFindIdempotencyKey),
      put_key_(db.get(), sql::kPutIdempotencyKey),
      purge_keys_(db.get(), sql::kPurgeIdempotencyKeys),
      add_queue_count_(db.get(), sql::kAddQueueCount),
      add_finished_count_(db.get(), sql::kAddFinishedCount),
      purge_finished_counts_(db.get(), sql::kPurgeFinishedCounts),
      probe_(db.get(), sql::kProbe),
      insert_delivery_(db.get(), sql::kInsertDelivery),
      due_deliveries_(db.get(), sql::kDueDeliveries),
      claim_delivery_(db.get(), sql::kClaimDelivery),
      report_delivery_(db.get(), sql::kReportDelivery),
      delete_delivery_(db.get(), sql::kDeleteDelivery) {}

Error WriteTransaction::fail(int rc, std::string_view context) {
  Error e = to_error(rc, db_.get(), context);
  if (!failure_) failure_ = e;
  return e;
}

Result<void> WriteTransaction::run(Statement& s, std::string_view context) {
  ResetOnExit reset(s);
  int rc = s.step();
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) return fail(rc, context);
  return {};
}

Result<void> WriteTransaction::begin() {
  failure_.reset();
  changes_.clear();
  deltas_.clear();
  return run(begin_, "begin");
}

Result<void> WriteTransaction::commit() {
  if (auto r = write_counters(); !r) return r;
  return run(commit_, "commit");
}

void WriteTransaction::rollback() {
  if (sqlite3_get_autocommit(db_.get()) == 0) {
    ResetOnExit reset(rollback_);
    rollback_.step();
  }
  changes_.clear();
  deltas_.clear();
}

Result<void> WriteTransaction::write_counters() {
  for (const auto& d : deltas_.states()) {
    if (d.delta == 0) continue;
    add_queue_count_.bind(1, std::string_view(d.queue));
    add_queue_count_.bind(2, static_cast<std::int64_t>(d.state));
    add_queue_count_.bind(3, d.delta);
    if (auto r = run(add_queue_count_, "update queue counts"); !r) return r;
  }
  for (const auto& d : deltas_.finished()) {
    add_finished_count_.bind(1, std::string_view(d.queue));
    add_finished_count_.bind(2, d.second);
    add_finished_count_.bind(3, d.delta);
    if (auto r = run(add_finished_count_, "update finished counts"); !r) return r;
  }
  return {};
}

void WriteTransaction::account(const Job& job, JobState old_state, bool created) {
  if (created) {
    deltas_.add_state(job.queue, job.state, 1);
  } else if (old_state != job.state) {
    deltas_.add_state(job.queue, old_state, -1);
    deltas_.add_state(job.queue, job.state, 1);
    if (is_terminal(job.state) && !is_terminal(old_state) && job.finished_at) {
      deltas_.add_finished(job.queue, *job.finished_at);
    }
  }
  changes_.push_back(JobChange{job.id, job.queue, job.state, job.version, created});
}

Result<std::vector<Job>> WriteTransaction::select_jobs(Statement& s, std::string_view context) {
  ResetOnExit reset(s);
  std::vector<Job> jobs;
  for (;;) {
    int rc = s.step();
    if (rc == SQLITE_DONE) return jobs;
    if (rc != SQLITE_ROW) return fail(rc, context);
    jobs.push_back(read_job(s));
  }
}

Result<std::optional<Job>> WriteTransaction::select_one(Statement& s, std::string_view context) {
  ResetOnExit reset(s);
  int rc = s.step();
  if (rc == SQLITE_DONE) return std::optional<Job>();
  if (rc != SQLITE_ROW) return fail(rc, context);
  return std::optional<Job>(read_job(s));
}

Result<std::optional<Job>> WriteTransaction::find(const JobId& id) {
  job_by_id_.bind_blob(1, id.bytes().data(), id.bytes().size());
  return select_one(job_by_id_, "load job");
}

Result<std::optional<Job>> WriteTransaction::find(std::int64_t seq) {
  job_by_seq_.bind(1, seq);
  return select_one(job_by_seq_, "load job");
}

Result<Job> WriteTransaction::insert(Job job, std::string_view payload) {
  bind_insert(insert_job_, job);
  if (auto r = run(insert_job_, "insert job"); !r) return r.error();
  job.seq = sqlite3_last_insert_rowid(db_.get());
  insert_payload_.bind(1, job.seq);
  insert_payload_.bind_blob(2, payload.data(), payload.size());
  if (auto r = run(insert_payload_, "insert payload"); !r) return r.error();
  account(job, job.state, /*created=*/true);
  return job;
}

Result<void> WriteTransaction::save(const Job& job, JobState old_state) {
  bind_update(update_job_, job);
  if (auto r = run(update_job_, "update job"); !r) return r;
  if (auto r = create_delivery(job, old_state); !r) return r;
  account(job, old_state, /*created=*/false);
  return {};
}

Result<void> WriteTransaction::save_heartbeat(const Job& job) {
  bind_heartbeat(update_heartbeat_, job);
  if (auto r = run(update_heartbeat_, "update job"); !r) return r;
  account(job, job.state, /*created=*/false);
  changes_.back().progress = true;
  return {};
}

Result<void> WriteTransaction::put_result(std::int64_t seq, std::string_view bytes) {
  insert_result_.bind(1, seq);
  insert_result_.bind_blob(2, bytes.data(), bytes.size());
  return run(insert_result_, "store result");
}

Result<std::string> WriteTransaction::payload(std::int64_t seq) {
  ResetOnExit reset(payload_by_seq_);
  payload_by_seq_.bind(1, seq);
  int rc = payload_by_seq_.step();
  if (rc == SQLITE_DONE) return std::string();
  if (rc != SQLITE_ROW) return fail(rc, "load payload");
  return std::string(payload_by_seq_.blob(0));
}

Result<std::vector<Job>> WriteTransaction::lease_candidates(std::string_view queue, TimePoint now,
                                                            int limit) {
  lease_candidates_.bind(1, queue);
  lease_candidates_.bind(2, to_micros(now));
  lease_candidates_.bind(3, std::int64_t{limit});
  return select_jobs(lease_candidates_, "find jobs to lease");
}

Result<std::optional<TimePoint>> WriteTransaction::next_due(std::string_view queue, TimePoint now) {
  ResetOnExit reset(next_due_);
  next_due_.bind(1, queue);
  next_due_.bind(2, to_micros(now));
  int rc = next_due_.step();
  if (rc == SQLITE_DONE) return std::optional<TimePoint>();
  if (rc != SQLITE_ROW) return fail(rc, "find next due job");
  return std::optional(from_micros(next_due_.int64(0)));
}

Result<std::vector<Job>> WriteTransaction::expired_leases(TimePoint now, int limit) {
  expired_leases_.bind(1, to_micros(now));
  expired_leases_.bind(2, std::int64_t{limit});
  return select_jobs(expired_leases_, "find expired leases");
}

Result<std::int64_t> WriteTransaction::purge_jobs(TimePoint now, int limit) {
  struct Retired {
    std::int64_t seq;
    std::string queue;
    JobState state;
  };
  std::vector<Retired> retired;
  {
    ResetOnExit reset(retention_over_);
    retention_over_.bind(1, to_micros(now));
    retention_over_.bind(2, std::int64_t{limit});
    for (;;) {
      int rc = retention_over_.step();
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return fail(rc, "find expired jobs");
      retired.push_back({retention_over_.int64(0), std::string(retention_over_.text(1)),
                         static_cast<JobState>(retention_over_.int64(2))});
    }
  }
  for (const Retired& r : retired) {
    for (Statement* s : {&delete_job_, &delete_payload_, &delete_result_, &delete_delivery_}) {
      s->bind(1, r.seq);
      if (auto done = run(*s, "delete expired job"); !done) return done.error();
    }
    deltas_.add_state(r.queue, r.state, -1);
  }
  return static_cast<std::int64_t>(retired.size());
}

Result<std::int64_t> WriteTransaction::purge_idempotency_keys(TimePoint now, int limit) {
  purge_keys_.bind(1, to_micros(now));
  purge_keys_.bind(2, std::int64_t{limit});
  if (auto r = run(purge_keys_, "delete expired idempotency keys"); !r) return r.error();
  return std::int64_t{sqlite3_changes(db_.get())};
}

Result<void> WriteTransaction::purge_finished_counts(TimePoint before) {
  purge_finished_counts_.bind(1, std::chrono::floor<std::chrono::seconds>(before).time_since_epoch().count());
  return run(purge_finished_counts_, "delete old finished counts");
}

Result<std::optional<WriteTransaction::StoredKey>> WriteTransaction::find_key(std::string_view queue,
                                                                              std::string_view key) {
  ResetOnExit reset(find_key_);
  find_key_.bind(1, queue);
  find_key_.bind(2, key);
  int rc = find_key_.step();
  if (rc == SQLITE_DONE) return std::optional<StoredKey>();
  if (rc != SQLITE_ROW) return fail(rc, "find idempotency key");
  return std::optional(
      StoredKey{std::string(find_key_.blob(0)), find_key_.int64(1), from_micros(find_key_.int64(2))});
}

Result<void> WriteTransaction::put_key(std::string_view queue, const IdempotencyKey& key,
                                       std::int64_t job_seq) {
  put_key_.bind(1, queue);
  put_key_.bind(2, std::string_view(key.key));
  put_key_.bind_blob(3, key.body_hash.data(), key.body_hash.size());
  put_key_.bind(4, job_seq);
  put_key_.bind(5, to_micros(key.expires_at));
  return run(put_key_, "store idempotency key");
}

Result<void> WriteTransaction::probe() { return run(probe_, "probe write"); }

}  // namespace replyd::store::sqlite
