#include "store/postgres/pg_delivery_row.h"

#include "store/postgres/pg_job_row.h"

namespace replyd::store::postgres {
namespace {

enum Column : int {
  kJobId, kQueue, kJobState, kUrl, kCreatedAt, kState, kAttempts, kLastError, kNextAttemptAt,
  kDeliveredAt, kClaimToken, kClaimExpiresAt,
};

std::optional<TimePoint> optional_time(const PGresult* r, int row, int col) {
  auto v = cell_optional_int(r, row, col);
  if (!v) return std::nullopt;
  return from_micros(*v);
}

}  // namespace

WebhookDelivery decode_delivery(const PGresult* r, int row) {
  WebhookDelivery d;
  if (auto id = parse_uuid_text(cell_text(r, row, kJobId))) d.job_id = *id;
  d.queue = std::string(cell_text(r, row, kQueue));
  d.job_state = static_cast<JobState>(cell_int(r, row, kJobState));
  d.created_at = from_micros(cell_int(r, row, kCreatedAt));
  d.status.url = std::string(cell_text(r, row, kUrl));
  d.status.state = static_cast<DeliveryState>(cell_int(r, row, kState));
  d.status.attempts = static_cast<std::int32_t>(cell_int(r, row, kAttempts));
  d.status.last_error = std::string(cell_text(r, row, kLastError));
  d.status.next_attempt_at = optional_time(r, row, kNextAttemptAt);
  d.status.delivered_at = optional_time(r, row, kDeliveredAt);
  d.claim_token = std::string(cell_text(r, row, kClaimToken));
  d.claim_expires_at = optional_time(r, row, kClaimExpiresAt);
  return d;
}

}  // namespace replyd::store::postgres
