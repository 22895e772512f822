// Opening the SQLite store: the versioned schema, start-up errors, and the query plans of the hot SQL.
#include "store/sqlite/schema.h"

#include "store/sqlite/sql.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/testing/sqlite_test_support.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace replyd::store::sqlite {
namespace {

using testing::TempDir;

void open_and_close(const std::string& path) {
  metrics::Registry registry;
  SqliteStore store(testing::small_options(path), registry);
  store.close();
}

std::string open_error(const std::string& path) {
  try {
    open_and_close(path);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "no error";
}

TEST(SqliteSchema, StoreWritesTheCurrentVersion) {
  TempDir dir;
  open_and_close(dir.file("db"));
  open_and_close(dir.file("db"));  // reopening an up-to-date database changes nothing
  Connection db(dir.file("db"), SQLITE_OPEN_READONLY, 1000);
  EXPECT_EQ(db.query_int64("PRAGMA user_version").value(), kSchemaVersion);
  EXPECT_EQ(db.query_text("PRAGMA journal_mode").value(), "wal");
  ASSERT_EQ(migrations().size(), static_cast<std::size_t>(kSchemaVersion));
  for (std::size_t i = 0; i < migrations().size(); ++i)
    EXPECT_EQ(migrations()[i].version, static_cast<int>(i) + 1);
}

TEST(SqliteSchema, NewerDatabaseIsRefused) {
  TempDir dir;
  open_and_close(dir.file("db"));
  {
    Connection db(dir.file("db"), SQLITE_OPEN_READWRITE, 1000);
    db.exec_or_throw("PRAGMA user_version = 99");
  }
  std::string error = open_error(dir.file("db"));
  EXPECT_NE(error.find("schema version 99, newer"), std::string::npos) << error;
}

TEST(SqliteSchema, ParentDirectoriesAreCreated) {
  TempDir dir;
  open_and_close(dir.file("a/b/c/replyd.db"));
  EXPECT_TRUE(std::filesystem::exists(dir.file("a/b/c/replyd.db")));
}

TEST(SqliteSchema, UnusableFilesFailWithTheirPath) {
  TempDir dir;
  std::ofstream(dir.file("garbage")) << std::string(8192, 'g');
  std::string not_a_db = open_error(dir.file("garbage"));
  EXPECT_NE(not_a_db.find(dir.file("garbage")), std::string::npos) << not_a_db;

  std::ofstream(dir.file("plain-file")) << "x";
  std::string under_a_file = open_error(dir.file("plain-file/db"));
  EXPECT_NE(under_a_file.find(dir.file("plain-file")), std::string::npos) << under_a_file;
}

// The hot and the background queries use their index, and none sorts: a sort would read every
// matching row, which is what the indexes are for.
TEST(SqliteSchema, QueriesUseTheirIndexes) {
  TempDir dir;
  open_and_close(dir.file("db"));
  Connection db(dir.file("db"), SQLITE_OPEN_READONLY, 1000);
  const std::pair<std::string_view, std::string_view> expected[] = {
      {sql::kJobById, "jobs_id"},
      {sql::kLeaseCandidates, "jobs_lease"},
      {sql::kNextDue, "jobs_next_due"},
      {sql::kExpiredLeases, "jobs_lease_expiry"},
      {sql::kRetentionOver, "jobs_retention"},
      {sql::kListAll, "INTEGER PRIMARY KEY"},
      {sql::kListByQueue, "jobs_by_queue "},
      {sql::kListByState, "jobs_by_state "},
      {sql::kListByQueueAndState, "jobs_by_queue_state"},
      {sql::kOldestDueQueued, "jobs_by_queue_state"},
      {sql::kPurgeIdempotencyKeys, "idempotency_keys_expiry"},
      {sql::kPayloadById, "jobs_id"},
      {sql::kResultById, "jobs_id"},
  };
  for (const auto& [query, index] : expected) {
    Statement plan(db.get(), "EXPLAIN QUERY PLAN " + std::string(query));
    std::string details;
    while (plan.step() == SQLITE_ROW) details += std::string(plan.text(3)) + "\n";
    EXPECT_NE(details.find(index), std::string::npos) << query << "\n" << details;
    EXPECT_EQ(details.find("TEMP B-TREE"), std::string::npos) << query << "\n" << details;
    EXPECT_EQ(details.find("SCAN jobs"), std::string::npos) << query << "\n" << details;
  }
}

}  // namespace
}  // namespace replyd::store::sqlite
