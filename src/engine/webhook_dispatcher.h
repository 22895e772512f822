// The webhook dispatcher of a node: claims due deliveries from the store (store/job_store.h: a claim
// has an expiry, so with several nodes each delivery is sent by one node at a time and a node that dies
// leaves nothing forgotten), sends them concurrently through a WebhookSender on its own strand, decides
// each outcome (webhook_attempt.h) and records all outcomes of a pass in one store call.
//
// It wakes when a job reaches a terminal state (on this node or, through the store, on another), and
// otherwise every poll_interval for retries that became due. Time comes from the injected Clock.
#pragma once

#include "core/clock.h"
#include "core/metrics.h"
#include "core/result.h"
#include "engine/notifier.h"
#include "engine/webhook_attempt.h"
#include "engine/webhook_event.h"
#include "engine/webhook_options.h"
#include "store/job_store.h"

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include <memory>
#include <string>

namespace replyd::engine {

// Sends one webhook. The real one (webhook_http_sender.h) uses http/outbound_request.h; tests use a
// fake. Called on the dispatcher's strand, possibly for several messages at once; never throws for a
// network failure (it is an AttemptOutcome).
class WebhookSender {
 public:
  virtual ~WebhookSender() = default;
  virtual boost::asio::awaitable<AttemptOutcome> send(WebhookMessage message) = 0;
};

class WebhookDispatcher {
 public:
  // `base_url` is the public base of status URLs in events. All references must outlive this object.
  WebhookDispatcher(store::JobStore& store, Notifier& notifier, const Clock& clock, WebhookOptions options,
                    WebhookSender& sender, std::string base_url, metrics::Registry& metrics);
  ~WebhookDispatcher();

  // Starts the loop on its own strand of `io`. Call once.
  void start(boost::asio::io_context& io);
  // Ends the loop soon; sends in flight finish first. Thread-safe; idempotent.
  void stop();

  // One pass: claims due deliveries, sends them all concurrently, records their outcomes. Returns how
  // many were claimed. Run it on a strand (the sends share the caller's executor). For the loop and for
  // tests driven by a fake clock.
  boost::asio::awaitable<Result<int>> run_once();

 private:
  struct State;
  static boost::asio::awaitable<void> loop(std::shared_ptr<State> state, WebhookDispatcher* self);
  static boost::asio::awaitable<store::DeliveryReport> attempt(std::shared_ptr<State> state,
                                                               store::WebhookDelivery delivery);

  std::shared_ptr<State> state_;
};

}  // namespace replyd::engine
