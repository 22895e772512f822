// The SQL of the PostgreSQL store's webhook deliveries (migration 0002). Rows are read with the
// columns of kDeliveryColumns, in its order (pg_delivery_row.h decodes them).
#pragma once

#include "store/postgres/pg_connection.h"

namespace replyd::store::postgres::sql {

#define REPLYD_PG_DELIVERY_COLUMNS                                                              \
  "job_id, queue, job_state, url, created_at, state, attempts, last_error, next_attempt_at, " \
  "delivered_at, claim_token, claim_expires_at"

// Writer, in the batch that makes the job terminal. $1 job id, $2 queue, $3 job state, $4 url,
// $5 created_at (also the first attempt's time).
inline constexpr Statement kInsertDelivery{
    "insert_delivery",
    "INSERT INTO webhook_deliveries (job_id, queue, job_state, url, created_at, state, attempts, last_error, "
    "next_attempt_at, claim_token) VALUES ($1, $2, $3, $4, $5, 0, 0, '', $5, '') ON CONFLICT (job_id) DO "
    "NOTHING"};

// Claims due deliveries in one statement: rows another node is claiming right now are skipped (SKIP
// LOCKED), and a claim that expired (its node died) is due again. $1 now, $2 limit, $3 token, $4 expiry.
inline constexpr Statement kClaimDeliveries{
    "claim_deliveries",
    "WITH pending AS (SELECT job_id FROM webhook_deliveries WHERE state = 0 AND next_attempt_at <= $1 "
    "ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED), "
    "orphaned AS (SELECT job_id FROM webhook_deliveries WHERE state = 1 AND claim_expires_at <= $1 "
    "ORDER BY claim_expires_at LIMIT $2 FOR UPDATE SKIP LOCKED), "
    "chosen AS (SELECT job_id FROM pending UNION ALL SELECT job_id FROM orphaned LIMIT $2) "
    "UPDATE webhook_deliveries d SET state = 1, claim_token = $3, claim_expires_at = $4 FROM chosen "
    "WHERE d.job_id = chosen.job_id RETURNING d.job_id, d.queue, d.job_state, d.url, d.created_at, d.state, "
    "d.attempts, d.last_error, d.next_attempt_at, d.delivered_at, d.claim_token, d.claim_expires_at"};

// $1 job id, $2 claim token, $3 new state, $4 last error, $5 next attempt, $6 delivered_at.
inline constexpr Statement kReportDelivery{
    "report_delivery",
    "UPDATE webhook_deliveries SET state = $3, attempts = attempts + 1, "
    "last_error = CASE WHEN $4 = '' THEN last_error ELSE $4 END, next_attempt_at = $5, "
    "delivered_at = $6, claim_token = '', claim_expires_at = NULL WHERE job_id = $1 AND state = 1 AND "
    "claim_token = $2"};

inline constexpr Statement kDeliveryByJob{
    "delivery_by_job", "SELECT " REPLYD_PG_DELIVERY_COLUMNS " FROM webhook_deliveries WHERE job_id = $1"};

#undef REPLYD_PG_DELIVERY_COLUMNS

}  // namespace replyd::store::postgres::sql
