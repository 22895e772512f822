// The dispatcher on a real SQLite store with a fake sender and a fake clock: deliveries are created by
// the terminal state change, retried on the schedule, disabled by 410, and a claim protects a delivery
// until it expires.
#include "engine/webhook_dispatcher.h"

#include "core/base64.h"
#include "engine/job_service.h"
#include "engine/webhook_callbacks.h"
#include "engine/webhook_signature.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/testing/sqlite_test_support.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <deque>
#include <future>
#include <thread>

namespace replyd::engine {
namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;

class FakeSender final : public WebhookSender {
 public:
  net::awaitable<AttemptOutcome> send(WebhookMessage message) override {
    std::lock_guard lock(mutex_);
    sent_.push_back(std::move(message));
    AttemptOutcome next{200, {}, false};
    if (!script_.empty()) {
      next = script_.front();
      script_.pop_front();
    }
    co_return next;
  }
  void answer(AttemptOutcome outcome) {
    std::lock_guard lock(mutex_);
    script_.push_back(std::move(outcome));
  }
  std::vector<WebhookMessage> sent() {
    std::lock_guard lock(mutex_);
    return sent_;
  }

 private:
  std::mutex mutex_;
  std::deque<AttemptOutcome> script_;
  std::vector<WebhookMessage> sent_;
};

std::string header(const WebhookMessage& m, std::string_view name) {
  for (const auto& [n, v] : m.headers) {
    if (n == name) return v;
  }
  return {};
}

class WebhookDispatcherTest : public ::testing::Test {
 protected:
  WebhookDispatcherTest() {
    webhooks_.signing_key = *parse_webhook_secret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    webhooks_.retry_base = 10s;
    webhooks_.retry_cap = 80s;
    webhooks_.retry_window = 1h;
    webhooks_.claim_ttl = 60s;
    options_.webhooks = webhooks_;
    store_ = std::make_unique<store::sqlite::SqliteStore>(
        store::sqlite::SqliteStoreOptions{.path = dir_.file("jobs.db")}, registry_);
    jobs_ = std::make_unique<JobService>(*store_, notifier_, clock_, options_, registry_);
    dispatcher_ = std::make_unique<WebhookDispatcher>(*store_, notifier_, clock_, webhooks_, sender_,
                                                      "http://replyd.test", registry_);
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
  }
  ~WebhookDispatcherTest() override {
    work_.reset();
    io_.stop();
    for (auto& t : threads_) t.join();
    dispatcher_.reset();
    store_->close();
  }

  template <class T>
  T run(net::awaitable<T> coroutine) {
    auto promise = std::make_shared<std::promise<T>>();
    auto future = promise->get_future();
    net::co_spawn(net::make_strand(io_), std::move(coroutine), [promise](std::exception_ptr e, T value) {
      if (e) {
        promise->set_exception(e);
      } else {
        promise->set_value(std::move(value));
      }
    });
    return future.get();
  }

  // A job with a callback, leased and then completed (or failed for good).
  Job finished_job(bool succeed = true) {
    SubmitRequest r{JobSpec{.queue = "q", .max_attempts = 1, .ttl = 1h, .callback_url = "http://receiver.test/hook"},
                    Blob{"text/plain", "p"}, std::nullopt};
    auto submitted = run(jobs_->submit(std::move(r)));
    EXPECT_TRUE(submitted) << (submitted ? "" : submitted.error().detail());
    auto batch = run(jobs_->lease("q", 1, Duration::zero()));
    EXPECT_TRUE(batch && batch->grants.size() == 1);
    const Job& leased = batch->grants.at(0).job;
    auto done = succeed ? run(jobs_->complete(leased.id, leased.lease_token, Blob{"text/plain", "r"}))
                        : run(jobs_->fail(leased.id, leased.lease_token, "broken", false));
    EXPECT_TRUE(done);
    return *done;
  }

  int run_once() {
    auto claimed = run(dispatcher_->run_once());
    EXPECT_TRUE(claimed) << (claimed ? "" : claimed.error().detail());
    return claimed ? *claimed : -1;
  }

  CallbackStatus callback_of(const Job& job) {
    auto got = run(jobs_->get(job.id));
    EXPECT_TRUE(got);
    EXPECT_TRUE(got->callback);
    return got->callback.value_or(CallbackStatus{});
  }

  store::sqlite::testing::TempDir dir_;
  metrics::Registry registry_;
  FakeClock clock_;
  InProcessNotifier notifier_;
  WebhookOptions webhooks_;
  EngineOptions options_;
  FakeSender sender_;
  std::unique_ptr<store::sqlite::SqliteStore> store_;
  std::unique_ptr<JobService> jobs_;
  std::unique_ptr<WebhookDispatcher> dispatcher_;
  net::io_context io_;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_{io_.get_executor()};
  std::vector<std::thread> threads_;
};

TEST(CallbackPolicy, RefusesCallbacksWithoutASecret) {
  JobSpec spec{.queue = "q", .callback_url = "http://receiver.test/hook"};
  auto refused = apply_callback_policy(spec, WebhookOptions{});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), Errc::invalid_argument);
  EXPECT_NE(refused.error().detail().find("webhook secret"), std::string::npos);
}

