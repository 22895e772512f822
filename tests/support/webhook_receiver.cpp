#include "tests/support/webhook_receiver.h"

#include <stdexcept>

namespace replyd::blackbox {

using client::testing::TestRequest;
using client::testing::TestResponse;

WebhookReceiver::WebhookReceiver() {
  server_.emplace([this](const TestRequest& request) { return handle(request); });
}

WebhookReceiver::~WebhookReceiver() {
  release();
  server_.reset();
}

std::string WebhookReceiver::url(std::string_view path) const { return server_->url() + std::string(path); }

std::uint16_t WebhookReceiver::port() const { return server_->port(); }

void WebhookReceiver::answer(Answer answer) {
  std::lock_guard lock(mutex_);
  script_.push_back(std::move(answer));
}

void WebhookReceiver::release() {
  std::lock_guard lock(mutex_);
  released_ = true;
  cv_.notify_all();
}

TestResponse WebhookReceiver::handle(const TestRequest& request) {
  std::unique_lock lock(mutex_);
  requests_.push_back(request);
  Answer answer;
  if (!script_.empty()) {
    answer = std::move(script_.front());
    script_.pop_front();
  }
  cv_.notify_all();
  if (answer.hold) cv_.wait(lock, [this] { return released_; });
  TestResponse response;
  response.status = answer.status;
  if (!answer.location.empty()) response.headers.emplace_back("Location", answer.location);
  response.body = "ok";
  response.close = true;
  return response;
}

TestRequest WebhookReceiver::wait_for_request(std::size_t n, std::chrono::milliseconds deadline) {
  std::unique_lock lock(mutex_);
  if (!cv_.wait_for(lock, deadline, [&] { return requests_.size() > n; })) {
    throw std::runtime_error("the webhook receiver got " + std::to_string(requests_.size()) +
                             " requests, waited for #" + std::to_string(n + 1));
  }
  return requests_[n];
}

std::size_t WebhookReceiver::request_count() const {
  std::lock_guard lock(mutex_);
  return requests_.size();
}

}  // namespace replyd::blackbox
