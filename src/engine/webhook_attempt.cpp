#include "engine/webhook_attempt.h"

#include "core/retry_policy.h"

#include <fmt/format.h>

namespace replyd::engine {
namespace {

std::string describe(const AttemptOutcome& outcome) {
  if (outcome.status == 0) return outcome.error;
  if (outcome.status >= 300 && outcome.status < 400) {
    return fmt::format("HTTP {} (redirects are not followed)", outcome.status);
  }
  return fmt::format("HTTP {}", outcome.status);
}

}  // namespace

store::DeliveryReport decide_attempt(const store::WebhookDelivery& delivery, const AttemptOutcome& outcome,
                                     TimePoint now, const WebhookOptions& options, double unit) {
  store::DeliveryReport report;
  report.job_id = delivery.job_id;
  report.claim_token = delivery.claim_token;
  report.now = now;
  if (outcome.status >= 200 && outcome.status < 300) {
    report.state = DeliveryState::delivered;
    return report;
  }
  if (outcome.status == 410) {
    report.state = DeliveryState::disabled;
    report.error = "HTTP 410 Gone: the receiver disabled this callback";
    return report;
  }
  report.error = describe(outcome);
  if (outcome.refused) {
    report.state = DeliveryState::failed;
    return report;
  }
  const int attempts = delivery.status.attempts + 1;
  RetryPolicy policy{options.retry_base, options.retry_cap};
  const TimePoint next = now + policy.backoff(attempts, unit);
  if (next > delivery.created_at + options.retry_window) {
    report.state = DeliveryState::failed;
    report.error = fmt::format("gave up after {} attempts (retry window over); last: {}", attempts, report.error);
    return report;
  }
  report.state = DeliveryState::pending;
  report.next_attempt_at = next;
  return report;
}

}  // namespace replyd::engine
