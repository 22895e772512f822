// Webhooks against the real binary and a receiver started by the test on 127.0.0.1: a signed event
// for each terminal state (the signature checked here with OpenSSL and a key written as constants),
// a retry after 500, 410 disabling, a redirect not followed, a delivery that survives a kill -9 and
// restart, and the SSRF guard refusing loopback when private targets are not allowed.
#include "tests/blackbox/blackbox_test.h"
#include "tests/support/metric_wait.h"
#include "tests/support/webhook_receiver.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <csignal>

namespace replyd::blackbox {
namespace {

// whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw: the key bytes are the base64 part, decoded (here in hex).
constexpr std::string_view kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr std::string_view kKeyHex = "31f290f6bf06298aab4f08d43c3f082cf648a362da2da4b0";

std::string key_bytes() {
  std::string key;
  for (std::size_t i = 0; i < kKeyHex.size(); i += 2) {
    key += static_cast<char>(std::stoi(std::string(kKeyHex.substr(i, 2)), nullptr, 16));
  }
  return key;
}

std::string base64(const unsigned char* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

// The receiver's side of Standard Webhooks: recompute the signature of id.timestamp.body.
::testing::AssertionResult SignatureVerifies(const client::testing::TestRequest& r) {
  std::string content = r.header("webhook-id") + "." + r.header("webhook-timestamp") + "." + r.body;
  std::string key = key_bytes();
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(content.data()),
       content.size(), mac, &length);
  std::string expected = "v1," + base64(mac, length);
  if (r.header("webhook-signature") == expected) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "signature '" << r.header("webhook-signature") << "', expected '"
                                       << expected << "' for " << content;
}

class WebhookTest : public BlackboxTest {
 protected:
  std::vector<std::string> extra_options() const override {
    return {"--webhook-secret",       std::string(kSecret),
            "--webhook-allow-private", "--webhook-retry-base",
            "0.05",                    "--webhook-retry-cap",
            "0.2",                     "--webhook-poll-interval",
            "0.05",                    "--webhook-timeout",
            "2",                       "--webhook-claim-ttl",
            "3"};
  }

  std::string submit_with_callback(std::string_view queue, std::string_view path = "/hook") {
    std::string query = "max_attempts=1&callback=" + receiver_.url(path);
    return submit_job(client(), queue, "payload", "text/plain", query);
  }

  double outcome_count(std::string_view outcome, double at_least) {
    std::string name = "replyd_webhook_deliveries_total{outcome=\"" + std::string(outcome) + "\"}";
    return wait_for_metric(client(), name, [at_least](double v) { return v >= at_least; });
  }

  json::object callback_of(std::string_view id) { return status_of(id).at("callback").as_object(); }