TEST(CallbackPolicy, AppliesQueueDefaultsAndTheLiteralAddressGuard) {
  WebhookOptions options;
  options.signing_key = "key";
  options.queue_callbacks["email"] = "http://hooks.test/email";
  JobSpec email{.queue = "email"};
  ASSERT_TRUE(apply_callback_policy(email, options));
  EXPECT_EQ(email.callback_url, "http://hooks.test/email");
  JobSpec own{.queue = "email", .callback_url = "http://mine.test/"};
  ASSERT_TRUE(apply_callback_policy(own, options));
  EXPECT_EQ(own.callback_url, "http://mine.test/");
  JobSpec none{.queue = "sms"};
  ASSERT_TRUE(apply_callback_policy(none, options));
  EXPECT_TRUE(none.callback_url.empty());
  JobSpec loopback{.queue = "sms", .callback_url = "http://127.0.0.1:9/"};
  auto refused = apply_callback_policy(loopback, options);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().detail().find("loopback"), std::string::npos);
  options.allow_private = true;
  EXPECT_TRUE(apply_callback_policy(loopback, options));
}

TEST_F(WebhookDispatcherTest, DeliversASignedEventOnce) {
  Job job = finished_job();
  EXPECT_EQ(callback_of(job).state, DeliveryState::pending);
  EXPECT_EQ(run_once(), 1);
  EXPECT_EQ(run_once(), 0);
  auto sent = sender_.sent();
  ASSERT_EQ(sent.size(), 1u);
  const WebhookMessage& m = sent[0];
  EXPECT_EQ(m.url, "http://receiver.test/hook");
  EXPECT_EQ(header(m, "webhook-id"), "msg_" + job.id.to_string());
  const std::string timestamp = header(m, "webhook-timestamp");
  EXPECT_EQ(timestamp, std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                          clock_.now().time_since_epoch()).count()));
  EXPECT_EQ(header(m, "webhook-signature"),
            sign_webhook(webhooks_.signing_key, header(m, "webhook-id"), std::stoll(timestamp), m.body));
  auto body = boost::json::parse(m.body).as_object();
  EXPECT_EQ(body.at("type").as_string(), "job.succeeded");
  EXPECT_EQ(body.at("data").at("id").as_string(), job.id.to_string());
  EXPECT_EQ(body.at("data").at("status_url").as_string(), "http://replyd.test/v1/jobs/" + job.id.to_string());
  CallbackStatus status = callback_of(job);
  EXPECT_EQ(status.state, DeliveryState::delivered);
  EXPECT_EQ(status.attempts, 1);
  EXPECT_EQ(status.delivered_at, clock_.now());
}

TEST_F(WebhookDispatcherTest, RetriesOnTheScheduleWithTheSameId) {
  Job job = finished_job(/*succeed=*/false);
  sender_.answer(AttemptOutcome{500, {}, false});
  EXPECT_EQ(run_once(), 1);
  CallbackStatus status = callback_of(job);
  EXPECT_EQ(status.state, DeliveryState::pending);
  EXPECT_EQ(status.attempts, 1);
  EXPECT_EQ(status.last_error, "HTTP 500");
  ASSERT_TRUE(status.next_attempt_at);
  EXPECT_LE(*status.next_attempt_at, clock_.now() + 10s);
  clock_.set(*status.next_attempt_at);
  EXPECT_EQ(run_once(), 1);
  auto sent = sender_.sent();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(header(sent[0], "webhook-id"), header(sent[1], "webhook-id"));
  EXPECT_EQ(sent[0].body, sent[1].body);
  EXPECT_EQ(boost::json::parse(sent[1].body).at("type").as_string(), "job.failed");
  EXPECT_EQ(callback_of(job).state, DeliveryState::delivered);
  EXPECT_EQ(callback_of(job).attempts, 2);
  EXPECT_EQ(callback_of(job).last_error, "HTTP 500");  // kept after the delivery, for the record
}

TEST_F(WebhookDispatcherTest, GoneDisablesAndRefusalFails) {
  Job gone = finished_job();
  sender_.answer(AttemptOutcome{410, {}, false});
  EXPECT_EQ(run_once(), 1);
  EXPECT_EQ(callback_of(gone).state, DeliveryState::disabled);
  Job refused = finished_job();
  sender_.answer(AttemptOutcome{0, "receiver.test resolves to 10.0.0.1, a private address: refused", true});
  EXPECT_EQ(run_once(), 1);
  CallbackStatus status = callback_of(refused);
  EXPECT_EQ(status.state, DeliveryState::failed);
  EXPECT_NE(status.last_error.find("refused"), std::string::npos);
  clock_.advance(2h);
  EXPECT_EQ(run_once(), 0);
}

TEST_F(WebhookDispatcherTest, AClaimHoldsUntilItExpires) {
  Job job = finished_job();
  // Another node claims it and dies without reporting.
  auto promise = std::make_shared<std::promise<Result<std::vector<store::WebhookDelivery>>>>();
  store::ClaimDeliveriesRequest other{clock_.now(), 10, 60s, "other-node"};
  store_->claim_deliveries(other, [promise](auto r) { promise->set_value(std::move(r)); });
  auto claimed = promise->get_future().get();
  ASSERT_TRUE(claimed);
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ(callback_of(job).state, DeliveryState::delivering);
  EXPECT_EQ(run_once(), 0);
  clock_.advance(61s);
  EXPECT_EQ(run_once(), 1);
  EXPECT_EQ(callback_of(job).state, DeliveryState::delivered);
  // The late report of the dead node's claim changes nothing.
  auto late = std::make_shared<std::promise<Result<std::int64_t>>>();
  std::vector<store::DeliveryReport> reports(1);
  reports[0].job_id = job.id;
  reports[0].claim_token = "other-node";
  reports[0].state = DeliveryState::failed;
  store_->report_deliveries(std::move(reports), [late](auto r) { late->set_value(std::move(r)); });
  auto applied = late->get_future().get();
  ASSERT_TRUE(applied);
  EXPECT_EQ(*applied, 0);
  EXPECT_EQ(callback_of(job).state, DeliveryState::delivered);
}

}  // namespace
}  // namespace replyd::engine
