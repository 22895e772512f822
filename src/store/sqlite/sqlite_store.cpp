#include "store/sqlite/sqlite_store.h"

#include "store/sqlite/checkpointer.h"
#include "store/sqlite/reader_pool.h"
#include "store/responder.h"
#include "store/sqlite/schema.h"
#include "store/store_metrics.h"
#include "store/sqlite/write_ops.h"
#include "store/sqlite/writer.h"

#include <fmt/format.h>

#include <filesystem>
#include <stdexcept>
#include <system_error>

namespace replyd::store::sqlite {
namespace {

constexpr int kWriterBusyTimeoutMs = 10'000;
// The WAL file is cut back to this size whenever the writer restarts it.
constexpr std::int64_t kJournalSizeLimit = 64 << 20;

void create_parent_directory(const std::string& path) {
  auto parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec) {
    throw std::runtime_error(fmt::format("cannot create the directory '{}' for the SQLite database: {}",
                                         parent.string(), ec.message()));
  }
}

std::unique_ptr<Connection> open_writer(const SqliteStoreOptions& options) {
  if (options.path.empty() || options.path == ":memory:" || options.path.starts_with("file:")) {
    throw std::invalid_argument(fmt::format("SQLite store needs a file path, not '{}'", options.path));
  }
  create_parent_directory(options.path);
  auto db = std::make_unique<Connection>(options.path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                         kWriterBusyTimeoutMs);
  auto mode = db->query_text("PRAGMA journal_mode = WAL");
  if (!mode || *mode != "wal") {
    throw std::runtime_error(fmt::format("SQLite database '{}' cannot use WAL mode: {}", options.path,
                                         mode ? *mode : mode.error().detail()));
  }
  db->exec_or_throw(options.synchronous_full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
  db->exec_or_throw(fmt::format("PRAGMA cache_size = -{}", options.writer_cache_kib));
  db->exec_or_throw(fmt::format("PRAGMA journal_size_limit = {}", kJournalSizeLimit));
  // The checkpointer thread does this instead, off the commit path.
  db->exec_or_throw("PRAGMA wal_autocheckpoint = 0");
  db->exec_or_throw("PRAGMA temp_store = MEMORY");
  // Debian builds SQLite with secure_delete on, which rewrites every purged payload with zeros.
  db->exec_or_throw("PRAGMA secure_delete = FAST");
  migrate(*db);
  if (options.max_page_count > 0)
    db->exec_or_throw(fmt::format("PRAGMA max_page_count = {}", options.max_page_count));
  return db;
}

}  // namespace

SqliteStore::SqliteStore(SqliteStoreOptions options, metrics::Registry& metrics)
    : options_(std::move(options)),
      metrics_(std::make_unique<StoreMetrics>(metrics)),
      responder_(std::make_unique<Responder>()) {
  auto writer_db = open_writer(options_);
  CheckpointPolicy policy = options_.checkpoint;
  policy.passive_pages = std::max(1, policy.passive_pages);
  policy.truncate_every = std::max(1, policy.truncate_every);
  checkpointer_ = std::make_unique<Checkpointer>(options_.path, std::move(policy), *metrics_);
  readers_ = std::make_unique<ReaderPool>(options_.path, options_.reader_threads, options_.reader_cache_kib,
                                          *responder_);
  WriterLimits limits{options_.max_pending_ops, options_.max_pending_bytes, options_.max_batch_ops};
  writer_ = std::make_unique<Writer>(std::move(writer_db), limits, *metrics_, checkpointer_.get());
}

SqliteStore::~SqliteStore() { close(); }

void SqliteStore::close() {
  std::call_once(close_once_, [this] {
    // The writer and the readers finish what they accepted; the checkpointer's connection closes last,
    // so SQLite checkpoints the whole WAL into the database and removes it.
    if (writer_) writer_->close();
    if (readers_) readers_->close();
    if (checkpointer_) checkpointer_->close();
  });
}

template <class T, class Apply>
void SqliteStore::submit_write(OpKind kind, std::size_t bytes, Callback<T> done, Apply apply) {
  if (auto admitted = writer_->admit(kind, bytes); !admitted) {
    metrics_->count(kind, admitted.error().code());
    responder_->post(
        [done = std::move(done), error = admitted.error()]() mutable { done(std::move(error)); });
    return;
  }
  writer_->enqueue(make_write_op<T>(kind, bytes, std::move(apply), std::move(done)));
}

template <class T, class Read>
void SqliteStore::submit_read(OpKind kind, Callback<T> done, Read read) {
  readers_->post([this, kind, done = std::move(done), read = std::move(read)](ReadContext* context) mutable {
    Result<T> result =
        context != nullptr ? read(*context) : Result<T>(Error(Errc::shutting_down, "the store is closed"));
    metrics_->count(kind, result ? std::nullopt : std::optional(result.error().code()));
    done(std::move(result));
  });
}

void SqliteStore::insert(NewJob job, TimePoint now, Callback<InsertOutcome> done) {
  const std::size_t bytes = job.payload.bytes.size();
  submit_write<InsertOutcome>(
      OpKind::insert, bytes, std::move(done),
      [job = std::move(job), now](WriteTransaction& tx) { return apply_insert(tx, job, now); });
}

void SqliteStore::get(JobId id, Callback<Job> done) {
  submit_read<Job>(OpKind::get, std::move(done), [id](ReadContext& c) { return c.get(id); });
}

void SqliteStore::get_payload(JobId id, Callback<Blob> done) {
  submit_read<Blob>(OpKind::get_payload, std::move(done), [id](ReadContext& c) { return c.payload(id); });
}

void SqliteStore::get_result(JobId id, Callback<Blob> done) {
  submit_read<Blob>(OpKind::get_result, std::move(done), [id](ReadContext& c) { return c.result(id); });
}

void SqliteStore::list(ListQuery query, Callback<JobPage> done) {
  submit_read<JobPage>(OpKind::list, std::move(done),
                       [query = std::move(query)](ReadContext& c) { return c.list(query); });
}

void SqliteStore::queue_stats(TimePoint now, Callback<std::vector<QueueStats>> done) {
  submit_read<std::vector<QueueStats>>(OpKind::queue_stats, std::move(done),
                                       [now](ReadContext& c) { return c.queue_stats(now); });
}

void SqliteStore::lease(LeaseRequest request, Callback<LeaseBatch> done) {
  submit_write<LeaseBatch>(
      OpKind::lease, 0, std::move(done),
      [request = std::move(request)](WriteTransaction& tx) { return apply_lease(tx, request); });
}

void SqliteStore::heartbeat(HeartbeatRequest request, Callback<Job> done) {
  submit_write<Job>(
      OpKind::heartbeat, 0, std::move(done),
      [request = std::move(request)](WriteTransaction& tx) { return apply_heartbeat(tx, request); });
}

void SqliteStore::complete(CompleteRequest request, Callback<Job> done) {
  const std::size_t bytes = request.result.bytes.size();
  submit_write<Job>(
      OpKind::complete, bytes, std::move(done),
      [request = std::move(request)](WriteTransaction& tx) { return apply_complete(tx, request); });
}

void SqliteStore::fail(FailRequest request, Callback<Job> done) {
  submit_write<Job>(OpKind::fail, 0, std::move(done),
                    [request = std::move(request)](WriteTransaction& tx) { return apply_fail(tx, request); });
}

void SqliteStore::cancel(JobId id, TimePoint now, Callback<CancelOutcome> done) {
  submit_write<CancelOutcome>(OpKind::cancel, 0, std::move(done),
                              [id, now](WriteTransaction& tx) { return apply_cancel(tx, id, now); });
}

void SqliteStore::expire_leases(ExpireRequest request, Callback<std::vector<Job>> done) {
  submit_write<std::vector<Job>>(OpKind::expire_leases, 0, std::move(done), [request](WriteTransaction& tx) {
    return apply_expire_leases(tx, request);
  });
}

void SqliteStore::purge_expired(PurgeRequest request, Callback<std::int64_t> done) {
  submit_write<std::int64_t>(OpKind::purge_expired, 0, std::move(done),
                             [request](WriteTransaction& tx) { return apply_purge(tx, request); });
}

void SqliteStore::ping(Callback<void> done) {
  submit_write<void>(OpKind::ping, 0, std::move(done), [](WriteTransaction& tx) { return apply_ping(tx); });
}

void SqliteStore::claim_deliveries(ClaimDeliveriesRequest request, Callback<std::vector<WebhookDelivery>> done) {
  submit_write<std::vector<WebhookDelivery>>(
      OpKind::claim_deliveries, 0, std::move(done),
      [request = std::move(request)](WriteTransaction& tx) { return apply_claim_deliveries(tx, request); });
}

void SqliteStore::report_deliveries(std::vector<DeliveryReport> reports, Callback<std::int64_t> done) {
  submit_write<std::int64_t>(
      OpKind::report_deliveries, 0, std::move(done),
      [reports = std::move(reports)](WriteTransaction& tx) { return apply_report_deliveries(tx, reports); });
}

void SqliteStore::get_delivery(JobId id, Callback<std::optional<WebhookDelivery>> done) {
  submit_read<std::optional<WebhookDelivery>>(OpKind::get_delivery, std::move(done),
                                              [id](ReadContext& c) { return c.delivery(id); });
}

void SqliteStore::set_change_listener(UniqueFunction<void(const std::vector<JobChange>&)> listener) {
  writer_->set_change_listener(std::move(listener));
}

void SqliteStore::set_max_page_count(std::int64_t pages) { writer_->set_max_page_count(pages); }

}  // namespace replyd::store::sqlite
