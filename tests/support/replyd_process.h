// A `replyd serve` child process for black-box tests. The constructor starts
//   BINARY serve --listen 127.0.0.1:0 --store sqlite:DATA_DIR/replyd.db EXTRA_ARGS...
// (without the `--store sqlite:...` when EXTRA_ARGS has its own `--store`, e.g. a PostgreSQL URI)
// with posix_spawn in its own process group (stdin from /dev/null, stdout to a pipe read by a thread,
// stderr to a log file in DATA_DIR, REPLYD_* variables removed from the environment), and returns once
// the server has printed "replyd listening on http://127.0.0.1:PORT ...". Another ReplydProcess may
// later be started on the same DATA_DIR (restart after a crash or a graceful stop).
//
// The destructor kills the process group with SIGKILL if the process still runs and reaps it. A
// process that ended without being told to (a crash) fails the current gtest test; when the test has
// failed, the server's stderr is printed for diagnosis.
// Not thread-safe, except that several objects may live in parallel.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace replyd::blackbox {

class ReplydProcess {
 public:
  // Throws std::runtime_error (with the server's stderr) when the process cannot be started, exits, or
  // has not printed its listening line within `startup_deadline`.
  ReplydProcess(std::string binary, std::filesystem::path data_dir, std::vector<std::string> extra_args = {},
                std::chrono::milliseconds startup_deadline = std::chrono::seconds(20));
  ~ReplydProcess();
  ReplydProcess(const ReplydProcess&) = delete;
  ReplydProcess& operator=(const ReplydProcess&) = delete;

  // "http://127.0.0.1:PORT", as printed by the server.
  const std::string& url() const { return url_; }
  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::filesystem::path& data_dir() const { return data_dir_; }
  const std::filesystem::path& stderr_path() const { return stderr_path_; }

  // Sends `signal` to the server process (not its group). No effect once it has been reaped.
  void kill(int signal);
  // Waits until the process has exited (its stdout closes, then it is reaped) and returns its exit
  // code, or 128 + N when signal N ended it. Throws std::runtime_error when it still runs after
  // `deadline`. Calling it again returns the same code.
  int wait_exit(std::chrono::milliseconds deadline = std::chrono::seconds(30));

  // Everything the server wrote to stdout / stderr so far.
  std::string stdout_text() const;
  std::string stderr_text() const;

 private:
  void read_stdout();
  // SIGKILL to the process group unless reaped already, then reap it and end the reader thread.
  // Returns a description when the process had ended without being asked to (a crash), else "".
  std::string stop_now();
  [[noreturn]] void fail_startup(std::string_view what);
  std::string failure_text(std::string_view what) const;

  std::filesystem::path data_dir_;
  std::filesystem::path stderr_path_;
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  bool signalled_ = false;  // kill() was called: an exit is expected
  std::string url_;
  std::uint16_t port_ = 0;

  int stdout_fd_ = -1;
  std::thread reader_;
  mutable std::mutex mutex_;  // guards stdout_ and stdout_closed_
  std::condition_variable changed_;
  std::string stdout_;
  bool stdout_closed_ = false;
};

}  // namespace replyd::blackbox
