#include "cli/serve_options.h"

#include "cli/webhook_flags.h"

#include <fmt/format.h>

#include <filesystem>
#include <thread>

namespace replyd::cli {

struct ServeOptionValues {
  double header_timeout_s = 10, body_timeout_s = 300, idle_timeout_s = 60, write_timeout_s = 30;
  double lease_ttl_s = 30, max_wait_s = 60, retry_base_s = 1, retry_cap_s = 300;
  double ttl_s = 86400, max_ttl_s = 30 * 86400, idempotency_ttl_s = 86400;
  double reaper_interval_s = 1, retention_interval_s = 10;
  double sse_heartbeat_s = 15, progress_interval_s = 1;
  std::string sync = "full";
  std::vector<std::string> queue_max_attempts;
  std::shared_ptr<WebhookFlagValues> webhooks;
};

namespace {

Duration seconds_to_duration(double s, const char* name) {
  if (!(s > 0) || s > 10 * 366 * 86400.0) throw CLI::ValidationError(name, "must be a positive number of seconds");
  return Duration(static_cast<Duration::rep>(s * 1e6));
}

// Uploads sit beside the SQLite database (the data directory); a PostgreSQL deployment has none.
std::string default_upload_dir(const std::string& store_uri) {
  if (store_uri.starts_with("sqlite:")) {
    auto parent = std::filesystem::path(store_uri.substr(7)).parent_path();
    return (parent.empty() ? std::filesystem::path("uploads") : parent / "uploads").string();
  }
  return "replyd-data/uploads";
}

std::chrono::milliseconds seconds_to_ms(double s, const char* name) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(seconds_to_duration(s, name));
}

}  // namespace

