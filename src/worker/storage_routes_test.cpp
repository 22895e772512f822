#include "worker/storage_routes.h"

#include "core/sha256.h"
#include "http/testing/test_server.h"
#include "tests/support/http_client.h"
#include "tests/support/temp_dir.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace replyd::worker {
namespace {

class StorageRoutesTest : public ::testing::Test {
 protected:
  StorageRoutesTest() : storage_(dir_.path().string()) { storage_.register_routes(router_); }

  blackbox::HttpResponse put(std::string_view key, std::string body, std::string range) {
    return client_.request(
        boost::beast::http::verb::put, "/files/" + std::string(key), std::move(body),
        {{"Content-Range", std::move(range)}, {"Content-Type", "application/octet-stream"}});
  }

  std::string stored(std::string_view key) {
    std::ifstream in(dir_.path() / key, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  blackbox::TempDir dir_;
  StorageService storage_;
  http::Router router_;
  http::testing::TestServer server_{router_};
  blackbox::HttpClient client_{"http://127.0.0.1:" + std::to_string(server_.port())};
};

TEST_F(StorageRoutesTest, ChunksInOrderMakeTheFileAndTheLastAnswerTellsItsChecksum) {
  auto first = put("job/a.txt", "hello ", "bytes 0-5/11");
  ASSERT_EQ(first.status, 200) << first.describe();
  EXPECT_EQ(first.json().at("received").as_int64(), 6);
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "job" / "a.txt"));  // still the .part file
  auto again = put("job/a.txt", "hello ", "bytes 0-5/11");  // a retried chunk overwrites its range
  ASSERT_EQ(again.status, 200) << again.describe();
  auto last = put("job/a.txt", "world", "bytes 6-10/11");
  ASSERT_EQ(last.status, 201) << last.describe();
  EXPECT_EQ(last.json().at("size").as_int64(), 11);
  EXPECT_EQ(last.json().at("sha256").as_string(), to_hex(sha256({std::string_view("hello world")})));
  EXPECT_EQ(stored("job/a.txt"), "hello world");
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "job" / "a.txt.part"));
}

TEST_F(StorageRoutesTest, AnEmptyFileIsOneRequest) {
  auto response = put("job/empty", "", "bytes */0");
  ASSERT_EQ(response.status, 201) << response.describe();
  EXPECT_EQ(response.json().at("size").as_int64(), 0);
  EXPECT_TRUE(std::filesystem::exists(dir_.path() / "job" / "empty"));
}

TEST_F(StorageRoutesTest, BadKeysAndRangesAre400AndStoreNothing) {
  EXPECT_EQ(put("job/..", "x", "bytes 0-0/1").status, 400);
  EXPECT_EQ(put("job//x", "x", "bytes 0-0/1").status, 400);
  EXPECT_EQ(put("job/x", "x", "0-0/1").status, 400);
  EXPECT_EQ(put("job/x", "x", "bytes 1-0/2").status, 400);
  EXPECT_EQ(put("job/x", "x", "bytes 0-1/1").status, 400);   // past the end
  EXPECT_EQ(put("job/x", "xy", "bytes 0-0/1").status, 400);  // body longer than the range
  EXPECT_EQ(put("job/x", "x", "bytes */1").status, 400);     // only an empty file has no range
  auto response = put("job/x", "x", "bytes 0-0");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.header("Content-Type"), "application/problem+json");
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "job"));
}

}  // namespace
}  // namespace replyd::worker