  WebhookReceiver receiver_;
};

TEST_F(WebhookTest, EachTerminalStateIsDeliveredSigned) {
  std::string succeeded = submit_with_callback("q");
  complete_job(client(), lease_job(client(), "q"));
  auto first = receiver_.wait_for_request(0);

  std::string failed = submit_with_callback("q");
  fail_job(client(), lease_job(client(), "q"), "broken", false);
  auto second = receiver_.wait_for_request(1);

  std::string cancelled = submit_with_callback("q");
  require_status(client().del(job_path(cancelled)), 200, "cancel");
  auto third = receiver_.wait_for_request(2);

  const std::pair<const client::testing::TestRequest*, std::pair<std::string, std::string>> expected[] = {
      {&first, {succeeded, "job.succeeded"}}, {&second, {failed, "job.failed"}}, {&third, {cancelled, "job.cancelled"}}};
  for (const auto& [request, want] : expected) {
    EXPECT_EQ(request->method, "POST");
    EXPECT_EQ(request->path(), "/hook");
    EXPECT_EQ(request->header("content-type"), "application/json");
    EXPECT_EQ(request->header("webhook-id"), "msg_" + want.first);
    EXPECT_TRUE(SignatureVerifies(*request));
    json::object event = json::parse(request->body).as_object();
    EXPECT_EQ(event.at("type").as_string(), want.second);
    EXPECT_EQ(text(event.at("data"), "id"), want.first);
    EXPECT_EQ(text(event.at("data"), "queue"), "q");
    EXPECT_EQ(text(event.at("data"), "status_url"), url(job_path(want.first)));
    EXPECT_FALSE(text(event, "timestamp").empty());
    const long long sent_at = std::stoll(request->header("webhook-timestamp"));
    const long long now = std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch()).count();
    EXPECT_LE(std::llabs(now - sent_at), 300);
  }
  outcome_count("delivered", 3);
  for (const std::string& id : {succeeded, failed, cancelled}) {
    json::object callback = callback_of(id);
    EXPECT_EQ(text(callback, "state"), "delivered");
    EXPECT_EQ(callback.at("attempts").as_int64(), 1);
    EXPECT_EQ(text(callback, "url"), receiver_.url());
    EXPECT_FALSE(text(callback, "delivered_at").empty());
  }
}

TEST_F(WebhookTest, A500IsRetriedWithTheSameId) {
  receiver_.answer({500});
  std::string id = submit_with_callback("q");
  complete_job(client(), lease_job(client(), "q"));
  auto first = receiver_.wait_for_request(0);
  auto second = receiver_.wait_for_request(1);
  EXPECT_EQ(first.header("webhook-id"), second.header("webhook-id"));
  EXPECT_EQ(first.body, second.body);
  EXPECT_TRUE(SignatureVerifies(second));
  outcome_count("delivered", 1);
  EXPECT_GE(outcome_count("retry", 1), 1);
  json::object callback = callback_of(id);
  EXPECT_EQ(text(callback, "state"), "delivered");
  EXPECT_EQ(callback.at("attempts").as_int64(), 2);
  EXPECT_EQ(text(callback, "last_error"), "HTTP 500");
}

TEST_F(WebhookTest, GoneDisablesTheCallback) {
  receiver_.answer({410});
  std::string id = submit_with_callback("q");
  complete_job(client(), lease_job(client(), "q"));
  receiver_.wait_for_request(0);
  outcome_count("disabled", 1);
  json::object callback = callback_of(id);
  EXPECT_EQ(text(callback, "state"), "disabled");
  EXPECT_EQ(callback.at("attempts").as_int64(), 1);
  EXPECT_TRUE(absent_or_null(callback, "next_attempt_at"));
  EXPECT_EQ(receiver_.request_count(), 1u);
}

TEST_F(WebhookTest, RedirectsAreNotFollowed) {
  receiver_.answer({302, receiver_.url("/elsewhere")});
  std::string id = submit_with_callback("q");
  complete_job(client(), lease_job(client(), "q"));
  receiver_.wait_for_request(0);
  // The retry goes to the callback URL again, never to the Location.
  auto retry = receiver_.wait_for_request(1);
  EXPECT_EQ(retry.path(), "/hook");
  outcome_count("delivered", 1);
  for (std::size_t i = 0; i < receiver_.request_count(); ++i) EXPECT_EQ(receiver_.wait_for_request(i).path(), "/hook");
  json::object callback = callback_of(id);
  EXPECT_EQ(text(callback, "state"), "delivered");
  EXPECT_NE(text(callback, "last_error").find("redirects are not followed"), std::string::npos);
}

TEST_F(WebhookTest, ADeliveryInFlightSurvivesAKillAndRestart) {
  receiver_.answer({200, {}, /*hold=*/true});
  std::string id = submit_with_callback("q");
  complete_job(client(), lease_job(client(), "q"));
  auto first = receiver_.wait_for_request(0);
  server().kill(SIGKILL);
  server().wait_exit();
  receiver_.release();  // too late: the server that sent it is gone and never learns the answer
  start();
  auto second = receiver_.wait_for_request(1);
  EXPECT_EQ(second.header("webhook-id"), first.header("webhook-id"));
  EXPECT_TRUE(SignatureVerifies(second));
  outcome_count("delivered", 1);
  EXPECT_EQ(text(callback_of(id), "state"), "delivered");
}

class WebhookWindowTest : public WebhookTest {
 protected:
  std::vector<std::string> extra_options() const override {
    std::vector<std::string> options = WebhookTest::extra_options();
    options.insert(options.end(), {"--webhook-retry-window", "0.5"});
    return options;
  }
};

TEST_F(WebhookWindowTest, GivesUpWhenTheRetryWindowIsOver) {
  for (int i = 0; i < 1000; ++i) receiver_.answer({503});
  std::string id = submit_with_callback("q");
  complete_job(client(), lease_job(client(), "q"));
  outcome_count("failed", 1);
  json::object callback = callback_of(id);
  EXPECT_EQ(text(callback, "state"), "failed");
  EXPECT_NE(text(callback, "last_error").find("gave up after"), std::string::npos) << text(callback, "last_error");
  EXPECT_NE(text(callback, "last_error").find("HTTP 503"), std::string::npos) << text(callback, "last_error");
  EXPECT_GE(callback.at("attempts").as_int64(), 2);
  EXPECT_EQ(static_cast<std::int64_t>(receiver_.request_count()), callback.at("attempts").as_int64());
}

class WebhookGuardTest : public WebhookTest {
 protected:
  std::vector<std::string> extra_options() const override {
    return {"--webhook-secret", std::string(kSecret), "--webhook-poll-interval", "0.05"};
  }
};

TEST_F(WebhookGuardTest, LoopbackIsRefused) {
  // An IP literal is refused on submit, with the reason.
  std::string query = "callback=http://127.0.0.1:" + std::to_string(receiver_.port()) + "/hook";
  auto refused = client().post(submit_path("q", query), "payload", {{"Content-Type", "text/plain"}});
  ASSERT_TRUE(IsProblem(refused, 400));
  EXPECT_NE(problem_detail(refused).find("loopback"), std::string::npos) << problem_detail(refused);
  // A name is resolved at delivery time, then refused; the status says why.
  std::string named = "max_attempts=1&callback=http://localhost:" + std::to_string(receiver_.port()) + "/hook";
  std::string id = submit_job(client(), "q", "payload", "text/plain", named);
  complete_job(client(), lease_job(client(), "q"));
  outcome_count("failed", 1);
  json::object callback = callback_of(id);
  EXPECT_EQ(text(callback, "state"), "failed");
  EXPECT_NE(text(callback, "last_error").find("loopback"), std::string::npos) << text(callback, "last_error");
  EXPECT_EQ(receiver_.request_count(), 0u);
}

TEST_F(WebhookGuardTest, HttpsIsRefusedClearly) {
  auto https = client().post(submit_path("q", "callback=https://example.com/hook"), "payload",
                             {{"Content-Type", "text/plain"}});
  ASSERT_TRUE(IsProblem(https, 400));
  EXPECT_NE(problem_detail(https).find("https"), std::string::npos) << problem_detail(https);
}

}  // namespace
}  // namespace replyd::blackbox
