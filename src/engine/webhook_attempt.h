// What one webhook attempt means for its delivery: a pure decision, tested with plain values.
//
//   2xx                         -> delivered
//   410 Gone                    -> disabled (the receiver does not want this callback any more)
//   refused by the SSRF guard,
//   or an unusable URL          -> failed at once (retrying cannot help)
//   anything else (3xx: redirects are not followed, 4xx, 5xx, no answer, timeout)
//                               -> pending again after a full-jitter backoff, or failed when the next
//                                  attempt would fall after the retry window (from the job's finish)
#pragma once

#include "engine/webhook_options.h"
#include "store/job_store.h"

#include <string>

namespace replyd::engine {

struct AttemptOutcome {
  int status = 0;        // the HTTP status; 0 when no response came
  std::string error;     // why not, when status is 0
  bool refused = false;  // the target was refused before any request was sent
};

// The report for `delivery` (claimed with its claim_token) after an attempt that ended at `now`.
// `unit` is the jitter, uniform in [0, 1).
store::DeliveryReport decide_attempt(const store::WebhookDelivery& delivery, const AttemptOutcome& outcome,
                                     TimePoint now, const WebhookOptions& options, double unit);

}  // namespace replyd::engine
