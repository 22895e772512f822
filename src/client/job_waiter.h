// Following a job until it finishes, as `replyd wait` does: repeated long-polls of its status
// (GET /v1/jobs/{id} with Prefer: wait=N), each answer handed to a callback (to show progress). Each
// long-poll lasts the server's last Retry-After (its estimate of when to look again), at most poll_s;
// a long-poll ends early when the job finishes. When the server answers without holding the request,
// the next poll waits for the Retry-After first. Transport failures and 503s are retried with backoff
// for a while.
#pragma once

#include "client/client.h"
#include "core/clock.h"
#include "core/retry_policy.h"

#include <chrono>
#include <functional>
#include <string_view>

namespace replyd::client {

struct WaitOptions {
  // The longest single long-poll: a running job's progress is seen at least this often.
  int poll_s = 5;
  // Consecutive failed polls (transport errors, 503, 429) tolerated before giving up.
  int max_failures = 8;
  RetryPolicy backoff{std::chrono::milliseconds(500), std::chrono::seconds(8)};
  // How to pause between polls; empty: std::this_thread::sleep_for. Tests inject a recorder.
  std::function<void(Duration)> sleep;
  const Clock* clock = nullptr;  // empty: the system clock
};

// Returns the job's status once it is finished (succeeded, failed or cancelled). `on_update`, when
// given, is called with every status answer, the last one included. Errors: the error of the last
// poll (Errc::not_found for an unknown id; Errc::unavailable after max_failures transport failures).
ApiResult<JobStatus> wait_for_job(Client& client, std::string_view id, const WaitOptions& options = {},
                                  const std::function<void(const JobStatus&)>& on_update = {});

}  // namespace replyd::client
