#include "client/testing/fake_worker_queue.h"

#include "core/base64.h"
#include "core/time_format.h"

#include <boost/json/serialize.hpp>

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace replyd::client::testing {
namespace {

// A generous bound for events that come within milliseconds: reaching it fails the test instead of
// hanging it.
constexpr auto kEventBound = std::chrono::seconds(60);

}  // namespace

FakeWorkerQueue::FakeWorkerQueue() : server_([this](const TestRequest& r) { return handle(r); }) {}

FakeWorkerQueue::~FakeWorkerQueue() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  cv_.notify_all();
}

void FakeWorkerQueue::add(std::string id, std::string payload, Duration lease_ttl) {
  {
    std::lock_guard lock(mutex_);
    pending_.push_back({std::move(id), std::move(payload), lease_ttl});
  }
  cv_.notify_all();
}

void FakeWorkerQueue::set_heartbeat_mode(HeartbeatMode mode) {
  std::lock_guard lock(mutex_);
  mode_ = mode;
}

void FakeWorkerQueue::fail_leases(int count) {
  std::lock_guard lock(mutex_);
  failing_leases_ = count;
}

std::map<std::string, Ack> FakeWorkerQueue::wait_acks(std::size_t n) {
  std::unique_lock lock(mutex_);
  EXPECT_TRUE(cv_.wait_for(lock, kEventBound, [&] { return acks_.size() >= n; }))
      << "only " << acks_.size() << " of " << n << " jobs were acknowledged";
  return acks_;
}

void FakeWorkerQueue::wait_heartbeats(std::size_t n) {
  std::unique_lock lock(mutex_);
  EXPECT_TRUE(cv_.wait_for(lock, kEventBound, [&] { return heartbeat_bodies_.size() >= n; }))
      << "only " << heartbeat_bodies_.size() << " of " << n << " heartbeats arrived";
}

std::map<std::string, Ack> FakeWorkerQueue::acks() {
  std::lock_guard lock(mutex_);
  return acks_;
}

std::vector<std::string> FakeWorkerQueue::heartbeat_bodies() {
  std::lock_guard lock(mutex_);
  return heartbeat_bodies_;
}

TestResponse FakeWorkerQueue::handle(const TestRequest& request) {
  std::string path = request.path();
  if (path.ends_with("/leases")) return lease(request);
  constexpr std::string_view kJobs = "/v1/jobs/";
  if (!path.starts_with(kJobs)) return TestResponse::problem(404, "Not found", path);
  std::string id = path.substr(kJobs.size());
  id = id.substr(0, id.find('/'));
  std::unique_lock lock(mutex_);
  auto it = leases_.find(id);
  if (it == leases_.end() || it->second.token != request.header("Replyd-Lease-Token")) {
    return TestResponse::problem(409, "Lease lost", "not your lease");
  }
  if (path.ends_with("/heartbeat")) {
    heartbeat_bodies_.push_back(request.body);
    cv_.notify_all();
    if (mode_ == HeartbeatMode::lose) return TestResponse::problem(409, "Lease lost", "expired");
    if (mode_ != HeartbeatMode::keep_expiry) it->second.expires = clock_.now() + it->second.ttl;
    return TestResponse::json(
        200, fmt::format(R"({{"lease_expires_at":"{}","cancel_requested":{}}})",
                         format_rfc3339(it->second.expires), mode_ == HeartbeatMode::cancel));
  }
  std::string kind = path.ends_with("/complete") ? "complete" : "fail";
  acks_[id] = Ack{kind, request.header("Content-Type"), request.body};
  leases_.erase(it);
  lock.unlock();
  cv_.notify_all();
  return TestResponse::json(
      200, fmt::format(R"({{"id":"{}","status":"{}"}})", id, kind == "complete" ? "succeeded" : "failed"));
}

TestResponse FakeWorkerQueue::lease(const TestRequest& request) {
  std::unique_lock lock(mutex_);
  if (failing_leases_ > 0) {
    --failing_leases_;
    return TestResponse::problem(503, "Unavailable", "store down");
  }
  int wait_s = 0;
  std::string prefer = request.header("Prefer");
  if (auto pos = prefer.find("wait="); pos != std::string::npos) wait_s = std::atoi(prefer.c_str() + pos + 5);
  cv_.wait_for(lock, std::chrono::seconds(wait_s), [&] { return closed_ || !pending_.empty(); });
  if (pending_.empty()) return TestResponse{204, {}, ""};
  int max = std::max(1, std::atoi(request.query("max").c_str()));
  if (max == 1) {
    auto [job, token, expires] = take_pending();
    return TestResponse{200,
                        {{"Content-Type", "text/plain"},
                         {"Replyd-Job-Id", job.id},
                         {"Replyd-Lease-Token", token},
                         {"Replyd-Lease-Expires", format_rfc3339(expires)},
                         {"Replyd-Attempt", "1"}},
                        job.payload};
  }
  boost::json::array jobs;
  while (!pending_.empty() && static_cast<int>(jobs.size()) < max) {
    auto [job, token, expires] = take_pending();
    jobs.push_back(boost::json::object{{"id", job.id},
                                       {"lease_token", token},
                                       {"lease_expires_at", format_rfc3339(expires)},
                                       {"attempt", 1},
                                       {"content_type", "text/plain"},
                                       {"payload_base64", base64_encode(job.payload)}});
  }
  return TestResponse::json(200, boost::json::serialize(boost::json::object{{"jobs", std::move(jobs)}}));
}

std::tuple<FakeWorkerQueue::Pending, std::string, TimePoint> FakeWorkerQueue::take_pending() {
  Pending job = std::move(pending_.front());
  pending_.pop_front();
  std::string token = "tok-" + job.id;
  TimePoint expires = clock_.now() + job.ttl;
  leases_[job.id] = Lease{token, expires, job.ttl};
  return {std::move(job), std::move(token), expires};
}

}  // namespace replyd::client::testing
