#include "engine/webhook_signature.h"

#include "core/base64.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <fmt/format.h>

#include <stdexcept>

namespace replyd::engine {

std::optional<std::string> parse_webhook_secret(std::string_view secret) {
  constexpr std::string_view kPrefix = "whsec_";
  if (!secret.starts_with(kPrefix)) return std::nullopt;
  auto key = base64_decode(secret.substr(kPrefix.size()));
  if (!key || key->empty()) return std::nullopt;
  return key;
}

std::string sign_webhook(std::string_view key, std::string_view message_id, std::int64_t timestamp,
                         std::string_view body) {
  std::string content = fmt::format("{}.{}.", message_id, timestamp);
  content.append(body);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(content.data()), content.size(), digest, &length) == nullptr) {
    throw std::runtime_error("HMAC-SHA256 failed");  // only when OpenSSL itself is broken
  }
  return "v1," + base64_encode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

}  // namespace replyd::engine
