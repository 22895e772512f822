#include "cli/webhook_flags.h"

#include "core/queue_name.h"
#include "engine/webhook_signature.h"
#include "http/outbound_request.h"

#include <fmt/format.h>

namespace replyd::cli {

struct WebhookFlagValues {
  std::string secret;
  double retry_base_s = 5, retry_cap_s = 3600, retry_window_s = 86400;
  double connect_timeout_s = 5, timeout_s = 15, poll_interval_s = 1, claim_ttl_s = 60;
  std::vector<std::string> queue_callbacks;
};

namespace {

Duration seconds(double s, const char* name) {
  if (!(s > 0) || s > 10 * 366 * 86400.0) throw CLI::ValidationError(name, "must be a positive number of seconds");
  return Duration(static_cast<Duration::rep>(s * 1e6));
}

}  // namespace

std::shared_ptr<WebhookFlagValues> add_webhook_flags(CLI::App& c, engine::WebhookOptions& o) {
  auto v = std::make_shared<WebhookFlagValues>();
  c.add_option("--webhook-secret", v->secret,
               "Standard Webhooks signing secret, whsec_<base64>; without it callbacks are refused")
      ->envname("REPLYD_WEBHOOK_SECRET");
  c.add_option("--queue-callback", v->queue_callbacks, "Per-queue default callback URL, QUEUE=URL (repeatable)")
      ->envname("REPLYD_QUEUE_CALLBACK")->delimiter(',');
  c.add_flag("--webhook-allow-private", o.allow_private,
             "Allow webhooks to loopback, private, link-local and other non-public addresses (SSRF guard off)")
      ->envname("REPLYD_WEBHOOK_ALLOW_PRIVATE");
  c.add_option("--webhook-retry-base", v->retry_base_s, "Webhook backoff before the first retry (full jitter), seconds")
      ->envname("REPLYD_WEBHOOK_RETRY_BASE");
  c.add_option("--webhook-retry-cap", v->retry_cap_s, "Longest webhook backoff, seconds")
      ->envname("REPLYD_WEBHOOK_RETRY_CAP");
  c.add_option("--webhook-retry-window", v->retry_window_s,
               "Seconds after the job finished during which a webhook is retried; then it is failed")
      ->envname("REPLYD_WEBHOOK_RETRY_WINDOW");
  c.add_option("--webhook-connect-timeout", v->connect_timeout_s, "Seconds to connect to a webhook receiver")
      ->envname("REPLYD_WEBHOOK_CONNECT_TIMEOUT");
  c.add_option("--webhook-timeout", v->timeout_s, "Seconds for a whole webhook attempt (resolve, connect, answer)")
      ->envname("REPLYD_WEBHOOK_TIMEOUT");
  c.add_option("--webhook-poll-interval", v->poll_interval_s, "Seconds between looks for due webhook retries")
      ->envname("REPLYD_WEBHOOK_POLL_INTERVAL");
  c.add_option("--webhook-claim-ttl", v->claim_ttl_s,
               "Seconds a node holds a delivery it is sending; after that (node died) another node sends it")
      ->envname("REPLYD_WEBHOOK_CLAIM_TTL");
  return v;
}

void finish_webhook_flags(const WebhookFlagValues& v, engine::WebhookOptions& o) {
  if (!v.secret.empty()) {
    auto key = engine::parse_webhook_secret(v.secret);
    if (!key) throw CLI::ValidationError("--webhook-secret", "must be whsec_ followed by non-empty base64");
    o.signing_key = std::move(*key);
  }
  o.retry_base = seconds(v.retry_base_s, "--webhook-retry-base");
  o.retry_cap = seconds(v.retry_cap_s, "--webhook-retry-cap");
  o.retry_window = seconds(v.retry_window_s, "--webhook-retry-window");
  o.connect_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
      seconds(v.connect_timeout_s, "--webhook-connect-timeout"));
  o.total_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(seconds(v.timeout_s, "--webhook-timeout"));
  o.poll_interval = seconds(v.poll_interval_s, "--webhook-poll-interval");
  o.claim_ttl = seconds(v.claim_ttl_s, "--webhook-claim-ttl");
  if (o.claim_ttl <= o.total_timeout) {
    throw CLI::ValidationError("--webhook-claim-ttl", "must be longer than --webhook-timeout");
  }
  for (const auto& entry : v.queue_callbacks) {
    auto eq = entry.find('=');
    if (eq == std::string::npos || !valid_queue_name(entry.substr(0, eq))) {
      throw CLI::ValidationError("--queue-callback", fmt::format("'{}' is not QUEUE=URL", entry));
    }
    std::string url = entry.substr(eq + 1);
    if (auto refused = http::check_outbound_url(url, o.allow_private)) {
      throw CLI::ValidationError("--queue-callback", fmt::format("'{}': {}", url, *refused));
    }
    o.queue_callbacks[entry.substr(0, eq)] = url;
  }
  if (!o.queue_callbacks.empty() && !o.enabled()) {
    throw CLI::ValidationError("--queue-callback", "needs --webhook-secret (callbacks are always signed)");
  }
}

}  // namespace replyd::cli
