// store::open_store: which URIs open which store.
#include "store/open_store.h"

#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/testing/sqlite_test_support.h"

#include <gtest/gtest.h>

namespace replyd::store {
namespace {

using sqlite::testing::TempDir;

std::string invalid_argument_of(std::string_view uri) {
  metrics::Registry registry;
  try {
    open_store(uri, StoreTuning{}, registry);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no invalid_argument";
}

TEST(OpenStore, SqliteUriAndBarePathOpenTheSqliteStore) {
  TempDir dir;
  metrics::Registry registry;
  for (const std::string& uri : {"sqlite:" + dir.file("a.db"), dir.file("b.db")}) {
    auto store = open_store(uri, StoreTuning{}, registry);
    ASSERT_NE(dynamic_cast<sqlite::SqliteStore*>(store.get()), nullptr) << uri;
    auto ping = contract::await_result<void>([&](auto cb) { store->ping(std::move(cb)); });
    EXPECT_TRUE(contract::IsOk(ping)) << uri;
  }
  EXPECT_TRUE(std::filesystem::exists(dir.file("a.db")));
  EXPECT_TRUE(std::filesystem::exists(dir.file("b.db")));
}

TEST(OpenStore, UnknownFormsAreInvalidArguments) {
  std::string unknown = invalid_argument_of("mysql://db.example/jobs");
  EXPECT_NE(unknown.find("'mysql:'"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("sqlite:PATH"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("postgres://"), std::string::npos) << unknown;
  EXPECT_NE(invalid_argument_of("sqlite:").find("no SQLite file path"), std::string::npos);
  EXPECT_NE(invalid_argument_of("").find("no SQLite file path"), std::string::npos);
}

TEST(OpenStore, PostgresUrisGoToThePostgresStore) {
  metrics::Registry registry;
  for (const char* uri : {"postgres://nobody@127.0.0.1:1/none", "postgresql://nobody@127.0.0.1:1/none"}) {
    try {
      open_store(uri, StoreTuning{}, registry);
      ADD_FAILURE() << "opened a store at " << uri;
    } catch (const std::exception& e) {
      // Refused by the PostgreSQL store (nothing listens there), not as an unknown form.
      EXPECT_EQ(std::string(e.what()).find("unknown store URI scheme"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace replyd::store
