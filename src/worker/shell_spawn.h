// Starting `/bin/sh -c COMMAND` as a child with pipes for stdin, stdout and stderr: the process side
// of child_runner.h, apart from the loop that feeds and drains it.
#pragma once

#include "core/result.h"

#include <string>
#include <utility>
#include <vector>

#include <sys/types.h>

namespace replyd::worker {

// An owned file descriptor; closed on destruction or reset.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) reset(std::exchange(o.fd_, -1));
    return *this;
  }

  int get() const { return fd_; }
  bool open() const { return fd_ >= 0; }
  void reset(int fd = -1);

 private:
  int fd_ = -1;
};

struct ShellChild {
  pid_t pid = -1;  // also its process group id
  Fd stdin_w;      // our ends of its pipes, non-blocking and close-on-exec
  Fd stdout_r;
  Fd stderr_r;
};

// Starts `/bin/sh -c command` in a new process group, with `environment` ("NAME=value") added to this
// process's environment (replacing same names), an empty signal mask and default dispositions for
// the signals a worker blocks or ignores. Thread-safe: the pipes are close-on-exec, so a child started
// by another thread at the same moment inherits none of them. Errors: Errc::internal with the cause
// (no /bin/sh, out of processes or file descriptors).
Result<ShellChild> spawn_shell(const std::string& command, const std::vector<std::string>& environment);

}  // namespace replyd::worker
