#include "store/postgres/postgres_store.h"

#include "store/postgres/change_sink.h"
#include "store/postgres/migrator.h"
#include "store/postgres/pg_listener.h"
#include "store/store_metrics.h"
#include "store/postgres/pg_readers.h"
#include "store/postgres/pg_writer.h"
#include "store/responder.h"

#include <fmt/format.h>

#include <mutex>
#include <random>
#include <stdexcept>

namespace replyd::store::postgres {
namespace {

// Spreads the counter rows of the nodes' writers (queue_counts, finished_counts).
constexpr int kCounterShards = 32;
// Migrations may wait for another node's migration to finish, and may build indexes on large tables.
constexpr std::chrono::minutes kMigrationTimeout{30};

[[noreturn]] void throw_open_error(const Error& error, std::string_view what) {
  if (error.code() == Errc::invalid_argument) throw std::invalid_argument(error.detail());
  throw std::runtime_error(fmt::format("PostgreSQL store: {}: {}", what, error.detail()));
}

int random_shard() {
  std::random_device random;
  return std::uniform_int_distribution<int>(0, kCounterShards - 1)(random);
}

ConnectOptions connect_options(const PostgresStoreOptions& o) {
  return {o.uri, o.connect_timeout, o.io_timeout};
}

class PostgresStore final : public JobStore {
 public:
  PostgresStore(const PostgresStoreOptions& options, metrics::Registry& registry)
      : metrics_(registry), node_id_(random_token()) {
    migrate_postgres(options.uri);
    WriterOptions w;
    w.connect = connect_options(options);
    w.identity = WriterIdentity{node_id_, random_shard()};
    w.synchronous_commit = options.synchronous_commit;
    w.max_pending_ops = options.max_pending_ops;
    w.max_pending_bytes = options.max_pending_bytes;
    w.max_batch_ops = options.max_batch_ops;
    w.backoff_first = options.backoff_first;
    w.backoff_cap = options.backoff_cap;
    auto conn = open_writer_connection(w);
    if (!conn) throw_open_error(conn.error(), "cannot open the writer connection");
    auto listener =
        PgListener::start({w.connect, node_id_, options.backoff_first, options.backoff_cap}, sink_);
    if (!listener) throw_open_error(listener.error(), "cannot LISTEN");
    listener_ = std::move(*listener);
    ReaderOptions r{w.connect, options.reader_threads, options.max_pending_ops, options.backoff_first,
                    options.backoff_cap};
    readers_ = std::make_unique<PgReaders>(std::move(r), metrics_, responder_);
    writer_ = std::make_unique<PgWriter>(std::move(w), std::move(*conn), metrics_, sink_, responder_);
  }

  ~PostgresStore() override { close(); }

  void insert(NewJob job, TimePoint now, Callback<InsertOutcome> done) override {
    write(InsertOp{InsertRequest{std::move(job), now, JobId::random()}, std::move(done), {}});
  }
  void get(JobId id, Callback<Job> done) override { readers_->submit(GetRead{id, std::move(done)}); }
  void get_payload(JobId id, Callback<Blob> done) override {
    readers_->submit(PayloadRead{id, std::move(done)});
  }
  void get_result(JobId id, Callback<Blob> done) override {
    readers_->submit(ResultRead{id, std::move(done)});
  }
  void list(ListQuery query, Callback<JobPage> done) override {
    readers_->submit(ListRead{std::move(query), std::move(done)});
  }
  void queue_stats(TimePoint now, Callback<std::vector<QueueStats>> done) override {
    readers_->submit(StatsRead{now, std::move(done)});
  }
  void claim_deliveries(ClaimDeliveriesRequest request, Callback<std::vector<WebhookDelivery>> done) override {
    readers_->submit(ClaimDeliveriesOp{std::move(request), std::move(done)});
  }
  void report_deliveries(std::vector<DeliveryReport> reports, Callback<std::int64_t> done) override {
    readers_->submit(ReportDeliveriesOp{std::move(reports), std::move(done)});
  }
  void get_delivery(JobId id, Callback<std::optional<WebhookDelivery>> done) override {
    readers_->submit(DeliveryRead{id, std::move(done)});
  }

  void lease(LeaseRequest request, Callback<LeaseBatch> done) override {
    write(LeaseOp{std::move(request), std::move(done), {}});
  }
  void heartbeat(HeartbeatRequest request, Callback<Job> done) override {
    write(HeartbeatOp{std::move(request), std::move(done), {}});
  }
  void complete(CompleteRequest request, Callback<Job> done) override {
    write(CompleteOp{std::move(request), std::move(done), {}});
  }
  void fail(FailRequest request, Callback<Job> done) override {
    write(FailOp{std::move(request), std::move(done), {}});
  }
  void cancel(JobId id, TimePoint now, Callback<CancelOutcome> done) override {
    write(CancelOp{CancelRequest{id, now}, std::move(done), {}});
  }
  void expire_leases(ExpireRequest request, Callback<std::vector<Job>> done) override {
    write(ExpireOp{std::move(request), std::move(done), {}});
  }
  void purge_expired(PurgeRequest request, Callback<std::int64_t> done) override {
    write(PurgeOp{std::move(request), std::move(done), {}});
  }
  // A transaction on the writer connection: ok only when this node can write now.
  void ping(Callback<void> done) override { write(PingOp{PingRequest{}, std::move(done), {}}); }

  void set_change_listener(UniqueFunction<void(const std::vector<JobChange>&)> listener) override {
    sink_.set(std::move(listener));
  }

  void close() override {
    std::call_once(close_once_, [this] {
      // The writer and the readers finish what they accepted; later calls are refused by the responder.
      writer_->close();
      readers_->close();
      listener_->close();
    });
  }

 private:
  void write(WriteOp op) { writer_->submit(std::move(op)); }

  StoreMetrics metrics_;
  std::string node_id_;
  ChangeSink sink_;
  Responder responder_;  // declared before the threads that post to it, so destroyed after them
  std::unique_ptr<PgListener> listener_;
  std::unique_ptr<PgReaders> readers_;
  std::unique_ptr<PgWriter> writer_;
  std::once_flag close_once_;
};

}  // namespace

std::vector<std::string> migrate_postgres(std::string_view uri) {
  auto conn =
      PgConnection::open(ConnectOptions{std::string(uri), std::chrono::seconds(5), kMigrationTimeout});
  if (!conn) throw_open_error(conn.error(), "cannot connect");
  auto applied = apply_migrations(**conn);
  if (!applied) throw_open_error(applied.error(), "cannot migrate the schema");
  return *applied;
}

std::unique_ptr<JobStore> open_postgres_store(const PostgresStoreOptions& options,
                                              metrics::Registry& metrics) {
  return std::make_unique<PostgresStore>(options, metrics);
}

std::unique_ptr<JobStore> open_postgres_store(std::string_view uri, const StoreTuning& tuning,
                                              metrics::Registry& metrics) {
  PostgresStoreOptions options;
  options.uri = std::string(uri);
  options.synchronous_commit = tuning.synchronous_full;
  options.reader_threads = tuning.reader_threads;
  options.max_pending_ops = tuning.max_pending_ops;
  options.max_pending_bytes = tuning.max_pending_bytes;
  options.max_batch_ops = tuning.max_batch_ops;
  return open_postgres_store(options, metrics);
}

}  // namespace replyd::store::postgres
