// A child process of a black-box test other than the server: a `replyd worker`, or a shell script that
// speaks the worker protocol. It is started with posix_spawn in its own process group (stdin from
// /dev/null, stdout and stderr appended to one log file, REPLYD_* variables removed from the
// environment, default signal dispositions), so that killing the group also ends whatever the child
// started. The destructor kills the group with SIGKILL and reaps the child.
// Not thread-safe.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace replyd::blackbox {

class ChildProcess {
 public:
  // Starts argv[0] (a path, not searched in PATH) with `argv`. Throws std::runtime_error when it
  // cannot be started.
  ChildProcess(std::vector<std::string> argv, std::filesystem::path log_path);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Sends SIGKILL to the whole process group and reaps the child (a killed process is reaped at once,
  // so this does not wait on anything the child does). Returns the wait status as 128 + signal, or the
  // exit code when it had already exited. Calling it again returns the same value.
  int kill_and_reap();
  // Everything the child wrote to stdout and stderr so far.
  std::string log_text() const;

 private:
  std::filesystem::path log_path_;
  pid_t pid_ = -1;
  int exit_code_ = -1;
  bool reaped_ = false;
};

}  // namespace replyd::blackbox