std::shared_ptr<ServeOptionValues> add_serve_options(CLI::App& c, ServeOptions& o) {
  auto v = std::make_shared<ServeOptionValues>();
  c.option_defaults()->always_capture_default();

  c.add_option("--listen", o.server.listen, "Address and port to listen on (port 0 picks a free port)")
      ->envname("REPLYD_LISTEN");
  c.add_option("--store", o.store_uri,
               "Job store: sqlite:PATH (embedded, one node) or postgres://user@host:port/db (several nodes)")
      ->envname("REPLYD_STORE");
  c.add_option("--public-url", o.api.public_url,
               "Absolute URL clients reach this server at, for Location headers and links "
               "(default: from the request's Host header)")
      ->envname("REPLYD_PUBLIC_URL");
  c.add_option("--threads", o.threads, "I/O threads (0: one per core)")->envname("REPLYD_THREADS")->check(CLI::Range(0, 256));
  c.add_option("--log-level", o.log_level, "trace, debug, info, warn, error")
      ->envname("REPLYD_LOG_LEVEL")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));

  // Limits and timeouts of the HTTP layer.
  c.add_option("--max-body", o.server.max_body_bytes, "Largest request body (payloads, results), in bytes")
      ->envname("REPLYD_MAX_BODY")->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 40));
  c.add_option("--max-header", o.server.max_header_bytes, "Largest request head (request line and headers), in bytes")
      ->envname("REPLYD_MAX_HEADER")->check(CLI::Range(std::size_t{1024}, std::size_t{1} << 20));
  c.add_option("--max-connections", o.server.max_connections, "Open connections at most; more get 503")
      ->envname("REPLYD_MAX_CONNECTIONS")->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}));
  c.add_option("--header-timeout", v->header_timeout_s, "Seconds to receive a request head")->envname("REPLYD_HEADER_TIMEOUT");
  c.add_option("--body-timeout", v->body_timeout_s, "Seconds to receive a request body")->envname("REPLYD_BODY_TIMEOUT");
  c.add_option("--idle-timeout", v->idle_timeout_s, "Seconds a keep-alive connection may stay idle")->envname("REPLYD_IDLE_TIMEOUT");
  c.add_option("--write-timeout", v->write_timeout_s, "Seconds to send a response or an event")->envname("REPLYD_WRITE_TIMEOUT");

  // Job semantics.
  c.add_option("--lease-ttl", v->lease_ttl_s, "Seconds a lease lasts without a heartbeat")->envname("REPLYD_LEASE_TTL");
  c.add_option("--max-wait", v->max_wait_s, "Longest Prefer: wait honoured, in seconds")->envname("REPLYD_MAX_WAIT");
  c.add_option("--retry-base", v->retry_base_s, "Backoff before the first retry (full jitter), seconds")->envname("REPLYD_RETRY_BASE");
  c.add_option("--retry-cap", v->retry_cap_s, "Longest backoff between retries, seconds")->envname("REPLYD_RETRY_CAP");
  c.add_option("--max-attempts", o.engine.default_max_attempts, "Default attempts per job")
      ->envname("REPLYD_MAX_ATTEMPTS")->check(CLI::Range(1, 1000));
  c.add_option("--queue-max-attempts", v->queue_max_attempts, "Per-queue default attempts, QUEUE=N (repeatable)")
      ->envname("REPLYD_QUEUE_MAX_ATTEMPTS")->delimiter(',');
  c.add_option("--ttl", v->ttl_s, "Default retention of finished jobs, seconds")->envname("REPLYD_TTL");
  c.add_option("--max-ttl", v->max_ttl_s, "Longest retention a client may ask for, seconds")->envname("REPLYD_MAX_TTL");
  c.add_option("--idempotency-ttl", v->idempotency_ttl_s, "How long an Idempotency-Key is remembered, seconds")
      ->envname("REPLYD_IDEMPOTENCY_TTL");
  c.add_option("--sse-heartbeat", v->sse_heartbeat_s, "Seconds between heartbeat comments on an idle event stream")
      ->envname("REPLYD_SSE_HEARTBEAT");
  c.add_option("--progress-interval", v->progress_interval_s,
               "Seconds between stored progress writes of one job; updates in between are kept in memory")
      ->envname("REPLYD_PROGRESS_INTERVAL");
  c.add_option("--reaper-interval", v->reaper_interval_s, "Seconds between looks for expired leases")
      ->envname("REPLYD_REAPER_INTERVAL");
  c.add_option("--retention-interval", v->retention_interval_s, "Seconds between retention passes")
      ->envname("REPLYD_RETENTION_INTERVAL");

  // Store tuning.
  c.add_option("--sync", v->sync,
               "SQLite durability: full (fsync before every 202; default) or normal (faster; the last "
               "commits may be lost on power failure, never on a crash of replyd)")
      ->envname("REPLYD_SYNC")->check(CLI::IsMember({"full", "normal"}));
  c.add_option("--max-pending-writes", o.store.max_pending_ops,
               "Writes waiting for the store at most; beyond, submits get 503 with Retry-After")
      ->envname("REPLYD_MAX_PENDING_WRITES")->check(CLI::Range(std::size_t{1}, std::size_t{10'000'000}));

  c.add_option("--shutdown-grace", o.shutdown_grace_s, "Seconds in-flight requests get to finish on SIGTERM")
      ->envname("REPLYD_SHUTDOWN_GRACE");
  c.add_flag("--demo", o.demo, "Also run the demo workers (queues demo, upload, report; email with --smtp-url)")->envname("REPLYD_DEMO");
  c.add_option("--demo-duration", o.demo_settings.duration_s, "Seconds a demo job takes")->envname("REPLYD_DEMO_DURATION");
  c.add_option("--upload-dir", o.demo_settings.upload_dir,
               "Directory the demo upload worker stores files in (default: 'uploads' beside the SQLite database, "
               "else replyd-data/uploads)")
      ->envname("REPLYD_UPLOAD_DIR");
  c.add_option("--upload-url", o.demo_settings.upload_url,
               "HTTP storage server the demo upload worker PUTs files to instead (see examples/storage_server)")
      ->envname("REPLYD_UPLOAD_URL");
  c.add_option("--upload-chunk-size", o.demo_settings.upload_chunk_bytes, "Bytes per uploaded chunk (demo upload worker)")
      ->envname("REPLYD_UPLOAD_CHUNK_SIZE")->check(CLI::Range(std::size_t{1024}, std::size_t{64} << 20));
  c.add_option("--demo-upload-chunk-delay", o.demo_settings.upload_chunk_delay_s,
               "Seconds the demo upload worker pauses after each chunk, so the progress bar visibly moves")
      ->envname("REPLYD_DEMO_UPLOAD_CHUNK_DELAY")->check(CLI::Range(0.0, 60.0));
  c.add_option("--smtp-url", o.demo_settings.smtp_url,
               "SMTP server of the demo email worker, smtp://host:port (queue 'email' runs only when set)")
      ->envname("REPLYD_SMTP_URL");
  c.add_option("--smtp-from", o.demo_settings.smtp_from, "Sender address of the demo email worker")
      ->envname("REPLYD_SMTP_FROM");
  v->webhooks = add_webhook_flags(c, o.engine.webhooks);
  return v;
}

