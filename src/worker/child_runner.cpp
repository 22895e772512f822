#include "worker/child_runner.h"

#include "worker/shell_spawn.h"

#include <fmt/format.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <system_error>

#include <fcntl.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

namespace replyd::worker {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kChunk = 64 * 1024;
// Without a pidfd (old kernels) the child's exit is noticed by checking this often.
constexpr int kExitPollMs = 50;

// Writing to a pipe whose reader is gone raises SIGPIPE, which would kill the whole worker. While a
// child runs, SIGPIPE is blocked on this thread (writes then fail with EPIPE); one raised meanwhile
// is discarded before the old mask returns.
class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &set_, &old_);
  }
  ~SigpipeBlock() {
    if (sigismember(&old_, SIGPIPE)) return;
    timespec zero{};
    while (sigtimedwait(&set_, nullptr, &zero) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

 private:
  sigset_t set_, old_;
};

// One running child and its pipes: the state of the poll loop.
struct Session {
  const ChildSpec& spec;
  const std::function<void(std::string_view)>& on_stderr_line;
  pid_t pid = -1;
  Fd stdin_w, stdout_r, stderr_r, pidfd;
  std::string_view input;
  std::string stderr_partial;
  ChildOutcome outcome;
  // The shell has exited. It is reaped only at the very end: until then its pid stays taken, so the
  // group id cannot name anyone else's processes.
  bool exited = false;
  bool reaped_elsewhere = false;  // SIGCHLD ignored in this process: the kernel reaped it
  bool group_signalled = false;
  std::optional<Clock::time_point> kill_at;

  void signal_group(int sig) {
    if (!reaped_elsewhere) ::kill(-pid, sig);
  }

  // SIGTERM to the whole group now, SIGKILL once the grace period is over.
  void terminate_group() {
    if (group_signalled) return;
    group_signalled = true;
    signal_group(SIGTERM);
    kill_at = Clock::now() + spec.kill_grace;
  }

  void write_input() {
    while (!input.empty()) {
      ssize_t n = ::write(stdin_w.get(), input.data(), std::min(input.size(), kChunk));
      if (n > 0) {
        input.remove_prefix(static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) return;
      input = {};  // EPIPE: the child stopped reading; the rest of the input is not wanted
    }
    stdin_w.reset();
  }

  void read_stdout() {
    char buf[kChunk];
    for (;;) {
      ssize_t n = ::read(stdout_r.get(), buf, sizeof buf);
      if (n > 0) {
        if (outcome.stdout_bytes.size() + static_cast<std::size_t>(n) > spec.max_stdout_bytes) {
          outcome.stdout_overflow = true;
          terminate_group();
          stdout_r.reset();
          return;
        }
        outcome.stdout_bytes.append(buf, static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) return;
      stdout_r.reset();  // end of file, or an error that ends it
      return;
    }
  }

  void read_stderr() {
    char buf[kChunk];
    for (;;) {
      ssize_t n = ::read(stderr_r.get(), buf, sizeof buf);
      if (n > 0) {
        split_lines(std::string_view(buf, static_cast<std::size_t>(n)));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) return;
      if (!stderr_partial.empty()) on_stderr_line(stderr_partial);
      stderr_partial.clear();
      stderr_r.reset();
      return;
    }
  }

  void split_lines(std::string_view data) {
    while (!data.empty()) {
      auto nl = data.find('\n');
      std::size_t room =
          spec.max_stderr_line > stderr_partial.size() ? spec.max_stderr_line - stderr_partial.size() : 0;
      std::size_t take = std::min(nl == std::string_view::npos ? data.size() : nl, room);
      stderr_partial.append(data.substr(0, take));
      data.remove_prefix(take);
      bool newline = !data.empty() && data.front() == '\n';
      if (newline || stderr_partial.size() >= spec.max_stderr_line) {
        on_stderr_line(stderr_partial);
        stderr_partial.clear();
        if (newline) data.remove_prefix(1);
      }
    }
  }

  // Notes the shell's exit status once it has exited, without reaping it. What it left running in
  // its group and still holding the output pipes is ended like a terminated job (SIGTERM, then
  // SIGKILL after the grace period), so that it can neither keep the run open nor outlive the job.
  void check_exit() {
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
      if (errno == ECHILD) {
        reaped_elsewhere = true;  // its status is lost
        mark_exited();
      }
      return;
    }
    if (info.si_pid == 0) return;
    if (info.si_code == CLD_EXITED) {
      outcome.exit_code = info.si_status;
    } else {
      outcome.signal = info.si_status;
    }
    mark_exited();
    if (stdout_r.open() || stderr_r.open()) terminate_group();
  }

  void mark_exited() {
    exited = true;
    pidfd.reset();
    stdin_w.reset();
  }

  // Ends whatever is left of the group (processes that let go of the pipes) and reaps the shell.
  void finish() {
    signal_group(SIGKILL);
    while (!reaped_elsewhere && ::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
  }

  int poll_timeout() const {
    int timeout = -1;
    if (!exited && !pidfd.open()) timeout = kExitPollMs;
    if (kill_at && !outcome.killed) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(*kill_at - Clock::now()).count();
      left = std::max<long long>(left, 0);
      timeout = timeout < 0 ? static_cast<int>(std::min<long long>(left, INT32_MAX))
                            : std::min(timeout, static_cast<int>(std::min<long long>(left, INT32_MAX)));
    }
    return timeout;
  }
};

void drain(int fd) {
  char buf[64];
  while (::read(fd, buf, sizeof buf) > 0) {
  }
}

}  // namespace

std::string ChildOutcome::describe() const {
  if (exit_code) return fmt::format("exit status {}", *exit_code);
  if (signal) {
    const char* abbrev = sigabbrev_np(*signal);
    return abbrev ? fmt::format("signal {} (SIG{})", *signal, abbrev) : fmt::format("signal {}", *signal);
  }
  return "not run";
}

ChildRunner::ChildRunner(ChildSpec spec) : spec_(std::move(spec)) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0)
    throw std::system_error(errno, std::generic_category(), "pipe2");
  wake_read_ = fds[0];
  wake_write_ = fds[1];
}

