#include "tests/support/replyd_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace replyd::blackbox {
namespace {

constexpr std::string_view kListening = "replyd listening on ";

std::string errno_text(std::string_view what, int error) {
  return std::string(what) + ": " + std::strerror(error);
}

// Each process of a test run gets its own stderr file, also across restarts on one data dir.
std::filesystem::path next_stderr_path(const std::filesystem::path& dir) {
  static std::atomic<int> counter{0};
  return dir / ("replyd-stderr-" + std::to_string(++counter) + ".log");
}

std::vector<std::string> child_environment() {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    if (std::string_view(*e).starts_with("REPLYD_")) continue;
    env.emplace_back(*e);
  }
  return env;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Spawn attributes: own process group, no blocked signals, default dispositions for the signals a
// test harness may have changed (a parent ignoring SIGPIPE would otherwise pass that on).
class SpawnAttributes {
 public:
  SpawnAttributes() {
    posix_spawnattr_init(&attr_);
    sigset_t empty;
    sigemptyset(&empty);
    sigset_t defaults;
    sigemptyset(&defaults);
    for (int s : {SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGCHLD, SIGUSR1, SIGUSR2})
      sigaddset(&defaults, s);
    posix_spawnattr_setsigmask(&attr_, &empty);
    posix_spawnattr_setsigdefault(&attr_, &defaults);
    posix_spawnattr_setpgroup(&attr_, 0);
    posix_spawnattr_setflags(&attr_, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  }
  ~SpawnAttributes() { posix_spawnattr_destroy(&attr_); }
  const posix_spawnattr_t* get() const { return &attr_; }

 private:
  posix_spawnattr_t attr_;
};

class FileActions {
 public:
  FileActions() { posix_spawn_file_actions_init(&actions_); }
  ~FileActions() { posix_spawn_file_actions_destroy(&actions_); }
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_;
};

}  // namespace

ReplydProcess::ReplydProcess(std::string binary, std::filesystem::path data_dir,
                             std::vector<std::string> extra_args, std::chrono::milliseconds startup_deadline)
    : data_dir_(std::move(data_dir)), stderr_path_(next_stderr_path(data_dir_)) {
  std::vector<std::string> args{binary, "serve", "--listen", "127.0.0.1:0"};
  // The store option may be given once only: a caller's own (a PostgreSQL URI) replaces the default.
  if (std::find(extra_args.begin(), extra_args.end(), "--store") == extra_args.end()) {
    args.insert(args.end(), {"--store", "sqlite:" + (data_dir_ / "replyd.db").string()});
  }
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  std::vector<std::string> env = child_environment();
  std::vector<char*> argv = pointers(args);
  std::vector<char*> envp = pointers(env);

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error(errno_text("pipe2", errno));
  FileActions actions;
  posix_spawn_file_actions_addopen(actions.get(), 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(actions.get(), fds[1], 1);
  std::string stderr_file = stderr_path_.string();
  posix_spawn_file_actions_addopen(actions.get(), 2, stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  SpawnAttributes attributes;
  int spawned =
      ::posix_spawn(&pid_, binary.c_str(), actions.get(), attributes.get(), argv.data(), envp.data());
  ::close(fds[1]);
  if (spawned != 0) {
    ::close(fds[0]);
    pid_ = -1;
    throw std::runtime_error(errno_text("posix_spawn " + binary, spawned));
  }
  stdout_fd_ = fds[0];
  reader_ = std::thread([this] { read_stdout(); });

  std::string line;
  {
    std::unique_lock lock(mutex_);
    bool ready = changed_.wait_for(lock, startup_deadline, [&] {
      auto start = stdout_.find(kListening);
      return stdout_closed_ || (start != std::string::npos && stdout_.find('\n', start) != std::string::npos);
    });
    auto start = stdout_.find(kListening);
    if (ready && start != std::string::npos) {
      line = stdout_.substr(start + kListening.size(), stdout_.find('\n', start) - start - kListening.size());
    }
  }
  if (line.empty()) fail_startup("replyd did not report that it listens");
  url_ = line.substr(0, line.find(' '));
  auto colon = url_.rfind(':');
  int port = colon == std::string::npos ? 0 : std::atoi(url_.c_str() + colon + 1);
  if (!url_.starts_with("http://127.0.0.1:") || port <= 0 || port > 65535) {
    fail_startup("unexpected listening line '" + line + "'");
  }
  port_ = static_cast<std::uint16_t>(port);
}

std::string ReplydProcess::stop_now() {
  std::string outcome;
  if (!exit_code_ && pid_ > 0) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      if (!signalled_) {
        // Nobody asked it to stop: it crashed or exited during the test.
        outcome = WIFEXITED(status)
                      ? "replyd exited by itself with code " + std::to_string(WEXITSTATUS(status))
                      : "replyd died of signal " + std::to_string(WTERMSIG(status)) + " (" +
                            strsignal(WTERMSIG(status)) + ")";
      }
    } else {
      ::kill(-pid_, SIGKILL);
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
    }
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  if (reader_.joinable()) reader_.join();
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
  stdout_fd_ = -1;
  return outcome;
}

void ReplydProcess::fail_startup(std::string_view what) {
  std::string text = failure_text(what);
  stop_now();
  throw std::runtime_error(text);
}

ReplydProcess::~ReplydProcess() {
  std::string outcome = stop_now();
  if (!outcome.empty()) ADD_FAILURE() << outcome << " (pid " << pid_ << ")";
  if (::testing::Test::HasFailure()) {
    std::string text = stderr_text();
    constexpr std::size_t kShown = 16 * 1024;
    if (text.size() > kShown) text = "...\n" + text.substr(text.size() - kShown);
    std::cerr << "---- replyd (pid " << pid_ << ") stderr, " << stderr_path_.string() << " ----\n"
              << text << "---- end of replyd stderr ----\n";
  }
}

void ReplydProcess::read_stdout() {
  char chunk[4096];
  while (true) {
    ssize_t n = ::read(stdout_fd_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    std::lock_guard lock(mutex_);
    if (n <= 0) {
      stdout_closed_ = true;
      changed_.notify_all();
      return;
    }
    stdout_.append(chunk, static_cast<std::size_t>(n));
    changed_.notify_all();
  }
}

void ReplydProcess::kill(int signal) {
  if (!exit_code_ && pid_ > 0) {
    signalled_ = true;
    ::kill(pid_, signal);
  }
}

int ReplydProcess::wait_exit(std::chrono::milliseconds deadline) {
  if (exit_code_) return *exit_code_;
  {
    // The pipe closes when the process (and anything it started) has exited: an event to wait on
    // with a deadline, unlike waitpid.
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, deadline, [this] { return stdout_closed_; })) {
      lock.unlock();
      throw std::runtime_error(failure_text("replyd did not exit in time"));
    }
  }
  int status = 0;
  pid_t reaped;
  do {
    reaped = ::waitpid(pid_, &status, 0);
  } while (reaped < 0 && errno == EINTR);
  if (reaped != pid_) throw std::runtime_error(errno_text("waitpid", errno));
  exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return *exit_code_;
}

std::string ReplydProcess::stdout_text() const {
  std::lock_guard lock(mutex_);
  return stdout_;
}

std::string ReplydProcess::stderr_text() const {
  std::ifstream in(stderr_path_, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string ReplydProcess::failure_text(std::string_view what) const {
  return std::string(what) + " (pid " + std::to_string(pid_) + ")\nstdout:\n" + stdout_text() +
         "\nstderr:\n" + stderr_text();
}

}  // namespace replyd::blackbox
