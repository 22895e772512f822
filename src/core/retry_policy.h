// Exponential backoff with full jitter: the delay before retry n (n = attempts made so far, >= 1) is
// uniform in [0, min(cap, base * 2^(n-1))]. Randomness is passed in, so the policy is pure.
#pragma once

#include "core/clock.h"

#include <chrono>

namespace replyd {

struct RetryPolicy {
  Duration base = std::chrono::seconds(1);
  Duration cap = std::chrono::minutes(5);

  // The ceiling of the delay after `attempts` failed attempts (before jitter).
  Duration ceiling(int attempts) const;
  // `unit` is a uniform random number in [0, 1).
  Duration backoff(int attempts, double unit) const;
};

// A deterministic uniform number in [0, 1) derived from a seed and a value (for batch operations that
// need one independent jitter per job from one seed).
double unit_from_seed(std::uint64_t seed, std::uint64_t value);

}  // namespace replyd
