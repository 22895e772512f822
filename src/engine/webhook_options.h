// Tunables of webhooks (callbacks), set from the command line (cli/serve_options.cpp).
#pragma once

#include "core/clock.h"

#include <chrono>
#include <cstddef>
#include <map>
#include <string>

namespace replyd::engine {

struct WebhookOptions {
  // The HMAC key: the bytes of the base64 part of the `whsec_...` secret. Empty: no secret was given,
  // so callbacks are refused on submit (an unsigned webhook cannot be trusted by its receiver).
  std::string signing_key;
  std::map<std::string, std::string> queue_callbacks;  // per-queue default callback URL
  bool allow_private = false;                          // skip the SSRF guard
  // Retries: full-jitter exponential backoff, base * 2^(n-1) capped at `retry_cap`, until the window
  // (counted from the job's finish) is over.
  Duration retry_base = std::chrono::seconds(5);
  Duration retry_cap = std::chrono::hours(1);
  Duration retry_window = std::chrono::hours(24);
  std::chrono::milliseconds connect_timeout{5'000};
  std::chrono::milliseconds total_timeout{15'000};
  std::size_t max_response_body = 64 * 1024;
  // The dispatcher: how often it looks for due deliveries when nothing woke it, how many it claims at
  // once (and sends concurrently), and how long a claim protects a delivery from other nodes.
  Duration poll_interval = std::chrono::seconds(1);
  int batch = 32;
  Duration claim_ttl = std::chrono::seconds(60);

  bool enabled() const { return !signing_key.empty(); }
};

}  // namespace replyd::engine
