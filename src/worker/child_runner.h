// Runs one shell command as a child process: `/bin/sh -c COMMAND` in its own process group, with the
// input written to its stdin, its stdout collected and its stderr handed over line by line. Writing,
// reading and waiting share one poll() loop, so a child that writes a lot before it reads all its
// input (or the other way round) cannot deadlock with us.
//
// terminate() (from any thread) sends SIGTERM to the child's process group, then SIGKILL after the
// grace period; output keeps being read meanwhile, so a command that cleans up on SIGTERM is heard.
// Processes the shell leaves behind in its group are ended with it: those still holding the output
// pipes get SIGTERM (then SIGKILL after the grace period), the rest SIGKILL, so that nothing keeps a
// run open or outlives its job.
#pragma once

#include "core/result.h"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace replyd::worker {

struct ChildSpec {
  std::string command;                   // run by /bin/sh -c
  std::vector<std::string> environment;  // "NAME=value": added to this process's environment (replacing)
  std::chrono::milliseconds kill_grace{5'000};            // SIGTERM to SIGKILL after terminate()
  std::size_t max_stdout_bytes = std::size_t{256} << 20;  // over this the child is terminated
  std::size_t max_stderr_line = 64 * 1024;                // a longer stderr line is handed over in pieces
};

struct ChildOutcome {
  std::optional<int> exit_code;  // when it exited
  std::optional<int> signal;     // when a signal ended it
  std::string stdout_bytes;
  bool terminated = false;       // terminate() came before the child exited: it was signalled
  bool killed = false;           // the grace period ran out: SIGKILL was sent to the group
  bool stdout_overflow = false;  // stdout passed max_stdout_bytes; the child was terminated

  bool succeeded() const { return exit_code == 0 && !terminated && !stdout_overflow; }
  // "exit status 3", "signal 9 (SIGKILL)".
  std::string describe() const;
};

class ChildRunner {
 public:
  // Throws std::system_error when the wake-up pipe cannot be created (out of file descriptors).
  explicit ChildRunner(ChildSpec spec);
  ~ChildRunner();
  ChildRunner(const ChildRunner&) = delete;
  ChildRunner& operator=(const ChildRunner&) = delete;

  // Runs the command once (call at most once) and returns when it has exited and its output is
  // drained. `on_stderr_line` gets each stderr line without its '\n', on this thread. When
  // terminate() came first, returns at once with `terminated` and nothing run.
  // Errors: Errc::internal when the child cannot be started (no /bin/sh, out of processes or fds).
  Result<ChildOutcome> run(std::string_view input,
                           const std::function<void(std::string_view)>& on_stderr_line);

  // Thread-safe, at any time, idempotent: ends the child as described above.
  void terminate();

 private:
  ChildSpec spec_;
  int wake_read_ = -1;
  int wake_write_ = -1;
  std::atomic<bool> terminate_requested_{false};
};

}  // namespace replyd::worker
