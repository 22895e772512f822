#include "client/job_waiter.h"

#include <random>
#include <thread>

namespace replyd::client {
namespace {

bool retry_later(Errc code) { return code == Errc::unavailable || code == Errc::overloaded; }

}  // namespace

ApiResult<JobStatus> wait_for_job(Client& client, std::string_view id, const WaitOptions& options,
                                  const std::function<void(const JobStatus&)>& on_update) {
  SystemClock system_clock;
  const Clock& clock = options.clock ? *options.clock : system_clock;
  auto sleep = [&](Duration d) {
    if (options.sleep) {
      options.sleep(d);
    } else {
      std::this_thread::sleep_for(d);
    }
  };
  std::minstd_rand rng(std::random_device{}());
  int max_wait_s = std::max(options.poll_s, 1);
  int wait_s = 1;
  int failures = 0;
  for (;;) {
    TimePoint asked = clock.now();
    auto status = client.status(id, wait_s);
    if (!status) {
      if (!retry_later(status.error().code()) || ++failures >= options.max_failures) return status.error();
      Duration delay = options.backoff.backoff(failures, std::uniform_real_distribution<double>(0, 1)(rng));
      if (auto after = status.error().retry_after_s())
        delay = std::max<Duration>(delay, std::chrono::seconds(*after));
      sleep(delay);
      continue;
    }
    failures = 0;
    if (on_update) on_update(*status);
    if (status->finished()) return status;
    // A server that held the request says so, or took about as long as asked; one that did not
    // (an older server, a proxy) is polled no faster than its Retry-After.
    bool held = status->preference_applied.find("wait") != std::string::npos ||
                clock.now() - asked >= Duration(std::chrono::seconds(wait_s)) / 2;
    wait_s = std::clamp(status->retry_after_s.value_or(1), 1, max_wait_s);
    if (!held) sleep(std::chrono::seconds(wait_s));
  }
}

}  // namespace replyd::client
