#include "engine/webhook_http_sender.h"

namespace replyd::engine {

namespace net = boost::asio;

HttpWebhookSender::HttpWebhookSender(const WebhookOptions& o)
    : options_{o.connect_timeout, o.total_timeout, o.max_response_body, o.allow_private} {}

net::awaitable<AttemptOutcome> HttpWebhookSender::send(WebhookMessage message) {
  http::OutboundRequest request;
  request.url = std::move(message.url);
  request.content_type = "application/json";
  request.headers = std::move(message.headers);
  request.body = std::move(message.body);
  http::OutboundResult result = co_await http::send_outbound(std::move(request), options_);
  AttemptOutcome outcome;
  outcome.status = result.status;
  outcome.error = std::move(result.error);
  outcome.refused = result.refused;
  co_return outcome;
}

}  // namespace replyd::engine
