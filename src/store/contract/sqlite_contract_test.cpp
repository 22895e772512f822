// The store contract suite on the SQLite store.
#include "store/contract/job_store_contract.h"
#include "store/sqlite/sqlite_store.h"

namespace replyd::store::contract {
namespace {

std::unique_ptr<JobStore> make_sqlite_store(const std::string& temp_dir) {
  // Families are registered per store; one registry per process keeps them alive for every store.
  static metrics::Registry registry;
  sqlite::SqliteStoreOptions options;
  options.path = temp_dir + "/replyd.db";
  options.writer_cache_kib = 2048;
  options.reader_cache_kib = 1024;
  return std::make_unique<sqlite::SqliteStore>(std::move(options), registry);
}

INSTANTIATE_TEST_SUITE_P(Sqlite, JobStoreContract,
                         ::testing::Values(StoreFactory{"sqlite", make_sqlite_store}), StoreFactoryName());

}  // namespace
}  // namespace replyd::store::contract
