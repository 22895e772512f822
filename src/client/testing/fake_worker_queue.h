// The worker protocol of one queue, in memory, behind a TestHttpServer: for unit tests of worker
// loops and handlers without the real server. It hands out the jobs added (single or batch leases,
// which long-poll as asked), answers heartbeats as told, and records every acknowledgement.
// Thread-safe.
#pragma once

#include "client/testing/test_http_server.h"
#include "core/clock.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace replyd::client::testing {

struct Ack {
  std::string kind;  // "complete" or "fail"
  std::string content_type;
  std::string body;
};

class FakeWorkerQueue {
 public:
  enum class HeartbeatMode {
    extend,       // extend the lease by its ttl
    cancel,       // extend it and say cancel_requested
    lose,         // answer 409
    keep_expiry,  // do not extend (as when the attempt deadline caps the lease)
  };

  // Serves the queue on 127.0.0.1 (any queue name, any port).
  FakeWorkerQueue();
  // Ends waiting leases, then stops the server.
  ~FakeWorkerQueue();

  std::string url() const { return server_.url(); }

  void add(std::string id, std::string payload, Duration lease_ttl = std::chrono::seconds(30));
  void set_heartbeat_mode(HeartbeatMode mode);
  // The next `count` lease requests get 503.
  void fail_leases(int count);

  // Waits until `n` jobs have been acknowledged (or a minute passed, which fails the calling test)
  // and returns the acknowledgements by job id.
  std::map<std::string, Ack> wait_acks(std::size_t n);
  std::map<std::string, Ack> acks();
  std::vector<std::string> heartbeat_bodies();
  // Waits until `n` heartbeats have arrived (or a minute passed, which fails the calling test).
  void wait_heartbeats(std::size_t n);

 private:
  struct Pending {
    std::string id, payload;
    Duration ttl;
  };
  struct Lease {
    std::string token;
    TimePoint expires;
    Duration ttl;
  };

  TestResponse handle(const TestRequest& request);
  TestResponse lease(const TestRequest& request);
  // Leases the next pending job (there must be one): its id, token and expiry.
  std::tuple<Pending, std::string, TimePoint> take_pending();

  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<Pending> pending_;
  std::map<std::string, Lease> leases_;
  std::map<std::string, Ack> acks_;
  std::vector<std::string> heartbeat_bodies_;
  HeartbeatMode mode_ = HeartbeatMode::extend;
  int failing_leases_ = 0;
  bool closed_ = false;
  SystemClock clock_;
  TestHttpServer server_;  // last: its threads call handle() until it is destroyed
};

}  // namespace replyd::client::testing
