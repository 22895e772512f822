// A short-lived `replyd` client command run by a black-box test (`replyd wait`, `replyd watch`): started
// with posix_spawn in its own process group, stdin from /dev/null, stdout and stderr together on a pipe
// read by a thread, REPLYD_* variables removed from the environment. The test waits for text in the
// output or for the exit, each with a deadline; the destructor kills the group and reaps the child.
// Not thread-safe.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace replyd::blackbox {

class CliProcess {
 public:
  // Starts `argv` (argv[0] a path). Throws std::runtime_error when it cannot be started.
  explicit CliProcess(std::vector<std::string> argv);
  ~CliProcess();
  CliProcess(const CliProcess&) = delete;
  CliProcess& operator=(const CliProcess&) = delete;

  // Waits until the output contains `text`; false when the deadline passes or the output ends first.
  bool wait_for_output(std::string_view text, std::chrono::milliseconds deadline = std::chrono::seconds(10));
  // Waits for the exit and returns the exit code (128 + N for signal N); nullopt after the deadline.
  std::optional<int> wait_exit(std::chrono::milliseconds deadline = std::chrono::seconds(20));
  // Everything written so far.
  std::string output() const;

 private:
  void read_output();

  pid_t pid_ = -1;
  int fd_ = -1;
  std::optional<int> exit_code_;
  std::thread reader_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string output_;
  bool closed_ = false;
};

}  // namespace replyd::blackbox
