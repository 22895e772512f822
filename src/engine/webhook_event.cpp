#include "engine/webhook_event.h"

#include "core/time_format.h"
#include "engine/webhook_signature.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace replyd::engine {

std::string_view event_type(JobState state) {
  switch (state) {
    case JobState::succeeded: return "job.succeeded";
    case JobState::failed: return "job.failed";
    case JobState::cancelled: return "job.cancelled";
    case JobState::queued:
    case JobState::running: break;
  }
  return "job.changed";
}

WebhookMessage webhook_message(const store::WebhookDelivery& delivery, std::string_view base_url,
                               std::string_view key, TimePoint now) {
  const std::string id = delivery.job_id.to_string();
  boost::json::object data;
  data["id"] = id;
  data["queue"] = delivery.queue;
  data["status"] = to_string(delivery.job_state);
  data["status_url"] = std::string(base_url) + "/v1/jobs/" + id;
  boost::json::object event;
  event["type"] = event_type(delivery.job_state);
  event["timestamp"] = format_rfc3339(delivery.created_at);
  event["data"] = std::move(data);

  WebhookMessage message;
  message.url = delivery.status.url;
  message.id = "msg_" + id;
  message.body = boost::json::serialize(event);
  const std::int64_t timestamp =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  message.headers = {{"webhook-id", message.id},
                     {"webhook-timestamp", std::to_string(timestamp)},
                     {"webhook-signature", sign_webhook(key, message.id, timestamp, message.body)}};
  return message;
}

}  // namespace replyd::engine
