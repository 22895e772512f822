#include "core/retry_policy.h"

#include <algorithm>

namespace replyd {

Duration RetryPolicy::ceiling(int attempts) const {
  if (attempts < 1) attempts = 1;
  // Double until the cap is reached; checking before each doubling avoids overflow for any count.
  Duration d = base;
  for (int i = 1; i < attempts && d < cap; ++i) d *= 2;
  return std::min(d, cap);
}

Duration RetryPolicy::backoff(int attempts, double unit) const {
  unit = std::clamp(unit, 0.0, 1.0);
  return Duration(static_cast<Duration::rep>(static_cast<double>(ceiling(attempts).count()) * unit));
}

double unit_from_seed(std::uint64_t seed, std::uint64_t value) {
  // splitmix64 finaliser: cheap, and every input bit affects every output bit.
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (value + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * (1.0 / 9007199254740992.0);  // 53 bits -> [0, 1)
}

}  // namespace replyd
