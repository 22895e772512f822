// The webhook message of a finished job: its JSON body (the same on every attempt) and its Standard
// Webhooks headers (the timestamp is the attempt's, so the signature is fresh on each retry).
//
//   {"type": "job.succeeded" | "job.failed" | "job.cancelled",
//    "timestamp": "<RFC 3339: when the job finished>",
//    "data": {"id": "...", "queue": "...", "status": "succeeded", "status_url": "<base>/v1/jobs/<id>"}}
#pragma once

#include "store/job_store.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace replyd::engine {

struct WebhookMessage {
  std::string url;
  std::string id;  // webhook-id: "msg_<job id>", stable across the retries of the delivery
  std::vector<std::pair<std::string, std::string>> headers;  // webhook-id, -timestamp, -signature
  std::string body;
};

// "job.succeeded", "job.failed", "job.cancelled".
std::string_view event_type(JobState state);

// `base_url` is the server's public base ("https://jobs.example.com"), for status_url. `key` is the
// signing key (webhook_signature.h); `now` gives webhook-timestamp.
WebhookMessage webhook_message(const store::WebhookDelivery& delivery, std::string_view base_url,
                               std::string_view key, TimePoint now);

}  // namespace replyd::engine
