// Job ids: 128 random bits from a CSPRNG, written as 26 lowercase base32 characters (RFC 4648
// alphabet, no padding). Unguessable, so a status URL can be shared as a capability; URL-safe and
// never starting with '-', so it is also safe as a command-line argument.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace replyd {

class JobId {
 public:
  static constexpr std::size_t kTextLength = 26;
  using Bytes = std::array<std::uint8_t, 16>;

  JobId() = default;
  explicit JobId(const Bytes& bytes) : bytes_(bytes) {}

  // A fresh random id. Thread-safe. Throws only if the system random source fails.
  static JobId random();
  // The id written by `to_string`, or nullopt for anything else (wrong length, characters outside
  // the alphabet, or non-zero padding bits, so that each id has exactly one text form).
  static std::optional<JobId> parse(std::string_view text);

  std::string to_string() const;
  // Writes exactly kTextLength characters to `out`.
  void write_to(char* out) const;
  const Bytes& bytes() const { return bytes_; }

  auto operator<=>(const JobId&) const = default;

 private:
  Bytes bytes_{};
};

// A fresh unguessable token (same text form as a job id), used for lease tokens. Thread-safe.
std::string random_token();

}  // namespace replyd

template <>
struct std::hash<replyd::JobId> {
  std::size_t operator()(const replyd::JobId& id) const noexcept {
    std::size_t h;
    static_assert(sizeof(h) <= sizeof(replyd::JobId::Bytes));
    __builtin_memcpy(&h, id.bytes().data(), sizeof(h));  // the bytes are already uniformly random
    return h;
  }
};
