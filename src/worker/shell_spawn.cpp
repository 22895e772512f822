#include "worker/shell_spawn.h"

#include <fmt/format.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <string_view>

#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>

extern char** environ;

namespace replyd::worker {
namespace {

bool make_pipe(Fd& read_end, Fd& write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return false;
  read_end.reset(fds[0]);
  write_end.reset(fds[1]);
  return true;
}

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

std::vector<std::string> build_environment(const std::vector<std::string>& extra) {
  auto name_of = [](std::string_view entry) { return entry.substr(0, entry.find('=')); };
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    std::string_view entry(*e);
    bool replaced = false;
    for (const auto& x : extra) replaced = replaced || name_of(x) == name_of(entry);
    if (!replaced) env.emplace_back(entry);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

// posix_spawn attributes and file actions, released whatever happens.
struct SpawnSetup {
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;

  SpawnSetup(int stdin_fd, int stdout_fd, int stderr_fd) {
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, stdin_fd, 0);
    posix_spawn_file_actions_adddup2(&actions, stdout_fd, 1);
    posix_spawn_file_actions_adddup2(&actions, stderr_fd, 2);
    posix_spawnattr_init(&attr);
    // Its own process group, so that the whole job can be signalled at once. The worker's threads
    // block SIGINT and SIGTERM (and the mask would be inherited); the command must see them.
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setpgroup(&attr, 0);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    sigset_t defaults;
    sigemptyset(&defaults);
    for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGCHLD, SIGALRM}) {
      sigaddset(&defaults, sig);
    }
    posix_spawnattr_setsigdefault(&attr, &defaults);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
};

}  // namespace

void Fd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

Result<ShellChild> spawn_shell(const std::string& command, const std::vector<std::string>& environment) {
  ShellChild child;
  Fd stdin_r, stdout_w, stderr_w;
  if (!make_pipe(stdin_r, child.stdin_w) || !make_pipe(child.stdout_r, stdout_w) ||
      !make_pipe(child.stderr_r, stderr_w)) {
    return Error(Errc::internal, fmt::format("cannot create pipes: {}", std::strerror(errno)));
  }
  auto env = build_environment(environment);
  std::vector<char*> envp;
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::string sh = "/bin/sh", dash_c = "-c", text = command;
  char* argv[] = {sh.data(), dash_c.data(), text.data(), nullptr};

  SpawnSetup setup(stdin_r.get(), stdout_w.get(), stderr_w.get());
  int rc = posix_spawn(&child.pid, "/bin/sh", &setup.actions, &setup.attr, argv, envp.data());
  if (rc != 0) return Error(Errc::internal, fmt::format("cannot start /bin/sh: {}", std::strerror(rc)));
  // The child's ends close here: only the child may hold them, or end of file would never come.
  for (int fd : {child.stdin_w.get(), child.stdout_r.get(), child.stderr_r.get()}) set_nonblocking(fd);
  return child;
}

}  // namespace replyd::worker
