#include "store/sqlite/delivery_row.h"

#include <cstring>

namespace replyd::store::sqlite {
namespace {

enum Column : int {
  kJobId, kQueue, kJobState, kUrl, kCreatedAt, kState, kAttempts, kLastError, kNextAttemptAt,
  kDeliveredAt, kClaimToken, kClaimExpiresAt,
};

std::optional<TimePoint> optional_time(const Statement& s, int col) {
  if (s.is_null(col)) return std::nullopt;
  return from_micros(s.int64(col));
}

}  // namespace

WebhookDelivery read_delivery(const Statement& s) {
  WebhookDelivery d;
  JobId::Bytes id{};
  std::string_view id_bytes = s.blob(kJobId);
  if (id_bytes.size() == id.size()) std::memcpy(id.data(), id_bytes.data(), id.size());
  d.job_id = JobId(id);
  d.queue = std::string(s.text(kQueue));
  d.job_state = static_cast<JobState>(s.int64(kJobState));
  d.created_at = from_micros(s.int64(kCreatedAt));
  d.status.url = std::string(s.text(kUrl));
  d.status.state = static_cast<DeliveryState>(s.int64(kState));
  d.status.attempts = static_cast<std::int32_t>(s.int64(kAttempts));
  d.status.last_error = std::string(s.text(kLastError));
  d.status.next_attempt_at = optional_time(s, kNextAttemptAt);
  d.status.delivered_at = optional_time(s, kDeliveredAt);
  d.claim_token = std::string(s.text(kClaimToken));
  d.claim_expires_at = optional_time(s, kClaimExpiresAt);
  return d;
}

}  // namespace replyd::store::sqlite
