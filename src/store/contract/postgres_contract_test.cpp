// The store contract suite on the PostgreSQL store, against a real server started for this test binary
// (store/postgres/testing/postgres_server.h). Each test directory gets its own database, so a reopened
// store finds its data again and tests never see each other's jobs.
#include "store/contract/job_store_contract.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/testing/postgres_server.h"

#include <map>
#include <mutex>

namespace replyd::store::contract {
namespace {

std::unique_ptr<JobStore> make_postgres_store(const std::string& temp_dir) {
  if (!postgres::PostgresServer::available()) return nullptr;
  static metrics::Registry registry;
  static std::mutex mutex;
  static std::map<std::string, std::string> databases;  // temp dir -> URI
  std::string uri;
  {
    std::lock_guard lock(mutex);
    auto [it, created] = databases.try_emplace(temp_dir);
    if (created) it->second = postgres::PostgresServer::shared().create_database();
    uri = it->second;
  }
  postgres::PostgresStoreOptions options;
  options.uri = uri;
  options.reader_threads = 1;
  return postgres::open_postgres_store(options, registry);
}

INSTANTIATE_TEST_SUITE_P(Postgres, JobStoreContract,
                         ::testing::Values(StoreFactory{"postgres", make_postgres_store}),
                         StoreFactoryName());

}  // namespace
}  // namespace replyd::store::contract
