// The SQL of the SQLite store's webhook deliveries (table `webhook_deliveries`, schema version 2).
// Rows are always read with kDeliveryColumns, in its order (delivery_row.h decodes it).
#pragma once

#include <string_view>

namespace replyd::store::sqlite::sql {

// clang-format off
#define REPLYD_DELIVERY_COLUMNS                                                                     \
  "job_id, queue, job_state, url, created_at, state, attempts, last_error, next_attempt_at, "       \
  "delivered_at, claim_token, claim_expires_at"

// ?1 job seq, ?2 job id, ?3 queue, ?4 job state, ?5 url, ?6 created_at (also the first attempt).
inline constexpr std::string_view kInsertDelivery =
    "INSERT OR IGNORE INTO webhook_deliveries (job_seq, job_id, queue, job_state, url, created_at, state, "
    "attempts, last_error, next_attempt_at, claim_token) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, 0, '', ?6, '')";

// Due pending deliveries and deliveries whose claim expired, ?1 = now, ?2 = limit.
inline constexpr std::string_view kDueDeliveries =
    "SELECT " REPLYD_DELIVERY_COLUMNS " FROM ("
    "SELECT " REPLYD_DELIVERY_COLUMNS ", next_attempt_at AS due FROM webhook_deliveries "
    "INDEXED BY webhook_deliveries_due WHERE state = 0 AND next_attempt_at <= ?1 "
    "UNION ALL "
    "SELECT " REPLYD_DELIVERY_COLUMNS ", claim_expires_at AS due FROM webhook_deliveries "
    "INDEXED BY webhook_deliveries_claims WHERE state = 1 AND claim_expires_at <= ?1"
    ") ORDER BY due LIMIT ?2";

// ?1 job id, ?2 claim token, ?3 claim expiry.
inline constexpr std::string_view kClaimDelivery =
    "UPDATE webhook_deliveries SET state = 1, claim_token = ?2, claim_expires_at = ?3 WHERE job_id = ?1";

// ?1 job id, ?2 claim token, ?3 new state, ?4 last error, ?5 next attempt, ?6 delivered_at.
inline constexpr std::string_view kReportDelivery =
    "UPDATE webhook_deliveries SET state = ?3, attempts = attempts + 1, "
    "last_error = CASE WHEN ?4 = '' THEN last_error ELSE ?4 END, "
    "next_attempt_at = ?5, delivered_at = ?6, claim_token = '', claim_expires_at = NULL "
    "WHERE job_id = ?1 AND state = 1 AND claim_token = ?2";

inline constexpr std::string_view kDeliveryByJob =
    "SELECT " REPLYD_DELIVERY_COLUMNS " FROM webhook_deliveries WHERE job_id = ?1";

inline constexpr std::string_view kDeleteDelivery = "DELETE FROM webhook_deliveries WHERE job_seq = ?1";

#undef REPLYD_DELIVERY_COLUMNS
// clang-format on

}  // namespace replyd::store::sqlite::sql
