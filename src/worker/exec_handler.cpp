#include "worker/exec_handler.h"

#include "worker/child_runner.h"
#include "worker/progress_line.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <deque>

namespace replyd::worker {
namespace {

// Enough of each stderr line to explain a failure without growing the error without bound.
constexpr std::size_t kMaxTailLine = 300;

class StderrTail {
 public:
  explicit StderrTail(std::size_t lines) : max_lines_(lines) {}

  void push(std::string_view line) {
    if (max_lines_ == 0) return;
    if (lines_.size() == max_lines_) lines_.pop_front();
    lines_.emplace_back(line.substr(0, kMaxTailLine));
  }

  std::string joined() const {
    std::string out;
    for (const auto& line : lines_) {
      if (!out.empty()) out += '\n';
      out += line;
    }
    return out;
  }

 private:
  std::size_t max_lines_;
  std::deque<std::string> lines_;
};

std::string with_tail(std::string message, const StderrTail& tail) {
  std::string text = tail.joined();
  if (!text.empty()) message += fmt::format("; stderr:\n{}", text);
  return message;
}

client::HandlerOutcome run_command(const ExecOptions& options, const client::LeasedJob& job,
                                   client::JobContext& context) {
  ChildSpec spec;
  spec.command = options.command;
  spec.environment = {"REPLYD_JOB_ID=" + job.id, "REPLYD_ATTEMPT=" + std::to_string(job.attempt),
                      "REPLYD_QUEUE=" + job.queue};
  spec.kill_grace = options.kill_grace;
  spec.max_stdout_bytes = options.max_result_bytes;
  ChildRunner runner(std::move(spec));
  StderrTail tail(options.stderr_tail_lines);

  context.on_stop([&runner] { runner.terminate(); });
  auto outcome = runner.run(job.payload.bytes, [&](std::string_view line) {
    if (auto progress = parse_progress_line(line)) {
      context.progress(progress->current.value_or(0), progress->total.value_or(0),
                       std::move(progress->message));
      return;
    }
    spdlog::info("job {}: {}", job.id, line);
    tail.push(line);
  });
  context.on_stop(nullptr);  // before `runner` goes away

  if (!outcome) return client::HandlerOutcome::failure(outcome.error().detail(), true);
  if (outcome->stdout_overflow) {
    return client::HandlerOutcome::failure(
        fmt::format("the command wrote more than {} bytes to stdout", options.max_result_bytes), false);
  }
  if (outcome->terminated) {
    auto reason = context.stop_reason();
    std::string why = reason == client::StopReason::lease_expired ? "the attempt's deadline passed"
                                                                  : std::string(client::to_string(reason));
    return client::HandlerOutcome::failure(
        with_tail(fmt::format("command terminated ({}): {}", why, outcome->describe()), tail),
        reason != client::StopReason::cancel_requested);
  }
  if (outcome->succeeded()) {
    return client::HandlerOutcome::success(Blob{options.result_type, std::move(outcome->stdout_bytes)});
  }
  return client::HandlerOutcome::failure(
      with_tail(fmt::format("command failed: {}", outcome->describe()), tail), true);
}

}  // namespace

client::Handler make_exec_handler(ExecOptions options) {
  return [options = std::move(options)](const client::LeasedJob& job, client::JobContext& context) {
    return run_command(options, job, context);
  };
}

}  // namespace replyd::worker
