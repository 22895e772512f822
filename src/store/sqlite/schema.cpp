#include "store/sqlite/schema.h"

#include <fmt/format.h>

#include <stdexcept>

namespace replyd::store::sqlite {
namespace {

// Index notes: SQLite appends the rowid (seq) to every index entry, so `jobs(queue)` is ordered by
// (queue, seq) and serves "newest first" lists without naming seq. The partial indexes only hold the
// rows each background query looks at: queued jobs for leasing, running jobs for lease expiry,
// finished jobs for retention.
constexpr std::string_view kMigration1Initial = R"sql(
CREATE TABLE jobs (
  seq                  INTEGER PRIMARY KEY,
  id                   BLOB NOT NULL,
  queue                TEXT NOT NULL,
  state                INTEGER NOT NULL,
  priority             INTEGER NOT NULL,
  attempt              INTEGER NOT NULL,
  max_attempts         INTEGER NOT NULL,
  cancel_requested     INTEGER NOT NULL,
  progress_current     INTEGER,
  progress_total       INTEGER,
  progress_message     TEXT,
  created_at           INTEGER NOT NULL,
  updated_at           INTEGER NOT NULL,
  run_at               INTEGER NOT NULL,
  started_at           INTEGER,
  finished_at          INTEGER,
  expires_at           INTEGER,
  timeout_us           INTEGER,
  ttl_us               INTEGER NOT NULL,
  lease_token          TEXT NOT NULL,
  lease_expires_at     INTEGER,
  attempt_deadline     INTEGER,
  error_type           TEXT,
  error_title          TEXT,
  error_status         INTEGER,
  error_detail         TEXT,
  payload_content_type TEXT NOT NULL,
  payload_size         INTEGER NOT NULL,
  result_content_type  TEXT NOT NULL,
  result_size          INTEGER NOT NULL,
  callback_url         TEXT NOT NULL,
  version              INTEGER NOT NULL
);
CREATE UNIQUE INDEX jobs_id ON jobs(id);
CREATE INDEX jobs_lease ON jobs(queue, priority DESC, run_at) WHERE state = 0;
CREATE INDEX jobs_next_due ON jobs(queue, run_at) WHERE state = 0;
CREATE INDEX jobs_lease_expiry ON jobs(lease_expires_at) WHERE state = 1;
CREATE INDEX jobs_retention ON jobs(expires_at) WHERE state >= 2;
CREATE INDEX jobs_by_queue ON jobs(queue);
CREATE INDEX jobs_by_state ON jobs(state);
CREATE INDEX jobs_by_queue_state ON jobs(queue, state);

CREATE TABLE payloads (
  seq   INTEGER PRIMARY KEY,
  bytes BLOB NOT NULL
);
CREATE TABLE results (
  seq   INTEGER PRIMARY KEY,
  bytes BLOB NOT NULL
);

CREATE TABLE idempotency_keys (
  queue      TEXT NOT NULL,
  key        TEXT NOT NULL,
  body_hash  BLOB NOT NULL,
  job_seq    INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  PRIMARY KEY (queue, key)
) WITHOUT ROWID;
CREATE INDEX idempotency_keys_expiry ON idempotency_keys(expires_at);

CREATE TABLE queue_counts (
  queue TEXT NOT NULL,
  state INTEGER NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (queue, state)
) WITHOUT ROWID;

CREATE TABLE finished_counts (
  queue  TEXT NOT NULL,
  second INTEGER NOT NULL,
  count  INTEGER NOT NULL,
  PRIMARY KEY (queue, second)
) WITHOUT ROWID;

CREATE TABLE probe (
  id     INTEGER PRIMARY KEY CHECK (id = 1),
  writes INTEGER NOT NULL
);
)sql";

// One webhook delivery per finished job with a callback. The partial indexes hold only what the
// dispatcher looks for: pending deliveries by due time, claimed ones by claim expiry.
constexpr std::string_view kMigration2WebhookDeliveries = R"sql(
CREATE TABLE webhook_deliveries (
  job_seq          INTEGER PRIMARY KEY,
  job_id           BLOB NOT NULL,
  queue            TEXT NOT NULL,
  job_state        INTEGER NOT NULL,
  url              TEXT NOT NULL,
  created_at       INTEGER NOT NULL,
  state            INTEGER NOT NULL,
  attempts         INTEGER NOT NULL,
  last_error       TEXT NOT NULL,
  next_attempt_at  INTEGER,
  delivered_at     INTEGER,
  claim_token      TEXT NOT NULL,
  claim_expires_at INTEGER
);
CREATE UNIQUE INDEX webhook_deliveries_job ON webhook_deliveries(job_id);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(next_attempt_at) WHERE state = 0;
CREATE INDEX webhook_deliveries_claims ON webhook_deliveries(claim_expires_at) WHERE state = 1;
)sql";

// The file name a client may give a payload on submit (?filename=); '' when none.
constexpr std::string_view kMigration3JobFilename = R"sql(
ALTER TABLE jobs ADD COLUMN filename TEXT NOT NULL DEFAULT '';
)sql";

constexpr Migration kMigrations[] = {
    {1, "initial schema", kMigration1Initial},
    {2, "webhook deliveries", kMigration2WebhookDeliveries},
    {3, "job file names", kMigration3JobFilename},
};
static_assert(std::size(kMigrations) == kSchemaVersion);

}  // namespace

std::span<const Migration> migrations() { return kMigrations; }

void migrate(Connection& db) {
  auto current = db.query_int64("PRAGMA user_version");
  if (!current)
    throw std::runtime_error(fmt::format("SQLite database '{}': {}", db.path(), current.error().detail()));
  if (*current > kSchemaVersion) {
    throw std::runtime_error(
        fmt::format("SQLite database '{}' has schema version {}, newer than this replyd supports ({}); use a "
                    "newer replyd",
                    db.path(), *current, kSchemaVersion));
  }
  for (const Migration& m : kMigrations) {
    if (m.version <= *current) continue;
    // The version bump commits with the migration itself: a crash leaves either version, never half.
    auto applied = db.exec("BEGIN IMMEDIATE");
    if (applied) applied = db.exec(m.sql);
    if (applied) applied = db.exec(fmt::format("PRAGMA user_version = {}", m.version));
    if (applied) applied = db.exec("COMMIT");
    if (!applied) {
      (void)db.exec("ROLLBACK");
      throw std::runtime_error(fmt::format("SQLite database '{}': migration {} ({}) failed: {}", db.path(),
                                           m.version, m.name, applied.error().detail()));
    }
  }
}

}  // namespace replyd::store::sqlite
