#include "client/worker_loop.h"

#include "client/client.h"
#include "client/heartbeater.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <random>
#include <stdexcept>

namespace replyd::client {
namespace {

// A heartbeat that hangs must not hide for long that the leases of the other jobs run out.
constexpr auto kMaxHeartbeatIoTimeout = std::chrono::seconds(10);

bool transient(Errc code) {
  return code == Errc::unavailable || code == Errc::overloaded || code == Errc::internal ||
         code == Errc::shutting_down;
}

class Jitter {
 public:
  Jitter() : rng_(std::random_device{}()) {}
  double operator()() { return std::uniform_real_distribution<double>(0.0, 1.0)(rng_); }

 private:
  std::minstd_rand rng_;
};

}  // namespace

WorkerLoop::WorkerLoop(std::string server_url, WorkerOptions options, Handler handler)
    : server_url_(std::move(server_url)), options_(std::move(options)), handler_(std::move(handler)) {
  if (options_.queue.empty()) throw std::invalid_argument("a worker needs a queue");
  if (options_.concurrency < 1) throw std::invalid_argument("worker concurrency must be at least 1");
  if (!handler_) throw std::invalid_argument("a worker needs a handler");
  options_.lease_batch = std::max(options_.lease_batch, 1);
  options_.ack_attempts = std::max(options_.ack_attempts, 1);
  if (options_.clock) {
    clock_ = options_.clock;
  } else {
    own_clock_ = std::make_unique<SystemClock>();
    clock_ = own_clock_.get();
  }
  for (int i = 0; i < options_.concurrency; ++i) {
    clients_.push_back(std::make_unique<Client>(server_url_, options_.client));
  }
  ClientOptions heartbeat_options = options_.client;
  heartbeat_options.io_timeout =
      std::min<std::chrono::milliseconds>(heartbeat_options.io_timeout, kMaxHeartbeatIoTimeout);
  heartbeater_ =
      std::make_unique<Heartbeater>(server_url_, heartbeat_options, *clock_, options_.min_heartbeat_spacing);
}

WorkerLoop::~WorkerLoop() {
  stop();
  join();
  heartbeater_.reset();  // after the threads: their contexts point into it
}

void WorkerLoop::start() {
  for (auto& client : clients_) {
    Client* c = client.get();
    threads_.emplace_back([this, c] { work(*c); });
  }
}

void WorkerLoop::join() {
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void WorkerLoop::run() {
  start();
  join();
}

void WorkerLoop::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  for (auto& client : clients_) client->interrupt_long_polls();
}

void WorkerLoop::stop_now() {
  stopping_now_ = true;
  stop();
  heartbeater_->stop_all(StopReason::shutdown);
}

WorkerStats WorkerLoop::stats() const {
  return WorkerStats{leased_.load(), completed_.load(), failed_.load(), abandoned_.load(),
                     lease_errors_.load()};
}

void WorkerLoop::wait_backoff(Duration delay) {
  if (options_.backoff_wait) {
    options_.backoff_wait(delay);
    return;
  }
  std::unique_lock lock(mutex_);
  stop_cv_.wait_for(lock, delay, [this] { return stopping_.load(); });
}

void WorkerLoop::work(Client& client) {
  Jitter jitter;
  int failures = 0;
  while (!stopping_) {
    TimePoint asked = clock_->now();
    auto leased = client.lease(options_.queue, options_.lease_wait_s, options_.lease_batch);
    if (!leased) {
      if (stopping_) break;
      ++lease_errors_;
      ++failures;
      // Said once per outage, not once per retry.
      if (failures == 1) {
        spdlog::warn("queue {}: cannot lease jobs: {}; retrying with backoff", options_.queue,
                     leased.error().message());
      } else {
        spdlog::debug("queue {}: lease failed again: {}", options_.queue, leased.error().message());
      }
      wait_backoff(options_.backoff.backoff(failures, jitter()));
      continue;
    }
    if (failures > 0)
      spdlog::info("queue {}: leasing again after {} failed attempts", options_.queue, failures);
    failures = 0;
    if (leased->empty()) {
      Duration waited = clock_->now() - asked;
      if (options_.lease_wait_s <= 0 || waited < Duration(std::chrono::seconds(options_.lease_wait_s)) / 2) {
        wait_backoff(options_.idle_pause);
      }
      continue;
    }
    leased_ += leased->size();
    std::vector<std::shared_ptr<JobContext>> contexts;
    for (const auto& job : *leased) contexts.push_back(heartbeater_->track(job));
    for (std::size_t i = 0; i < leased->size(); ++i) run_job(client, (*leased)[i], *contexts[i]);
  }
}

void WorkerLoop::run_job(Client& client, const LeasedJob& job, JobContext& context) {
  HandlerOutcome outcome;
  if (stopping_now_) {
    outcome = HandlerOutcome::failure("the worker shut down before the job started", true);
  } else if (context.stop_requested()) {
    outcome = HandlerOutcome::failure(fmt::format("not started: {}", to_string(context.stop_reason())), true);
  } else {
    spdlog::debug("job {}: attempt {} started", job.id, job.attempt);
    try {
      outcome = handler_(job, context);
    } catch (const std::exception& e) {
      outcome = HandlerOutcome::failure(fmt::format("the handler threw: {}", e.what()), true);
    } catch (...) {
      outcome = HandlerOutcome::failure("the handler threw an unknown exception", true);
    }
  }
  heartbeater_->untrack(job.id);
  acknowledge(client, job, context, std::move(outcome));
}

void WorkerLoop::flush_progress(Client& client, const LeasedJob& job, JobContext& context) {
  // The heartbeat schedule coalesces progress, so the handler's last report ("100 %, done") is usually
  // still pending when it returns; without this one request a succeeded job would show the progress of
  // an earlier heartbeat forever. Best effort: the outcome matters more than its last progress line.
  auto progress = context.take_progress();
  if (!progress) return;
  auto answer = client.heartbeat(job.id, job.lease_token, progress);
  if (!answer) spdlog::debug("job {}: final progress not delivered: {}", job.id, answer.error().message());
}

void WorkerLoop::acknowledge(Client& client, const LeasedJob& job, JobContext& context,
                             HandlerOutcome outcome) {
  if (context.stop_reason() == StopReason::lease_lost) {
    ++abandoned_;
    spdlog::info("job {}: lease lost while running; outcome dropped", job.id);
    return;
  }
  if (outcome.succeeded) flush_progress(client, job, context);
  Jitter jitter;
  for (int attempt = 1;; ++attempt) {
    std::optional<ApiError> error;
    if (outcome.succeeded) {
      auto r = client.complete(job.id, job.lease_token, outcome.result);
      if (!r) error = r.error();
    } else {
      auto r = client.fail(job.id, job.lease_token, outcome.error, outcome.retryable);
      if (!r) error = r.error();
    }
    if (!error) {
      if (outcome.succeeded) {
        ++completed_;
        spdlog::debug("job {}: attempt {} completed", job.id, job.attempt);
      } else {
        ++failed_;
        spdlog::info("job {}: attempt {} failed{}: {}", job.id, job.attempt,
                     outcome.retryable ? "" : " for good", outcome.error);
      }
      return;
    }
    if (error->code() == Errc::lease_lost) {
      ++abandoned_;
      spdlog::info("job {}: lease lost before the outcome was delivered; dropped", job.id);
      return;
    }
    if (outcome.succeeded && !transient(error->code())) {
      // The server refused the result itself (too large, say): running the job again would not help.
      outcome =
          HandlerOutcome::failure(fmt::format("the server refused the result: {}", error->message()), false);
      continue;
    }
    if (!transient(error->code()) || attempt >= options_.ack_attempts) {
      ++abandoned_;
      spdlog::error("job {}: cannot deliver the outcome: {}", job.id, error->message());
      return;
    }
    wait_backoff(options_.backoff.backoff(attempt, jitter()));
  }
}

}  // namespace replyd::client
