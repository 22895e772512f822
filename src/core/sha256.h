// SHA-256 digests (OpenSSL), for request fingerprints and checksums.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <initializer_list>

namespace replyd {

using Sha256Digest = std::array<std::uint8_t, 32>;

// The digest of the concatenation of `parts`.
Sha256Digest sha256(std::initializer_list<std::string_view> parts);

// Lowercase hexadecimal.
std::string to_hex(const Sha256Digest& digest);

}  // namespace replyd