void finish_serve_options(const ServeOptionValues& v, ServeOptions& o) {
  o.server.header_timeout = seconds_to_ms(v.header_timeout_s, "--header-timeout");
  o.server.body_timeout = seconds_to_ms(v.body_timeout_s, "--body-timeout");
  o.server.idle_timeout = seconds_to_ms(v.idle_timeout_s, "--idle-timeout");
  o.server.write_timeout = seconds_to_ms(v.write_timeout_s, "--write-timeout");
  o.engine.lease_ttl = seconds_to_duration(v.lease_ttl_s, "--lease-ttl");
  o.engine.max_wait = seconds_to_duration(v.max_wait_s, "--max-wait");
  o.engine.retry = RetryPolicy{seconds_to_duration(v.retry_base_s, "--retry-base"),
                               seconds_to_duration(v.retry_cap_s, "--retry-cap")};
  o.engine.default_ttl = seconds_to_duration(v.ttl_s, "--ttl");
  o.engine.max_ttl = seconds_to_duration(v.max_ttl_s, "--max-ttl");
  o.engine.idempotency_ttl = seconds_to_duration(v.idempotency_ttl_s, "--idempotency-ttl");
  o.engine.reaper_interval = seconds_to_duration(v.reaper_interval_s, "--reaper-interval");
  o.api.sse_heartbeat = seconds_to_ms(v.sse_heartbeat_s, "--sse-heartbeat");
  o.engine.progress_persist_interval = seconds_to_duration(v.progress_interval_s, "--progress-interval");
  o.engine.retention_interval = seconds_to_duration(v.retention_interval_s, "--retention-interval");
  for (const auto& entry : v.queue_max_attempts) {
    auto eq = entry.find('=');
    int n = 0;
    try {
      n = eq == std::string::npos ? 0 : std::stoi(entry.substr(eq + 1));
    } catch (const std::exception&) {
      n = 0;
    }
    if (eq == std::string::npos || eq == 0 || n < 1 || n > 1000) {
      throw CLI::ValidationError("--queue-max-attempts", fmt::format("'{}' is not QUEUE=N with N in 1..1000", entry));
    }
    o.engine.queue_max_attempts[entry.substr(0, eq)] = n;
  }
  if (o.engine.default_ttl > o.engine.max_ttl) throw CLI::ValidationError("--ttl", "may not exceed --max-ttl");
  finish_webhook_flags(*v.webhooks, o.engine.webhooks);
  o.store.synchronous_full = v.sync == "full";
  if (o.demo_settings.upload_dir.empty()) o.demo_settings.upload_dir = default_upload_dir(o.store_uri);
  o.api.max_payload_bytes = o.server.max_body_bytes;
  o.api.max_result_bytes = o.server.max_body_bytes;
  if (o.threads == 0) o.threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace replyd::cli
