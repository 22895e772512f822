#include "store/open_store.h"

#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

#include <fmt/format.h>

#include <stdexcept>
#include <string>

namespace replyd::store {
namespace {

constexpr std::string_view kAcceptedForms =
    "accepted forms: sqlite:PATH, a bare file path, postgres://... or postgresql://...";

// The scheme of `uri` ("sqlite" in "sqlite:x.db"), or empty when it does not start with one (RFC 3986:
// a letter, then letters, digits, '+', '-' or '.', then ':').
std::string_view scheme_of(std::string_view uri) {
  auto colon = uri.find(':');
  if (colon == std::string_view::npos || colon == 0) return {};
  auto scheme = uri.substr(0, colon);
  auto is_alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  if (!is_alpha(scheme[0])) return {};
  for (char c : scheme) {
    if (!is_alpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.') return {};
  }
  return scheme;
}

std::unique_ptr<JobStore> open_sqlite(std::string_view path, const StoreTuning& tuning,
                                      metrics::Registry& metrics) {
  if (path.empty())
    throw std::invalid_argument(fmt::format("store URI has no SQLite file path; {}", kAcceptedForms));
  sqlite::SqliteStoreOptions options;
  options.path = std::string(path);
  options.synchronous_full = tuning.synchronous_full;
  options.reader_threads = tuning.reader_threads;
  options.max_pending_ops = tuning.max_pending_ops;
  options.max_pending_bytes = tuning.max_pending_bytes;
  options.max_batch_ops = tuning.max_batch_ops;
  return std::make_unique<sqlite::SqliteStore>(std::move(options), metrics);
}

}  // namespace

std::unique_ptr<JobStore> open_store(std::string_view uri, const StoreTuning& tuning,
                                     metrics::Registry& metrics) {
  std::string_view scheme = scheme_of(uri);
  if (scheme.empty()) return open_sqlite(uri, tuning, metrics);
  if (scheme == "sqlite") return open_sqlite(uri.substr(scheme.size() + 1), tuning, metrics);
  if (scheme == "postgres" || scheme == "postgresql")
    return postgres::open_postgres_store(uri, tuning, metrics);
  throw std::invalid_argument(fmt::format("unknown store URI scheme '{}:'; {}", scheme, kAcceptedForms));
}

}  // namespace replyd::store
