// The example workers of `replyd serve --demo` (issue 7), end to end through the real binary: an upload
// with a file name lands in the upload directory with the right checksum, a report returns the right
// aggregates, and an email reaches an SMTP sink started by the test.
#include "tests/blackbox/blackbox_test.h"
#include "tests/support/smtp_sink.h"

#include "core/sha256.h"

#include <fstream>
#include <sstream>

namespace replyd::blackbox {
namespace {

class ExamplesTest : public BlackboxTest {
 protected:
  std::vector<std::string> extra_options() const override {
    return {"--demo",
            "--smtp-url",
            sink_.url(),
            "--smtp-from",
            "replyd@example.com",
            "--upload-dir",
            upload_dir().string(),
            "--upload-chunk-size",
            "65536",
            "--demo-upload-chunk-delay",
            "0"};
  }
  std::filesystem::path upload_dir() const { return dir_.path() / "uploads"; }

  // Long-polls the job until it has finished; returns the last answer.
  HttpResponse wait_finished(const std::string& id) {
    for (int i = 0; i < 10; ++i) {
      auto response = client().get(job_path(id), {{"Prefer", "wait=20"}}, 30s);
      if (response.status == 303) return response;
      auto status = response.json().as_object().at("status").as_string();
      if (status == "failed" || status == "cancelled") return response;
    }
    throw std::runtime_error("job " + id + " did not finish");
  }

  json::object result_of(const std::string& id) {
    auto finished = wait_finished(id);
    if (finished.status != 303) throw std::runtime_error("job did not succeed: " + finished.describe());
    return client().get(job_path(id) + "/result").json().as_object();
  }

  testing::SmtpSink sink_;
};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST_F(ExamplesTest, UploadStoresTheFileUnderItsNameWithItsChecksum) {
  std::string bytes(300 * 1024 + 17, '\0');
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<char>(i * 31 + (i >> 9));
  std::string id =
      submit_job(client(), "upload", bytes, "application/octet-stream", "filename=holiday%20photo.jpg");
  EXPECT_EQ(status_of(id).at("filename").as_string(), "holiday photo.jpg");
  auto result = result_of(id);
  std::string sha = to_hex(sha256({bytes}));
  EXPECT_EQ(result.at("name").as_string(), "holiday photo.jpg");
  EXPECT_EQ(result.at("size").as_int64(), static_cast<std::int64_t>(bytes.size()));
  EXPECT_EQ(result.at("sha256").as_string(), sha);
  auto stored = upload_dir() / id / "holiday photo.jpg";
  EXPECT_EQ(result.at("location").as_string(), stored.string());
  EXPECT_EQ(read_file(stored), bytes);
}

TEST_F(ExamplesTest, BadFilenameIsRefused) {
  auto response = client().post(submit_path("upload", "filename=..%2Fetc%2Fpasswd"), "x",
                                {{"Content-Type", "text/plain"}});
  ASSERT_EQ(response.status, 400) << response.describe();
  EXPECT_EQ(response.header("Content-Type"), "application/problem+json");
}

TEST_F(ExamplesTest, ReportReturnsTheAggregates) {
  std::string id =
      submit_job(client(), "report", "region,amount\nnorth,10\nsouth,4\nnorth,2.5\n", "text/csv");
  auto result = result_of(id);
  EXPECT_EQ(result.at("rows").as_int64(), 3);
  const auto& groups = result.at("groups").as_array();
  ASSERT_EQ(groups.size(), 2u);
  EXPECT_EQ(groups[0].at("group").as_string(), "north");
  EXPECT_DOUBLE_EQ(groups[0].at("sum").as_double(), 12.5);
  EXPECT_EQ(groups[1].at("count").as_int64(), 1);
  EXPECT_NE(std::string(result.at("html").as_string()).find("<table>"), std::string::npos);
}

TEST_F(ExamplesTest, EmailReachesTheSmtpServer) {
  std::string id = submit_job(client(), "email",
                              R"({"to":"ann@example.com","subject":"Hello from replyd","body":"It works."})",
                              "application/json");
  auto result = result_of(id);
  EXPECT_TRUE(result.at("sent").as_bool());
  auto messages = sink_.wait_messages(1);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].recipients, (std::vector<std::string>{"ann@example.com"}));
  EXPECT_EQ(messages[0].header("Subject"), "Hello from replyd");
  EXPECT_EQ(messages[0].body(), "It works.\r\n");
}

TEST_F(ExamplesTest, BadEmailPayloadFailsWithAClearError) {
  std::string id = submit_job(client(), "email", R"({"to":"ann@example.com"})", "application/json");
  auto finished = wait_finished(id);
  auto doc = finished.json().as_object();
  EXPECT_EQ(doc.at("status").as_string(), "failed");
  EXPECT_EQ(doc.at("attempt").as_int64(), 1);  // not retried
  EXPECT_NE(std::string(doc.at("error").at("detail").as_string()).find("'subject' must be a string"),
            std::string::npos)
      << finished.describe();
}

}  // namespace
}  // namespace replyd::blackbox
