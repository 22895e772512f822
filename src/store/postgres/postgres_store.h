// The PostgreSQL JobStore: several replyd nodes share one database.
//
// Threads and connections (blocking libpq, each connection owned by one store thread, never an I/O
// thread of the server): one writer that commits in groups (pg_writer.h, write_batch.h), a few readers
// that pipeline the reads waiting for them (pg_readers.h), one listener for other nodes' NOTIFYs
// (pg_listener.h), and a responder for immediate refusals (responder.h). Callbacks of writes run on
// the writer thread, of reads on a reader thread: they must not block, and must not call close().
//
// Durability: the writer's session runs with synchronous_commit=on, so a write is answered only after
// its commit is durable (fsync'd WAL); synchronous_commit = false selects off, the documented weaker
// mode that may lose the last commits of a database crash (never corrupts).
//
// Several nodes: leases and the background duties use FOR UPDATE SKIP LOCKED, so each job is handled by
// exactly one node; every commit batch sends one NOTIFY (delivered only on commit) that the other
// nodes' listeners turn into change-listener calls.
//
// Availability: every connection reconnects with exponential backoff. While the database is down,
// operations fail at once with Errc::unavailable, and ping() fails.
//
// Everything in store/job_store.h holds; the schema is migrations/*.sql.
#pragma once

#include "core/metrics.h"
#include "store/job_store.h"
#include "store/open_store.h"

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace replyd::store::postgres {

struct PostgresStoreOptions {
  std::string uri;  // postgres://user@host:port/db?... (libpq syntax); application_name defaults to replyd
  bool synchronous_commit = true;
  int reader_threads = 2;
  std::size_t max_pending_ops = 20'000;
  std::size_t max_pending_bytes = std::size_t{256} << 20;
  int max_batch_ops = 1'000;
  std::chrono::seconds connect_timeout{5};
  Duration io_timeout = std::chrono::seconds(30);  // longest wait for the server on a store thread
  std::chrono::milliseconds backoff_first{50};     // reconnection backoff: first wait, then doubling
  std::chrono::milliseconds backoff_cap{2'000};    // up to this
};

// Opens the store: applies pending migrations (under an advisory lock), connects every thread and
// LISTENs. Throws std::invalid_argument for a malformed URI and std::runtime_error when the database
// cannot be reached or migrated. `metrics` must outlive the store.
std::unique_ptr<JobStore> open_postgres_store(const PostgresStoreOptions& options,
                                              metrics::Registry& metrics);

// The same, with the tuning shared by every backend (store/open_store.h).
std::unique_ptr<JobStore> open_postgres_store(std::string_view uri, const StoreTuning& tuning,
                                              metrics::Registry& metrics);

// Applies the pending migrations to the database at `uri` and returns the names of the files applied
// (empty when up to date). Throws like open_postgres_store. For `replyd migrate`.
std::vector<std::string> migrate_postgres(std::string_view uri);

}  // namespace replyd::store::postgres
