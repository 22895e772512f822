#include "worker/upload_worker.h"

#include "core/sha256.h"
#include "http/testing/test_server.h"
#include "tests/support/temp_dir.h"
#include "worker/storage_routes.h"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace replyd::worker {
namespace {

using client::JobContext;
using client::LeasedJob;

LeasedJob job(std::string payload) {
  LeasedJob j;
  j.id = "u1job";
  j.queue = std::string(kUploadQueue);
  j.payload = Blob{"application/octet-stream", std::move(payload)};
  return j;
}

std::string file_content(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string test_bytes(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 7919) >> 3);
  return s;
}

// Records every progress report the handler makes.
struct ProgressLog {
  std::vector<Progress> reports;
  JobContext context{"u1job", "tok", from_micros(0), [this] { reports.push_back(*context.take_progress()); }};
};

UploadOptions options_for(std::string directory) {
  UploadOptions o;
  o.directory = std::move(directory);
  o.chunk_bytes = 1000;
  o.retry_backoff = std::chrono::milliseconds(0);
  o.file_name = [](const LeasedJob&) { return std::string("report.pdf"); };
  return o;
}

TEST(UploadWorker, WritesChunksToADirectoryAndVerifies) {
  blackbox::TempDir dir;
  ProgressLog log;
  std::string bytes = test_bytes(2500);
  auto outcome = make_upload_handler(options_for(dir.path().string()))(job(bytes), log.context);
  ASSERT_TRUE(outcome.succeeded) << outcome.error;
  auto result = boost::json::parse(outcome.result.bytes).as_object();
  std::string sha = to_hex(sha256({bytes}));
  EXPECT_EQ(result.at("name").as_string(), "report.pdf");
  EXPECT_EQ(result.at("size").as_int64(), 2500);
  EXPECT_EQ(result.at("sha256").as_string(), sha);
  auto stored = dir.path() / "u1job" / "report.pdf";
  EXPECT_EQ(result.at("location").as_string(), stored.string());
  EXPECT_EQ(file_content(stored), bytes);
  EXPECT_FALSE(std::filesystem::exists(stored.string() + ".part"));
  // start, three chunks, verified
  ASSERT_EQ(log.reports.size(), 5u);
  EXPECT_EQ(log.reports[1], (Progress{1000, 2500, "uploaded 1000 B of 2.4 KiB"}));
  EXPECT_EQ(log.reports[3].current, 2500);
  EXPECT_EQ(log.reports[4], (Progress{2500, 2500, "uploaded and verified"}));
}

TEST(UploadWorker, UploadsToTheStorageServerRetryingFailedChunks) {
  blackbox::TempDir dir;
  StorageService storage(dir.path().string());
  http::Router router;
  storage.register_routes(router);
  http::testing::TestServer server(router);
  storage.fail_next_puts(2);  // the first chunk fails twice, then goes through
  auto options = options_for("");
  options.storage_url = "http://127.0.0.1:" + std::to_string(server.port());
  options.file_name = [](const LeasedJob&) { return std::string("a b+c.txt"); };
  ProgressLog log;
  std::string bytes = test_bytes(3000);
  auto outcome = make_upload_handler(options)(job(bytes), log.context);
  ASSERT_TRUE(outcome.succeeded) << outcome.error;
  auto result = boost::json::parse(outcome.result.bytes).as_object();
  EXPECT_EQ(result.at("sha256").as_string(), to_hex(sha256({bytes})));
  EXPECT_EQ(result.at("location").as_string(), options.storage_url + "/files/u1job/a%20b%2Bc.txt");
  EXPECT_EQ(file_content(dir.path() / "u1job" / "a b+c.txt"), bytes);
}

TEST(UploadWorker, AChunkThatKeepsFailingFailsTheAttempt) {
  blackbox::TempDir dir;
  StorageService storage(dir.path().string());
  http::Router router;
  storage.register_routes(router);
  http::testing::TestServer server(router);
  storage.fail_next_puts(100);
  auto options = options_for("");
  options.storage_url = "http://127.0.0.1:" + std::to_string(server.port());
  ProgressLog log;
  auto outcome = make_upload_handler(options)(job(test_bytes(10)), log.context);
  EXPECT_FALSE(outcome.succeeded);
  EXPECT_TRUE(outcome.retryable);
  EXPECT_NE(outcome.error.find("chunk at byte 0 failed"), std::string::npos) << outcome.error;
  EXPECT_NE(outcome.error.find("503"), std::string::npos) << outcome.error;
}

TEST(UploadWorker, StorageServerRefusesAChunkThatSkipsAhead) {
  blackbox::TempDir dir;
  StorageService storage(dir.path().string());
  http::Router router;
  storage.register_routes(router);
  http::testing::TestServer server(router);
  auto target = make_http_target("http://127.0.0.1:" + std::to_string(server.port()), "j/f");
  auto skipped = target->write_chunk(10, "abc", 20);
  ASSERT_FALSE(skipped);
  EXPECT_EQ(skipped.error().code(), Errc::invalid_argument);
  EXPECT_NE(skipped.error().detail().find("0 bytes received so far"), std::string::npos)
      << skipped.error().detail();
}

TEST(UploadWorker, StopsBetweenChunksOnCancel) {
  blackbox::TempDir dir;
  auto options = options_for(dir.path().string());
  options.chunk_delay = std::chrono::hours(1);  // only the cancel can end the pause after a chunk
  // The cancel arrives while the first chunk's progress is being reported.
  JobContext* context = nullptr;
  JobContext ctx("u1job", "tok", from_micros(0), [&context] {
    if (context->take_progress()->current == 1000)
      context->request_stop(client::StopReason::cancel_requested);
  });
  context = &ctx;
  auto outcome = make_upload_handler(options)(job(test_bytes(5000)), ctx);
  EXPECT_FALSE(outcome.succeeded);
  EXPECT_TRUE(outcome.retryable);
  EXPECT_EQ(outcome.error, "stopped after 1000 B: cancel requested");
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "u1job" / "report.pdf"));
}

TEST(UploadWorker, AStopBeforeTheFirstChunkWritesNothing) {
  blackbox::TempDir dir;
  JobContext ctx("u1job", "tok", from_micros(0), {});
  ctx.request_stop(client::StopReason::shutdown);
  auto outcome = make_upload_handler(options_for(dir.path().string()))(job(test_bytes(5000)), ctx);
  EXPECT_FALSE(outcome.succeeded);
  EXPECT_EQ(outcome.error, "stopped after 0 B: worker shutting down");
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "u1job"));
}

TEST(UploadWorker, EmptyFileFailsForGood) {
  blackbox::TempDir dir;
  JobContext ctx("u1job", "tok", from_micros(0), {});
  auto outcome = make_upload_handler(options_for(dir.path().string()))(job(""), ctx);
  EXPECT_FALSE(outcome.succeeded);
  EXPECT_FALSE(outcome.retryable);
}

TEST(UploadWorker, UnsafeNamesFallBackToTheJobId) {
  EXPECT_EQ(safe_file_name("photo.jpg", "id"), "photo.jpg");
  EXPECT_EQ(safe_file_name("../etc/passwd", "id"), "id");
  EXPECT_EQ(safe_file_name("..", "id"), "id");
  EXPECT_EQ(safe_file_name("a\\b", "id"), "id");
  EXPECT_EQ(safe_file_name("", "id"), "id");
  EXPECT_EQ(safe_file_name(std::string(256, 'x'), "id"), "id");
}

}  // namespace
}  // namespace replyd::worker
