// Idempotency-Key on submit (DESIGN.md section 3): same key and body is the same job; same key with
// another body is 422; keys are scoped per queue; quoted and bare forms name the same key.
#include "tests/blackbox/blackbox_test.h"

namespace replyd::blackbox {
namespace {

using IdempotencyTest = BlackboxTest;

HttpResponse submit_with_key(HttpClient& client, std::string_view queue, std::string body, std::string key) {
  return client.post(submit_path(queue), std::move(body),
                     {{"Content-Type", "text/plain"}, {"Idempotency-Key", key}});
}

TEST_F(IdempotencyTest, SameKeyAndBodyReturnTheSameJob) {
  auto first = submit_with_key(client(), "q", "charge 10", "\"order-1\"");
  ASSERT_EQ(first.status, 202) << first.describe();
  EXPECT_FALSE(first.has_header("Idempotent-Replayed")) << first.describe();
  auto second = submit_with_key(client(), "q", "charge 10", "\"order-1\"");
  ASSERT_EQ(second.status, 202) << second.describe();
  EXPECT_EQ(text(second.json(), "id"), text(first.json(), "id"));
  EXPECT_EQ(second.header("Location"), first.header("Location"));
  EXPECT_EQ(second.header("Idempotent-Replayed"), "true");

  auto list = client().get("/v1/jobs?queue=q");
  EXPECT_EQ(list.json().at("jobs").as_array().size(), 1u)
      << "a replay stored a second job: " << list.describe();
}

TEST_F(IdempotencyTest, QuotedAndBareFormsNameTheSameKey) {
  auto quoted = submit_with_key(client(), "q", "body", "\"key-42\"");
  ASSERT_EQ(quoted.status, 202) << quoted.describe();
  auto bare = submit_with_key(client(), "q", "body", "key-42");
  ASSERT_EQ(bare.status, 202) << bare.describe();
  EXPECT_EQ(text(bare.json(), "id"), text(quoted.json(), "id"));
  EXPECT_EQ(bare.header("Idempotent-Replayed"), "true");
}

TEST_F(IdempotencyTest, ReplayOfAFinishedJobAnswersWithItsCurrentState) {
  auto first = submit_with_key(client(), "q", "body", "done-key");
  ASSERT_EQ(first.status, 202) << first.describe();
  ASSERT_EQ(complete_job(client(), lease_job(client(), "q")).status, 200);
  auto replay = submit_with_key(client(), "q", "body", "done-key");
  EXPECT_EQ(text(replay.json(), "id"), text(first.json(), "id"));
  EXPECT_EQ(text(replay.json(), "status"), "succeeded");
  EXPECT_EQ(replay.header("Idempotent-Replayed"), "true");
}

TEST_F(IdempotencyTest, SameKeyWithAnotherBodyIs422) {
  ASSERT_EQ(submit_with_key(client(), "q", "charge 10", "order-2").status, 202);
  EXPECT_TRUE(IsProblem(submit_with_key(client(), "q", "charge 99", "order-2"), 422));
}

TEST_F(IdempotencyTest, SameKeyWithOtherOptionsIs422) {
  ASSERT_EQ(submit_with_key(client(), "q", "body", "order-3").status, 202);
  auto other = client().post(submit_path("q", "priority=5"), "body",
                             {{"Content-Type", "text/plain"}, {"Idempotency-Key", "order-3"}});
  EXPECT_TRUE(IsProblem(other, 422));
}

TEST_F(IdempotencyTest, SameKeyInAnotherQueueIsAnIndependentJob) {
  auto first = submit_with_key(client(), "left", "body", "shared-key");
  auto second = submit_with_key(client(), "right", "body", "shared-key");
  ASSERT_EQ(first.status, 202) << first.describe();
  ASSERT_EQ(second.status, 202) << second.describe();
  EXPECT_NE(text(second.json(), "id"), text(first.json(), "id"));
  EXPECT_FALSE(second.has_header("Idempotent-Replayed")) << second.describe();
}

TEST_F(IdempotencyTest, MalformedKeyIs400) {
  for (const std::string& key :
       std::vector<std::string>{"\"unterminated", "\"\"", "two words", std::string(256, 'k')}) {
    EXPECT_TRUE(IsProblem(submit_with_key(client(), "q", "body", key), 400)) << key;
  }
}

}  // namespace
}  // namespace replyd::blackbox
