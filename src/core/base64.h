// Base64 (RFC 4648 section 4, with padding), for binary payloads inside JSON documents.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace replyd {

std::string base64_encode(std::string_view bytes);
// nullopt for anything that is not canonical padded base64.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace replyd
