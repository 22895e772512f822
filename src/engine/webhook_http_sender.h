// The real WebhookSender: an outbound HTTP POST (http/outbound_request.h) on the dispatcher's strand,
// with the SSRF guard, timeouts and response limit of the WebhookOptions.
#pragma once

#include "engine/webhook_dispatcher.h"
#include "engine/webhook_options.h"
#include "http/outbound_request.h"

namespace replyd::engine {

class HttpWebhookSender final : public WebhookSender {
 public:
  explicit HttpWebhookSender(const WebhookOptions& options);
  boost::asio::awaitable<AttemptOutcome> send(WebhookMessage message) override;

 private:
  http::OutboundOptions options_;
};

}  // namespace replyd::engine
