// The handler of `replyd worker --exec CMD`: runs CMD once per job (child_runner.h) with the payload
// on stdin and REPLYD_JOB_ID, REPLYD_ATTEMPT and REPLYD_QUEUE in its environment.
//
// - stdout is the result, with the configured media type; exit status 0 completes the job.
// - stderr lines `progress CURRENT/TOTAL [message]` are progress; other lines are logged, and the
//   last few go into the error of a failed attempt.
// - Another exit status, or death by a signal, fails the attempt (retryable).
// - A cancel, a lost lease, the attempt's deadline (the lease could not be extended) or a worker
//   shutdown terminates the command's process group (SIGTERM, SIGKILL after the grace period); the
//   attempt is then failed, which the server turns into `cancelled` when a cancel was requested.
#pragma once

#include "client/worker_loop.h"

#include <chrono>
#include <cstddef>
#include <string>

namespace replyd::worker {

struct ExecOptions {
  std::string command;                                   // for /bin/sh -c
  std::string result_type = "application/octet-stream";  // Content-Type of the result
  std::chrono::milliseconds kill_grace{5'000};
  std::size_t stderr_tail_lines = 10;                     // kept for the error of a failed attempt
  std::size_t max_result_bytes = std::size_t{256} << 20;  // a larger stdout fails the job (not retryable)
};

// Thread-safe: one handler may serve every thread of a WorkerLoop.
client::Handler make_exec_handler(ExecOptions options);

}  // namespace replyd::worker
