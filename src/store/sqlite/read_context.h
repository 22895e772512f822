// The reads of the SQLite store, on one read-only connection with its prepared statements. Each reader
// thread owns one ReadContext; a ReadContext is used by one thread at a time.
//
// Reads see the last committed state (WAL snapshot isolation) and never wait for the writer.
#pragma once

#include "store/job_store.h"
#include "store/sqlite/connection.h"

#include <string>
#include <vector>

namespace replyd::store::sqlite {

class ReadContext {
 public:
  static constexpr int kMaxListLimit = 1000;

  // Opens `path` read-only. Throws std::runtime_error when it cannot (the schema must exist).
  ReadContext(const std::string& path, int cache_kib);

  // The job, or Errc::not_found.
  Result<Job> get(const JobId& id);
  // The job's webhook delivery, or nullopt.
  Result<std::optional<WebhookDelivery>> delivery(const JobId& id);
  // Errc::not_found for an unknown job.
  Result<Blob> payload(const JobId& id);
  // Errc::not_found for an unknown job, Errc::not_ready unless it succeeded.
  Result<Blob> result(const JobId& id);
  // Newest first; query.limit is clamped to [1, kMaxListLimit].
  Result<JobPage> list(const ListQuery& query);
  // From the maintained counts; "oldest queued" is the created_at of the first-inserted due queued job;
  // "finished last minute" counts whole seconds [floor(now - 60 s), now].
  Result<std::vector<QueueStats>> queue_stats(TimePoint now);

  // Finalizes the statements and closes the connection.
  void close();

 private:
  Statement& list_statement(const ListQuery& query);

  Connection db_;
  Statement begin_, commit_;
  Statement job_by_id_, payload_by_id_, result_by_id_;
  Statement list_all_, list_by_queue_, list_by_state_, list_by_queue_state_;
  Statement queue_counts_, oldest_due_queued_, finished_in_window_;
  Statement delivery_by_job_;
};

}  // namespace replyd::store::sqlite
