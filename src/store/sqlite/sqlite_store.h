// The embedded JobStore: one SQLite database file in WAL mode.
//
// Threads: one writer thread owns the only write connection and commits in groups (writer.h); a small
// pool of reader threads serves get/get_payload/get_result/list/queue_stats on their own read-only
// connections (reader_pool.h); a checkpointer thread copies the WAL into the database off the commit
// path (checkpointer.h); a responder thread answers what is refused at once (responder.h), so that no
// callback ever runs on the caller's stack. Callbacks of writes run on the writer thread, of reads on a
// reader thread: they must not block, and must not call close().
//
// Durability: synchronous=FULL by default, so a write is answered only after its commit reached the
// disk (fsync); synchronous_full = false selects NORMAL, the documented weaker mode that survives a
// crash of the process but may lose the last commits on power loss.
//
// Everything in store/job_store.h holds; see schema.h for the tables and indexes.
#pragma once

#include "core/metrics.h"
#include "store/job_store.h"
#include "store/sqlite/checkpoint_policy.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

namespace replyd::store {
class Responder;
class StoreMetrics;
enum class OpKind : int;
}  // namespace replyd::store

namespace replyd::store::sqlite {

class Checkpointer;
class ReaderPool;
class Writer;

struct SqliteStoreOptions {
  std::string path;  // the database file; its parent directory is created when missing
  bool synchronous_full = true;
  int reader_threads = 2;
  std::size_t max_pending_ops = 20'000;
  std::size_t max_pending_bytes = std::size_t{256} << 20;
  int max_batch_ops = 1'000;
  // Page caches, in KiB: the writer's, and each reader's.
  int writer_cache_kib = 64 * 1024;
  int reader_cache_kib = 16 * 1024;
  CheckpointPolicy checkpoint;
  // For tests: PRAGMA max_page_count on the writer (0: no limit), which simulates a full disk.
  std::int64_t max_page_count = 0;
};

class SqliteStore final : public JobStore {
 public:
  // Opens (creating when missing) and migrates the database, then starts the threads. Throws
  // std::runtime_error with the path and SQLite's reason when the file cannot be opened, is not a
  // database, cannot use WAL, or has a newer schema. `metrics` must outlive the store.
  SqliteStore(SqliteStoreOptions options, metrics::Registry& metrics);
  ~SqliteStore() override;  // close()

  void insert(NewJob job, TimePoint now, Callback<InsertOutcome> done) override;
  void get(JobId id, Callback<Job> done) override;
  void get_payload(JobId id, Callback<Blob> done) override;
  void get_result(JobId id, Callback<Blob> done) override;
  void list(ListQuery query, Callback<JobPage> done) override;
  void queue_stats(TimePoint now, Callback<std::vector<QueueStats>> done) override;
  void lease(LeaseRequest request, Callback<LeaseBatch> done) override;
  void heartbeat(HeartbeatRequest request, Callback<Job> done) override;
  void complete(CompleteRequest request, Callback<Job> done) override;
  void fail(FailRequest request, Callback<Job> done) override;
  void cancel(JobId id, TimePoint now, Callback<CancelOutcome> done) override;
  void expire_leases(ExpireRequest request, Callback<std::vector<Job>> done) override;
  void purge_expired(PurgeRequest request, Callback<std::int64_t> done) override;
  void ping(Callback<void> done) override;
  void claim_deliveries(ClaimDeliveriesRequest request, Callback<std::vector<WebhookDelivery>> done) override;
  void report_deliveries(std::vector<DeliveryReport> reports, Callback<std::int64_t> done) override;
  void get_delivery(JobId id, Callback<std::optional<WebhookDelivery>> done) override;
  void set_change_listener(UniqueFunction<void(const std::vector<JobChange>&)> listener) override;
  void close() override;

  // For tests: changes PRAGMA max_page_count on the writer before its next batch (0: no limit).
  void set_max_page_count(std::int64_t pages);

 private:
  template <class T, class Apply>
  void submit_write(OpKind kind, std::size_t bytes, Callback<T> done, Apply apply);
  template <class T, class Read>
  void submit_read(OpKind kind, Callback<T> done, Read read);

  SqliteStoreOptions options_;
  std::unique_ptr<StoreMetrics> metrics_;
  std::unique_ptr<Responder> responder_;  // destroyed last: it answers after close() too
  std::unique_ptr<Checkpointer> checkpointer_;
  std::unique_ptr<ReaderPool> readers_;
  std::unique_ptr<Writer> writer_;
  std::once_flag close_once_;
};

}  // namespace replyd::store::sqlite
