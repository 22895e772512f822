#include "core/job_id.h"

#include <openssl/rand.h>

#include <stdexcept>

namespace replyd {
namespace {

constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";

int decode_char(char c) {
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= '2' && c <= '7') return c - '2' + 26;
  return -1;
}

}  // namespace

JobId JobId::random() {
  Bytes bytes;
  // OpenSSL's DRBG is seeded from the kernel and keeps per-thread state: no syscall per id.
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed: no random source");
  }
  return JobId(bytes);
}

void JobId::write_to(char* out) const {
  std::uint32_t buffer = 0;
  int bits = 0;
  std::size_t n = 0;
  for (std::uint8_t byte : bytes_) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out[n++] = kAlphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  // 128 bits leave 3 bits: they become the top of the last character, padded with zero bits.
  out[n] = kAlphabet[(buffer << (5 - bits)) & 31];
}

std::string JobId::to_string() const {
  std::string text(kTextLength, '\0');
  write_to(text.data());
  return text;
}

std::optional<JobId> JobId::parse(std::string_view text) {
  if (text.size() != kTextLength) return std::nullopt;
  Bytes bytes{};
  std::uint32_t buffer = 0;
  int bits = 0;
  std::size_t n = 0;
  for (std::size_t i = 0; i < kTextLength; ++i) {
    int v = decode_char(text[i]);
    if (v < 0) return std::nullopt;
    if (i == kTextLength - 1) {
      // Last character: 3 data bits, then 2 padding bits that must be zero.
      if ((v & 3) != 0) return std::nullopt;
      buffer = (buffer << 3) | (static_cast<std::uint32_t>(v) >> 2);
      bits += 3;
    } else {
      buffer = (buffer << 5) | static_cast<std::uint32_t>(v);
      bits += 5;
    }
    if (bits >= 8) {
      bytes[n++] = static_cast<std::uint8_t>(buffer >> (bits - 8));
      bits -= 8;
    }
  }
  return JobId(bytes);
}

std::string random_token() { return JobId::random().to_string(); }

}  // namespace replyd
