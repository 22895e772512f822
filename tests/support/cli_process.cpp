#include "tests/support/cli_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string_view>

extern char** environ;

namespace replyd::blackbox {

CliProcess::CliProcess(std::vector<std::string> argv) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::strncmp(*e, "REPLYD_", 7) != 0) env_strings.emplace_back(*e);
  }
  std::vector<char*> env;
  for (auto& e : env_strings) env.push_back(e.data());
  env.push_back(nullptr);
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);

  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDERR_FILENO);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);
  int rc = ::posix_spawn(&pid_, args[0], &actions, &attr, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(out[1]);
  if (rc != 0) {
    ::close(out[0]);
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  }
  fd_ = out[0];
  reader_ = std::thread([this] { read_output(); });
}

CliProcess::~CliProcess() {
  if (!exit_code_) {
    ::kill(-pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  if (reader_.joinable()) reader_.join();
  ::close(fd_);
}

void CliProcess::read_output() {
  char buffer[4096];
  while (true) {
    ssize_t n = ::read(fd_, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    std::lock_guard lock(mutex_);
    if (n <= 0) {
      closed_ = true;
      changed_.notify_all();
      return;
    }
    output_.append(buffer, static_cast<std::size_t>(n));
    changed_.notify_all();
  }
}

bool CliProcess::wait_for_output(std::string_view text, std::chrono::milliseconds deadline) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, deadline, [&] {
    return output_.find(text) != std::string::npos || closed_;
  }) && output_.find(text) != std::string::npos;
}

std::optional<int> CliProcess::wait_exit(std::chrono::milliseconds deadline) {
  if (exit_code_) return exit_code_;
  {
    // The output closes when the process (and whatever it started) has exited.
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, deadline, [&] { return closed_; })) return std::nullopt;
  }
  int status = 0;
  if (::waitpid(pid_, &status, 0) != pid_) return std::nullopt;
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return exit_code_;
}

std::string CliProcess::output() const {
  std::lock_guard lock(mutex_);
  return output_;
}

}  // namespace replyd::blackbox
