// Opens the JobStore named by a `--store` URI. This is the one place that knows every backend:
//
//   sqlite:PATH                  the embedded SQLite store (sqlite/sqlite_store.h); PATH is a file path
//   PATH                         a bare path (no scheme) is the same as sqlite:PATH
//   postgres://... postgresql://...   the PostgreSQL store (postgres/postgres_store.h), libpq URI syntax
#pragma once

#include "core/metrics.h"
#include "store/job_store.h"

#include <cstddef>
#include <memory>
#include <string_view>

namespace replyd::store {

// Tuning shared by the backends; each applies what makes sense for it.
struct StoreTuning {
  // Every commit waits for fsync (SQLite synchronous=FULL). false: SQLite synchronous=NORMAL, the
  // documented weaker mode that survives a crash of replyd but may lose the last commits on power loss.
  bool synchronous_full = true;
  int reader_threads = 2;  // threads (each with its own connection) that serve reads
  // Backpressure: past these many queued writes, or bytes of payloads and results in them, a write
  // fails at once with Errc::overloaded.
  std::size_t max_pending_ops = 20'000;
  std::size_t max_pending_bytes = std::size_t{256} << 20;
  int max_batch_ops = 1'000;  // most operations grouped into one transaction
};

// The open store. Throws std::invalid_argument for a URI of an unknown form (the message lists the
// accepted forms) and std::runtime_error when the database cannot be opened or migrated. `metrics`
// must outlive the store.
std::unique_ptr<JobStore> open_store(std::string_view uri, const StoreTuning& tuning,
                                     metrics::Registry& metrics);

}  // namespace replyd::store
