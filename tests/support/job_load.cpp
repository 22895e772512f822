#include "tests/support/job_load.h"

#include "tests/support/http_client.h"
#include "tests/support/protocol_calls.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <optional>

namespace replyd::blackbox {
namespace {

// A 503 must be a problem with an integer Retry-After of at least one second (DESIGN.md section 3).
std::optional<std::string> check_refusal(const HttpResponse& response) {
  std::string retry_after = response.header("Retry-After").value_or("");
  bool integer = !retry_after.empty() && std::all_of(retry_after.begin(), retry_after.end(),
                                                     [](char c) { return c >= '0' && c <= '9'; });
  if (!integer || std::stoll(retry_after) < 1) return "503 without an integer Retry-After: " + response.describe();
  if (!response.header("Content-Type").value_or("").starts_with("application/problem+json")) {
    return "503 that is not problem+json: " + response.describe();
  }
  return std::nullopt;
}

// One connection per node and thread, opened on first use.
class Connections {
 public:
  explicit Connections(const std::vector<std::string>& urls) : urls_(urls), clients_(urls.size()) {}
  HttpClient& to(int node) {
    if (!clients_[node]) clients_[node] = std::make_unique<HttpClient>(urls_[node]);
    return *clients_[node];
  }

 private:
  const std::vector<std::string>& urls_;
  std::vector<std::unique_ptr<HttpClient>> clients_;
};

}  // namespace

JobLoad::JobLoad(std::vector<std::string> node_urls, LoadOptions options)
    : urls_(std::move(node_urls)), options_(std::move(options)), down_(urls_.size()) {
  for (int i = 0; i < options_.submitters; ++i) threads_.emplace_back([this, i] { submit_loop(i); });
  for (int i = 0; i < options_.workers; ++i) threads_.emplace_back([this, i] { work_loop(i); });
}

JobLoad::~JobLoad() { stop(); }

void JobLoad::mark_down(int node) { down_[node] = true; }

void JobLoad::resume() {
  std::lock_guard lock(mutex_);
  ++resumes_;
  changed_.notify_all();
}

bool JobLoad::wait_acknowledged(std::size_t count, std::chrono::milliseconds deadline) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, deadline, [&] { return acknowledged_.size() >= count; });
}

bool JobLoad::wait_submitters_done(std::chrono::milliseconds deadline) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, deadline, [&] { return submitters_done_ == options_.submitters; });
}

void JobLoad::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    changed_.notify_all();
  }
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

std::map<std::string, std::string> JobLoad::acknowledged() const {
  std::lock_guard lock(mutex_);
  return acknowledged_;
}

std::vector<std::string> JobLoad::completed() const {
  std::lock_guard lock(mutex_);
  return completed_;
}

std::vector<std::string> JobLoad::unexpected() const {
  std::lock_guard lock(mutex_);
  return unexpected_;
}

int JobLoad::pick_node(int start) const {
  int n = static_cast<int>(urls_.size());
  for (int i = 0; i < n; ++i) {
    int node = (start + i) % n;
    if (!down_[node]) return node;
  }
  return -1;
}

void JobLoad::wait_for_resume(std::uint64_t seen) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return resumes_ > seen || stopping_; });
}

void JobLoad::record_unexpected(std::string what) {
  std::lock_guard lock(mutex_);
  unexpected_.push_back(std::move(what));
}

void JobLoad::submit_loop(int index) {
  Connections connections(urls_);
  for (int k = 0; k < options_.jobs_per_submitter && !stopping_; ++k) {
    std::string payload = fmt::format("job {} of submitter {}", k, index);
    // The same job is sent again after a refusal or a cut connection, as a client would; only a 202
    // counts as acknowledged.
    for (int turn = index + k; !stopping_; ++turn) {
      int node = pick_node(turn);
      if (node < 0) break;
      std::uint64_t seen;
      {
        std::lock_guard lock(mutex_);
        seen = resumes_;
      }
      HttpResponse response;
      try {
        response = connections.to(node).post(submit_path(options_.queue), payload, {{"Content-Type", "text/plain"}});
      } catch (const std::exception& e) {
        if (down_[node]) continue;  // cut by the node's death: not acknowledged, try another node
        record_unexpected(fmt::format("submit to node {}: {}", node, e.what()));
        break;
      }
      if (response.status == 202) {
        std::lock_guard lock(mutex_);
        acknowledged_.emplace(std::string(response.json().at("id").as_string()), payload);
        changed_.notify_all();
        break;
      }
      if (response.status == 503) {
        ++refusals_;
        if (auto bad = check_refusal(response)) record_unexpected(*bad);
        wait_for_resume(seen);
        continue;
      }
      record_unexpected(fmt::format("submit to node {}: {}", node, response.describe()));
      break;
    }
  }
  std::lock_guard lock(mutex_);
  ++submitters_done_;
  changed_.notify_all();
}

void JobLoad::work_loop(int index) {
  Connections connections(urls_);
  Headers wait{{"Prefer", "wait=" + std::to_string(options_.lease_wait_seconds)}};
  auto lease_deadline = std::chrono::seconds(options_.lease_wait_seconds) + HttpClient::kDefaultDeadline;
  while (!stopping_) {
    int node = pick_node(index);
    if (node < 0) return;
    std::uint64_t seen;
    {
      std::lock_guard lock(mutex_);
      seen = resumes_;
    }
    try {
      HttpClient& client = connections.to(node);
      HttpResponse lease = client.post(lease_path(options_.queue), {}, wait, lease_deadline);
      if (lease.status == 204) continue;
      if (lease.status == 503) {
        ++refusals_;
        if (auto bad = check_refusal(lease)) record_unexpected(*bad);
        wait_for_resume(seen);
        continue;
      }
      if (lease.status != 200) {
        record_unexpected(fmt::format("lease on node {}: {}", node, lease.describe()));
        return;
      }
      std::string id = lease.header("Replyd-Job-Id").value_or("");
      Headers complete_headers{{"Replyd-Lease-Token", lease.header("Replyd-Lease-Token").value_or("")},
                               {"Content-Type", lease.header("Content-Type").value_or("text/plain")}};
      HttpResponse done = client.post(job_path(id) + "/complete", lease.body, complete_headers);
      if (done.status == 200) {
        std::lock_guard lock(mutex_);
        completed_.push_back(id);
      } else if (done.status == 503) {
        // The lease runs out and another worker gets the job.
        ++refusals_;
        if (auto bad = check_refusal(done)) record_unexpected(*bad);
        wait_for_resume(seen);
      } else if (done.status != 409) {
        // 409: the lease expired before the completion (a slow machine); the job is retried.
        record_unexpected(fmt::format("complete on node {}: {}", node, done.describe()));
      }
    } catch (const std::exception& e) {
      if (down_[node]) continue;  // the node died under the request: go on with another one
      if (stopping_) return;
      record_unexpected(fmt::format("worker on node {}: {}", node, e.what()));
      return;
    }
  }
}

}  // namespace replyd::blackbox
