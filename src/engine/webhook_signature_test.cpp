// The signature against a vector computed independently with OpenSSL's command line:
//   printf '%s' 'msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.{"test": 2432232314}' |
//     openssl dgst -sha256 -mac HMAC -macopt hexkey:31f290f6bf06298aab4f08d43c3f082cf648a362da2da4b0 -binary | base64
// (the key is the base64 part of the secret, decoded; the result also matches the Standard Webhooks
// specification's example).
#include "engine/webhook_signature.h"

#include <gtest/gtest.h>

namespace replyd::engine {
namespace {

constexpr std::string_view kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
constexpr std::string_view kKeyHex = "31f290f6bf06298aab4f08d43c3f082cf648a362da2da4b0";

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

TEST(WebhookSignature, ParsesTheSecret) {
  auto key = parse_webhook_secret(kSecret);
  ASSERT_TRUE(key);
  EXPECT_EQ(hex(*key), kKeyHex);
}

TEST(WebhookSignature, RefusesMalformedSecrets) {
  EXPECT_FALSE(parse_webhook_secret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
  EXPECT_FALSE(parse_webhook_secret("whsec_"));
  EXPECT_FALSE(parse_webhook_secret("whsec_not base64!"));
}

TEST(WebhookSignature, MatchesTheIndependentVector) {
  auto key = parse_webhook_secret(kSecret);
  ASSERT_TRUE(key);
  EXPECT_EQ(sign_webhook(*key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, R"({"test": 2432232314})"),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(WebhookSignature, ChangesWithEveryPart) {
  auto key = *parse_webhook_secret(kSecret);
  const std::string base = sign_webhook(key, "msg_1", 100, "{}");
  EXPECT_NE(sign_webhook(key, "msg_2", 100, "{}"), base);
  EXPECT_NE(sign_webhook(key, "msg_1", 101, "{}"), base);
  EXPECT_NE(sign_webhook(key, "msg_1", 100, "{ }"), base);
  EXPECT_NE(sign_webhook("other", "msg_1", 100, "{}"), base);
}

}  // namespace
}  // namespace replyd::engine
