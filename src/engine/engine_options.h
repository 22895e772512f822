// Tunables of the job service, set from the command line (cli/serve.cpp) with these defaults.
#pragma once

#include "core/clock.h"
#include "core/retry_policy.h"
#include "engine/webhook_options.h"

#include <chrono>
#include <map>
#include <string>

namespace replyd::engine {

struct EngineOptions {
  // How long a lease lasts without a heartbeat; workers heartbeat well within it.
  Duration lease_ttl = std::chrono::seconds(30);
  // At most one stored progress write per job in this interval; updates in between are kept in memory
  // and published to this node's waiters at once (see ProgressBoard).
  Duration progress_persist_interval = std::chrono::seconds(1);
  // Longest `Prefer: wait=N` honoured (long-polls of status, submit and lease).
  Duration max_wait = std::chrono::seconds(60);
  RetryPolicy retry{std::chrono::seconds(1), std::chrono::minutes(5)};
  int default_max_attempts = 5;
  std::map<std::string, int> queue_max_attempts;  // per-queue default, overrides default_max_attempts
  Duration default_ttl = std::chrono::hours(24);
  Duration max_ttl = std::chrono::hours(24 * 30);
  Duration idempotency_ttl = std::chrono::hours(24);
  // Background duties: how often expired leases are looked for, how often retention runs, batch sizes.
  Duration reaper_interval = std::chrono::seconds(1);
  Duration retention_interval = std::chrono::seconds(10);
  int reaper_batch = 500;
  int purge_batch = 500;
  // Largest jobs a lease request may take at once (batch form).
  int max_lease_batch = 256;
  // Callbacks: secret, per-queue defaults, SSRF guard, retry schedule (webhook_options.h).
  WebhookOptions webhooks;
};

}  // namespace replyd::engine
