// `replyd worker --queue Q --exec CMD`: runs CMD once per job of queue Q (worker/exec_handler.h) on
// --concurrency threads. The first SIGINT or SIGTERM stops taking jobs and lets the running commands
// finish; a second one terminates them (their jobs are failed, retryable) and exits.
#include "cli/commands.h"
#include "client/worker_loop.h"
#include "worker/exec_handler.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <memory>
#include <thread>

#include <pthread.h>

namespace replyd::cli {
namespace {

struct WorkerArgs {
  std::string server = "http://127.0.0.1:8080";
  std::string queue;
  std::string command;
  int concurrency = 1;
  int lease_wait_s = 20;
  std::string result_type = "application/octet-stream";
  double kill_grace_s = 5;
  std::string log_level = "info";
};

// Signals are taken by one thread with sigwait(), so that stopping the loop (which takes locks and
// talks to sockets) never runs inside a signal handler. They are blocked from construction on, before
// any other thread starts, so every thread inherits the mask; the commands get an empty one
// (child_runner.cpp). The destructor restores the mask.
class SignalWatcher {
 public:
  SignalWatcher() {
    sigemptyset(&set_);
    for (int sig : {SIGINT, SIGTERM, kQuit}) sigaddset(&set_, sig);
    pthread_sigmask(SIG_BLOCK, &set_, &old_);
  }
  ~SignalWatcher() {
    stop();
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

  // Starts taking signals for `loop`, which must outlive stop().
  void start(client::WorkerLoop& loop) {
    thread_ = std::thread([this, &loop] { watch(loop); });
  }
  void stop() {
    if (!thread_.joinable()) return;
    done_ = true;
    pthread_kill(thread_.native_handle(), kQuit);
    thread_.join();
  }

 private:
  static constexpr int kQuit = SIGUSR2;

  void watch(client::WorkerLoop& loop) {
    int signals = 0;
    for (;;) {
      int sig = 0;
      if (sigwait(&set_, &sig) != 0) return;
      if (sig == kQuit) {
        if (done_) return;
        continue;
      }
      if (++signals == 1) {
        spdlog::info("stopping: finishing the running jobs (signal again to terminate them)");
        loop.stop();
      } else {
        spdlog::warn("terminating the running jobs");
        loop.stop_now();
      }
    }
  }

  sigset_t set_{}, old_{};
  std::atomic<bool> done_{false};
  std::thread thread_;
};

int run_worker(const WorkerArgs& a) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("replyd-worker"));
  spdlog::set_level(spdlog::level::from_str(a.log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");

  client::WorkerOptions options;
  options.queue = a.queue;
  options.concurrency = a.concurrency;
  options.lease_wait_s = a.lease_wait_s;
  worker::ExecOptions exec;
  exec.command = a.command;
  exec.result_type = a.result_type;
  exec.kill_grace = std::chrono::milliseconds(static_cast<long long>(a.kill_grace_s * 1000));

  SignalWatcher signals;  // first: the loop's threads must inherit the mask
  client::WorkerLoop loop(a.server, options, worker::make_exec_handler(exec));
  signals.start(loop);
  spdlog::info("worker: queue '{}' on {}, {} at a time: {}", a.queue, a.server, a.concurrency, a.command);
  loop.run();
  signals.stop();
  auto stats = loop.stats();
  spdlog::info("worker stopped: {} completed, {} failed, {} abandoned", stats.completed, stats.failed,
               stats.abandoned);
  return 0;
}

}  // namespace

void add_worker_command(CLI::App& app, Runner& run) {
  auto* c = app.add_subcommand("worker",
                               "Run a shell command for every job of a queue.\n"
                               "The payload is the command's stdin and its stdout the result; stderr lines\n"
                               "'progress CURRENT/TOTAL [message]' report progress; exit status 0 completes\n"
                               "the job, anything else fails the attempt (retried while attempts are left).\n"
                               "The command sees REPLYD_JOB_ID, REPLYD_ATTEMPT and REPLYD_QUEUE.");
  auto a = std::make_shared<WorkerArgs>();
  c->option_defaults()->always_capture_default();
  c->add_option("--server", a->server, "replyd server URL")->envname("REPLYD_SERVER");
  c->add_option("--queue", a->queue, "Queue to take jobs from")->required();
  c->add_option("--exec", a->command, "Command to run per job, by /bin/sh -c")->required();
  c->add_option("--concurrency", a->concurrency, "Jobs run at the same time")->check(CLI::Range(1, 1024));
  c->add_option("--lease-wait", a->lease_wait_s,
                "Seconds each request for a job waits at the server (long-poll)")
      ->check(CLI::Range(0, 300));
  c->add_option("--result-type", a->result_type, "Content-Type of the result (the command's stdout)");
  c->add_option("--kill-grace", a->kill_grace_s,
                "Seconds between SIGTERM and SIGKILL when a job is cancelled or its deadline passes")
      ->check(CLI::Range(0.0, 3600.0));
  c->add_option("--log-level", a->log_level, "trace, debug, info, warn, error")
      ->envname("REPLYD_LOG_LEVEL")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));
  c->callback([&run, a] { run = [a] { return run_worker(*a); }; });
}

}  // namespace replyd::cli
