// The flags of `replyd serve` that configure the demo workers (serve_options.h, demo_workers.h).
#include "cli/serve_options.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace replyd::cli {
namespace {

ServeOptions parse(std::vector<std::string> args) {
  CLI::App app;
  ServeOptions options;
  auto values = add_serve_options(app, options);
  std::vector<const char*> argv{"serve"};
  for (const auto& a : args) argv.push_back(a.c_str());
  app.parse(static_cast<int>(argv.size()), argv.data());
  finish_serve_options(*values, options);
  return options;
}

TEST(DemoOptions, UploadsGoBesideTheSqliteDatabaseByDefault) {
  EXPECT_EQ(parse({"--store", "sqlite:/var/lib/replyd/replyd.db"}).demo_settings.upload_dir,
            "/var/lib/replyd/uploads");
  EXPECT_EQ(parse({"--store", "sqlite:replyd.db"}).demo_settings.upload_dir, "uploads");
  EXPECT_EQ(parse({"--store", "postgres://db/replyd"}).demo_settings.upload_dir, "replyd-data/uploads");
}

TEST(DemoOptions, FlagsReachTheDemoSettings) {
  auto o = parse({"--demo", "--upload-dir", "/srv/up", "--upload-url", "http://127.0.0.1:9000",
                  "--upload-chunk-size", "65536", "--demo-upload-chunk-delay", "0.5", "--smtp-url",
                  "smtp://127.0.0.1:2525", "--smtp-from", "me@example.com"});
  EXPECT_TRUE(o.demo);
  EXPECT_EQ(o.demo_settings.upload_dir, "/srv/up");
  EXPECT_EQ(o.demo_settings.upload_url, "http://127.0.0.1:9000");
  EXPECT_EQ(o.demo_settings.upload_chunk_bytes, 65536u);
  EXPECT_DOUBLE_EQ(o.demo_settings.upload_chunk_delay_s, 0.5);
  EXPECT_EQ(o.demo_settings.smtp_url, "smtp://127.0.0.1:2525");
  EXPECT_EQ(o.demo_settings.smtp_from, "me@example.com");
  EXPECT_EQ(demo_queue_names(o.demo_settings), "demo, upload, report, email");
  EXPECT_EQ(demo_queue_names(parse({"--demo"}).demo_settings), "demo, upload, report");
}

TEST(DemoOptions, ChunkSizeAndDelayAreBounded) {
  EXPECT_THROW(parse({"--upload-chunk-size", "100"}), CLI::ValidationError);
  EXPECT_THROW(parse({"--demo-upload-chunk-delay", "61"}), CLI::ValidationError);
}

}  // namespace
}  // namespace replyd::cli
