// Standard Webhooks signing (https://www.standardwebhooks.com): the receiver recomputes
// base64(HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}")) and compares it with the
// `webhook-signature` header, "v1,<signature>". The key is the base64 text after "whsec_" in the secret.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace replyd::engine {

// The key bytes of a "whsec_<base64>" secret, or nullopt when it is not of that form (or empty).
std::optional<std::string> parse_webhook_secret(std::string_view secret);

// "v1,<base64 signature>" of the message.
std::string sign_webhook(std::string_view key, std::string_view message_id, std::int64_t timestamp,
                         std::string_view body);

}  // namespace replyd::engine
