#include "engine/webhook_dispatcher.h"

#include "core/job_id.h"
#include "engine/store_calls.h"
#include "engine/wake_signal.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <spdlog/spdlog.h>

#include <random>

namespace replyd::engine {

namespace net = boost::asio;

namespace {

std::string_view outcome_label(const store::DeliveryReport& r) {
  switch (r.state) {
    case DeliveryState::delivered: return "delivered";
    case DeliveryState::disabled: return "disabled";
    case DeliveryState::failed: return "failed";
    case DeliveryState::pending:
    case DeliveryState::delivering: break;
  }
  return "retry";
}

auto claim(store::JobStore& s, store::ClaimDeliveriesRequest r) {
  return store_calls::detail::call<std::vector<store::WebhookDelivery>>(
      [&s, r = std::move(r)](store::Callback<std::vector<store::WebhookDelivery>> cb) mutable {
        s.claim_deliveries(std::move(r), std::move(cb));
      });
}

auto report(store::JobStore& s, std::vector<store::DeliveryReport> reports) {
  return store_calls::detail::call<std::int64_t>(
      [&s, reports = std::move(reports)](store::Callback<std::int64_t> cb) mutable {
        s.report_deliveries(std::move(reports), std::move(cb));
      });
}

}  // namespace

struct WebhookDispatcher::State {
  State(store::JobStore& s, Notifier& n, const Clock& c, WebhookOptions o, WebhookSender& w, std::string b,
        metrics::Registry& m)
      : store(s),
        notifier(n),
        clock(c),
        options(std::move(o)),
        sender(w),
        base_url(std::move(b)),
        outcomes(m.counter("replyd_webhook_deliveries_total",
                           "Webhook attempts by outcome: delivered, retry, failed (gave up or refused), "
                           "disabled (410)",
                           {"outcome"})),
        in_flight(m.gauge("replyd_webhook_requests_in_flight", "Webhook requests being sent by this node").with({})) {}

  store::JobStore& store;
  Notifier& notifier;
  const Clock& clock;
  WebhookOptions options;
  WebhookSender& sender;
  std::string base_url;
  metrics::Family<metrics::Counter>& outcomes;
  metrics::Gauge& in_flight;
  // A claim token per node (and restart), so a node never mistakes another's claim for its own.
  std::string claim_token = random_token();
  std::mt19937_64 rng{std::random_device{}()};  // on the strand

  std::optional<net::strand<net::io_context::executor_type>> strand;
  std::shared_ptr<WakeSignal> signal;
  Notifier::Subscription subscription;
  bool stopped = false;  // on the strand
};

WebhookDispatcher::WebhookDispatcher(store::JobStore& store, Notifier& notifier, const Clock& clock,
                                     WebhookOptions options, WebhookSender& sender, std::string base_url,
                                     metrics::Registry& metrics)
    : state_(std::make_shared<State>(store, notifier, clock, std::move(options), sender, std::move(base_url),
                                     metrics)) {}

WebhookDispatcher::~WebhookDispatcher() {
  stop();
  state_->subscription.reset();
}

void WebhookDispatcher::start(net::io_context& io) {
  state_->strand.emplace(net::make_strand(io));
  state_->signal = std::make_shared<WakeSignal>(*state_->strand);
  // A terminal change may have created a delivery: look now rather than at the next poll.
  std::weak_ptr<WakeSignal> weak = state_->signal;
  state_->subscription = state_->notifier.subscribe_queue("", [weak](const store::JobChange& change) {
    if (!is_terminal(change.state)) return;
    if (auto signal = weak.lock()) signal->notify();
  });
  net::co_spawn(*state_->strand, loop(state_, this), [](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      spdlog::error("webhook dispatcher ended by an exception: {}", ex.what());
    }
  });
}

void WebhookDispatcher::stop() {
  if (!state_->strand) return;
  net::post(*state_->strand, [state = state_] {
    state->stopped = true;
    state->signal->notify();
  });
}

net::awaitable<void> WebhookDispatcher::loop(std::shared_ptr<State> state, WebhookDispatcher* self) {
  bool failing = false;
  while (!state->stopped) {
    auto claimed = co_await self->run_once();
    if (!claimed && !failing) spdlog::warn("webhook dispatch failed: {} (will keep trying)", claimed.error().detail());
    if (claimed && failing) spdlog::info("webhook dispatch works again");
    failing = !claimed;
    // A full batch means more are due: go on at once.
    if (claimed && *claimed >= state->options.batch) continue;
    auto until = std::chrono::steady_clock::now() +
                 std::chrono::duration_cast<std::chrono::steady_clock::duration>(state->options.poll_interval);
    co_await state->signal->wait_until(until);
  }
}

net::awaitable<store::DeliveryReport> WebhookDispatcher::attempt(std::shared_ptr<State> state,
                                                                 store::WebhookDelivery delivery) {
  WebhookMessage message =
      webhook_message(delivery, state->base_url, state->options.signing_key, state->clock.now());
  state->in_flight.add(1);
  AttemptOutcome outcome = co_await state->sender.send(std::move(message));
  state->in_flight.add(-1);
  const double unit = std::uniform_real_distribution<double>(0.0, 1.0)(state->rng);
  store::DeliveryReport r = decide_attempt(delivery, outcome, state->clock.now(), state->options, unit);
  if (r.state != DeliveryState::delivered) {
    spdlog::info("webhook for job {} to {}: {} ({})", delivery.job_id.to_string(), delivery.status.url,
                 outcome_label(r), r.error);
  }
  co_return r;
}

net::awaitable<Result<int>> WebhookDispatcher::run_once() {
  auto state = state_;
  store::ClaimDeliveriesRequest request{state->clock.now(), state->options.batch, state->options.claim_ttl,
                                        state->claim_token};
  auto claimed = co_await claim(state->store, std::move(request));
  if (!claimed) co_return claimed.error();
  const int count = static_cast<int>(claimed->size());
  if (count == 0) co_return 0;

  // Every attempt runs concurrently on this strand; the last one to finish ends the wait.
  struct Gather {
    explicit Gather(net::any_io_executor e) : done(e, net::steady_timer::time_point::max()) {}
    std::vector<store::DeliveryReport> reports;
    std::size_t remaining = 0;
    net::steady_timer done;
  };
  auto executor = co_await net::this_coro::executor;
  auto gather = std::make_shared<Gather>(executor);
  gather->remaining = claimed->size();
  for (store::WebhookDelivery& delivery : *claimed) {
    net::co_spawn(executor, attempt(state, std::move(delivery)),
                  [gather](std::exception_ptr e, store::DeliveryReport r) {
                    if (!e) gather->reports.push_back(std::move(r));
                    if (--gather->remaining == 0) gather->done.cancel();
                  });
  }
  if (gather->remaining > 0) co_await gather->done.async_wait(net::as_tuple(net::use_awaitable));
  // An attempt that threw reports nothing: its claim expires and the delivery is tried again.
  std::vector<std::string_view> labels;
  for (const store::DeliveryReport& r : gather->reports) labels.push_back(outcome_label(r));
  auto recorded = co_await report(state->store, std::move(gather->reports));
  if (!recorded) co_return recorded.error();
  // Counted once stored, so that a reader of the metric finds the outcome in the job's status.
  for (std::string_view label : labels) state->outcomes.with({std::string(label)}).inc();
  co_return count;
}

}  // namespace replyd::engine
