// A webhook receiver for black-box tests: an HTTP server on 127.0.0.1 (client/testing/test_http_server.h)
// that records every request and answers with statuses the test scripts (200 when nothing is
// scripted). A test waits for the next request as an event, and may hold an answer until it says so
// (to kill replyd while a delivery is in flight).
#pragma once

#include "client/testing/test_http_server.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace replyd::blackbox {

class WebhookReceiver {
 public:
  struct Answer {
    int status = 200;
    std::string location;  // a Location header (redirect tests)
    bool hold = false;     // wait for release() before answering
  };

  WebhookReceiver();
  ~WebhookReceiver();  // releases a held answer first

  std::string url(std::string_view path = "/hook") const;
  std::uint16_t port() const;
  // Scripts the answer to the next request not yet answered (in order).
  void answer(Answer answer);
  // Lets a held answer go.
  void release();
  // The `n`-th request (0-based), once it has arrived; throws std::runtime_error after `deadline`.
  client::testing::TestRequest wait_for_request(std::size_t n,
                                                std::chrono::milliseconds deadline = std::chrono::seconds(30));
  std::size_t request_count() const;

 private:
  client::testing::TestResponse handle(const client::testing::TestRequest& request);

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Answer> script_;
  std::vector<client::testing::TestRequest> requests_;
  bool released_ = false;
  std::optional<client::testing::TestHttpServer> server_;  // last member: stopped first
};

}  // namespace replyd::blackbox
