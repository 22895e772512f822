-- replyd schema, version 2: webhook deliveries.
-- One row per finished job that has a callback URL, inserted in the transaction that makes the job
-- terminal. state: 0 pending, 1 delivering (claimed by a node until claim_expires_at), 2 delivered,
-- 3 failed, 4 disabled (410 Gone). Deleted with the job by retention.
CREATE TABLE webhook_deliveries (
  job_id uuid NOT NULL PRIMARY KEY,
  queue text NOT NULL,
  job_state smallint NOT NULL,
  url text NOT NULL,
  created_at bigint NOT NULL,
  state smallint NOT NULL,
  attempts integer NOT NULL,
  last_error text NOT NULL,
  next_attempt_at bigint,
  delivered_at bigint,
  claim_token text NOT NULL,
  claim_expires_at bigint
);

-- What the dispatchers of every node look for: due pending deliveries, and claims that expired.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE state = 0;
CREATE INDEX webhook_deliveries_claims ON webhook_deliveries (claim_expires_at) WHERE state = 1;
