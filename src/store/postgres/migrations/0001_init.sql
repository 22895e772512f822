-- replyd schema, version 1.
-- Times are microseconds since the Unix epoch and durations microseconds (bigint: exact, and the same
-- numbers as core/clock.h). States are 0 queued, 1 running, 2 succeeded, 3 failed, 4 cancelled.

-- The hot state row of a job. Payload and result bytes live in their own tables so that a state change
-- or a heartbeat never rewrites them.
CREATE TABLE jobs (
  seq bigint GENERATED ALWAYS AS IDENTITY,
  id uuid NOT NULL PRIMARY KEY,
  queue text NOT NULL,
  state smallint NOT NULL,
  priority integer NOT NULL,
  attempt integer NOT NULL,
  max_attempts integer NOT NULL,
  cancel_requested boolean NOT NULL,
  progress_current bigint,
  progress_total bigint,
  progress_message text,  -- NULL: no progress reported
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  run_at bigint NOT NULL,
  started_at bigint,
  finished_at bigint,
  expires_at bigint,
  timeout_us bigint,
  ttl_us bigint NOT NULL,
  lease_token text,
  lease_expires_at bigint,
  attempt_deadline bigint,
  error_type text,  -- NULL: no error
  error_title text,
  error_status integer,
  error_detail text,
  payload_content_type text NOT NULL,
  payload_size bigint NOT NULL,
  result_content_type text NOT NULL,
  result_size bigint NOT NULL,
  callback_url text NOT NULL,
  version bigint NOT NULL
) WITH (fillfactor = 90, autovacuum_vacuum_scale_factor = 0.02, autovacuum_analyze_scale_factor = 0.02);

-- List order and cursor.
CREATE UNIQUE INDEX jobs_seq ON jobs (seq);
-- Leasing: the due queued jobs of a queue in lease order (FOR UPDATE SKIP LOCKED walks it).
CREATE INDEX jobs_lease ON jobs (queue, priority DESC, run_at, seq) WHERE state = 0;
-- When the next delayed or backing-off job of a queue becomes due.
CREATE INDEX jobs_next_due ON jobs (queue, run_at) WHERE state = 0;
-- The lease reaper.
CREATE INDEX jobs_lease_expiry ON jobs (lease_expires_at) WHERE state = 1;
-- Retention.
CREATE INDEX jobs_retention ON jobs (expires_at) WHERE state >= 2;
-- Lists filtered by queue, by state, or both; the last also finds a queue's oldest queued job.
CREATE INDEX jobs_by_queue ON jobs (queue, seq);
CREATE INDEX jobs_by_state ON jobs (state, seq);
CREATE INDEX jobs_by_queue_state ON jobs (queue, state, seq);

CREATE TABLE job_payloads (
  job_id uuid NOT NULL PRIMARY KEY,
  bytes bytea NOT NULL
);

CREATE TABLE job_results (
  job_id uuid NOT NULL PRIMARY KEY,
  bytes bytea NOT NULL
);

-- Idempotency-Key of a submit, scoped per queue. Deleted with its job, or once expired.
CREATE TABLE idempotency_keys (
  queue text NOT NULL,
  key text NOT NULL,
  body_hash text NOT NULL,
  job_id uuid NOT NULL,
  expires_at bigint NOT NULL,
  PRIMARY KEY (queue, key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
CREATE INDEX idempotency_keys_job ON idempotency_keys (job_id);

-- Jobs per (queue, state), maintained in every write transaction so that queue statistics never count
-- the jobs table. Each writer adds to its own shard, so that nodes committing at the same time do not
-- queue up on one row; readers sum the shards.
CREATE TABLE queue_counts (
  queue text NOT NULL,
  state smallint NOT NULL,
  shard smallint NOT NULL,
  n bigint NOT NULL,
  PRIMARY KEY (queue, state, shard)
) WITH (fillfactor = 50);

-- Jobs that reached a terminal state, per queue and second (the recent-throughput statistic); rows
-- older than a few minutes are deleted by purge_expired.
CREATE TABLE finished_counts (
  queue text NOT NULL,
  second bigint NOT NULL,
  shard smallint NOT NULL,
  n bigint NOT NULL,
  PRIMARY KEY (queue, second, shard)
) WITH (fillfactor = 50);
CREATE INDEX finished_counts_second ON finished_counts (second);
