#include "engine/webhook_callbacks.h"

#include "engine/store_calls.h"
#include "http/outbound_request.h"

#include <fmt/format.h>

namespace replyd::engine {

namespace net = boost::asio;

namespace {

auto get_delivery(store::JobStore& s, JobId id) {
  return store_calls::detail::call<std::optional<store::WebhookDelivery>>(
      [&s, id](store::Callback<std::optional<store::WebhookDelivery>> cb) { s.get_delivery(id, std::move(cb)); });
}

}  // namespace

Result<void> apply_callback_policy(JobSpec& spec, const WebhookOptions& options) {
  if (spec.callback_url.empty()) {
    auto it = options.queue_callbacks.find(spec.queue);
    if (it == options.queue_callbacks.end()) return {};
    spec.callback_url = it->second;
  }
  if (!options.enabled()) {
    return Error(Errc::invalid_argument,
                 "'callback' is not accepted: this server has no webhook secret to sign them with "
                 "(--webhook-secret or REPLYD_WEBHOOK_SECRET)");
  }
  if (auto refused = http::check_outbound_url(spec.callback_url, options.allow_private)) {
    return Error(Errc::invalid_argument, fmt::format("'callback' is refused: {}", *refused));
  }
  return {};
}

net::awaitable<Result<void>> attach_callback(store::JobStore& store, Job& job) {
  if (job.callback_url.empty() || !is_terminal(job.state)) co_return Result<void>();
  auto delivery = co_await get_delivery(store, job.id);
  if (!delivery) co_return delivery.error();
  if (*delivery) {
    job.callback = (*delivery)->status;
  } else {
    CallbackStatus pending;
    pending.url = job.callback_url;
    job.callback = std::move(pending);
  }
  co_return Result<void>();
}

}  // namespace replyd::engine