ChildRunner::~ChildRunner() {
  ::close(wake_read_);
  ::close(wake_write_);
}

void ChildRunner::terminate() {
  terminate_requested_.store(true);
  char byte = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_write_, &byte, 1);  // a full pipe already wakes the loop
}

Result<ChildOutcome> ChildRunner::run(std::string_view input,
                                      const std::function<void(std::string_view)>& on_stderr_line) {
  Session s{spec_, on_stderr_line};
  if (terminate_requested_.load()) {
    s.outcome.terminated = true;
    return s.outcome;
  }
  SigpipeBlock sigpipe_block;
  auto child = spawn_shell(spec_.command, spec_.environment);
  if (!child) return child.error();
  s.pid = child->pid;
  s.stdin_w = std::move(child->stdin_w);
  s.stdout_r = std::move(child->stdout_r);
  s.stderr_r = std::move(child->stderr_r);
  // Through syscall(): glibc 2.36's <sys/pidfd.h> lacks C linkage for C++.
  s.pidfd.reset(static_cast<int>(::syscall(SYS_pidfd_open, s.pid, 0)));
  s.input = input;
  if (s.input.empty()) s.stdin_w.reset();

  while (!s.exited || s.stdout_r.open() || s.stderr_r.open()) {
    pollfd fds[5];
    nfds_t n = 0;
    auto add = [&](const Fd& fd, short events) {
      if (fd.open()) fds[n++] = pollfd{fd.get(), events, 0};
    };
    fds[n++] = pollfd{wake_read_, POLLIN, 0};
    add(s.stdin_w, POLLOUT);
    add(s.stdout_r, POLLIN);
    add(s.stderr_r, POLLIN);
    if (!s.exited) add(s.pidfd, POLLIN);
    int ready = ::poll(fds, n, s.poll_timeout());
    if (ready < 0 && errno != EINTR) {
      std::string why = std::strerror(errno);
      s.finish();  // no child may outlive its run
      return Error(Errc::internal, fmt::format("poll: {}", why));
    }

    if (terminate_requested_.load()) {
      drain(wake_read_);
      if (!s.outcome.terminated && !s.exited) {
        s.outcome.terminated = true;
        s.terminate_group();
      }
    }
    for (nfds_t i = 1; i < n; ++i) {
      if (fds[i].revents == 0) continue;
      int fd = fds[i].fd;
      if (fd == s.stdin_w.get())
        s.write_input();
      else if (fd == s.stdout_r.get())
        s.read_stdout();
      else if (fd == s.stderr_r.get())
        s.read_stderr();
    }
    if (!s.exited) s.check_exit();
    if (s.kill_at && !s.outcome.killed && Clock::now() >= *s.kill_at) {
      s.outcome.killed = true;
      s.signal_group(SIGKILL);
    }
  }
  s.finish();
  return s.outcome;
}

}  // namespace replyd::worker
