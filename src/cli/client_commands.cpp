// `replyd submit | status | wait | result | cancel`: the client API from the command line, over the
// client SDK. Every command takes --server (env REPLYD_SERVER); errors print the server's problem
// detail to stderr.
#include "cli/commands.h"
#include "client/client.h"
#include "cli/progress_printer.h"
#include "client/job_follower.h"
#include "client/job_waiter.h"

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>

#include <unistd.h>

namespace replyd::cli {
namespace {

constexpr const char* kDefaultServer = "http://127.0.0.1:8080";

// Exit codes of `replyd wait`.
constexpr int kWaitSucceeded = 0, kWaitFailed = 1, kWaitCancelled = 2, kWaitError = 3;

struct CommonArgs {
  std::string server = kDefaultServer;
  bool json = false;
};

void add_common(CLI::App* command, CommonArgs& args, bool with_json) {
  command->add_option("--server", args.server, "replyd server URL")
      ->envname("REPLYD_SERVER")
      ->capture_default_str();
  if (with_json) command->add_flag("--json", args.json, "Print the status document as JSON");
}

void add_id(CLI::App* command, std::string& id) {
  command->add_option("id", id, "Job id, or its status URL")->required();
}

int report(const client::ApiError& error) {
  if (error.http_status() == 0) {
    std::cerr << "replyd: " << error.detail() << "\n";
  } else {
    std::cerr << fmt::format("replyd: {} (HTTP {})\n", error.detail(), error.http_status());
  }
  return 1;
}

std::string status_url(const client::JobStatus& status, const std::string& fallback) {
  return status.links.self.empty() ? fallback : status.links.self;
}

// --- submit

struct SubmitArgs {
  CommonArgs common;
  std::string queue, file = "-", content_type = "application/octet-stream";
  client::SubmitOptions options;
  int priority = 0, delay_s = 0, timeout_s = 0, max_attempts = 0, ttl_s = 0, wait_s = 0;
  CLI::Option *priority_opt = nullptr, *delay_opt = nullptr, *timeout_opt = nullptr, *attempts_opt = nullptr,
              *ttl_opt = nullptr, *wait_opt = nullptr;
};

std::optional<std::string> read_payload(const std::string& file) {
  if (file == "-") {
    if (::isatty(STDIN_FILENO)) return std::string();  // nothing piped in: an empty payload
    return std::string(std::istreambuf_iterator<char>(std::cin), {});
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return std::move(bytes).str();
}

int run_submit(SubmitArgs& a) {
  auto payload = read_payload(a.file);
  if (!payload) {
    std::cerr << "replyd: cannot read " << a.file << "\n";
    return 1;
  }
  auto set = [](CLI::Option* opt, int value, std::optional<int>& out) {
    if (opt->count() > 0) out = value;
  };
  set(a.priority_opt, a.priority, a.options.priority);
  set(a.delay_opt, a.delay_s, a.options.delay_s);
  set(a.timeout_opt, a.timeout_s, a.options.timeout_s);
  set(a.attempts_opt, a.max_attempts, a.options.max_attempts);
  set(a.ttl_opt, a.ttl_s, a.options.ttl_s);
  set(a.wait_opt, a.wait_s, a.options.prefer_wait_s);
  client::Client client(a.common.server);
  auto submitted = client.submit(a.queue, std::move(*payload), a.content_type, a.options);
  if (!submitted) return report(submitted.error());
  if (a.common.json) {
    std::cout << submitted->status.document << "\n";
  } else {
    std::cout << submitted->status.id << "\n" << status_url(submitted->status, submitted->location) << "\n";
  }
  return 0;
}

void add_submit(CLI::App& app, Runner& run) {
  auto* c = app.add_subcommand("submit", "Submit a job: prints its id and status URL");
  auto a = std::make_shared<SubmitArgs>();
  add_common(c, a->common, true);
  c->add_option("queue", a->queue, "Queue to submit to")->required();
  c->add_option("file", a->file, "Payload file, or - for stdin (the default)");
  c->add_option("--content-type", a->content_type, "Media type of the payload")->capture_default_str();
  a->priority_opt =
      c->add_option("--priority", a->priority, "Priority: higher runs first (server default 0)");
  a->delay_opt = c->add_option("--delay", a->delay_s, "Run no sooner than this many seconds from now")
                     ->check(CLI::NonNegativeNumber);
  c->add_option("--run-at", a->options.run_at, "Run no sooner than this RFC 3339 time")
      ->excludes(a->delay_opt);
  a->timeout_opt =
      c->add_option("--timeout", a->timeout_s, "Seconds each attempt may run")->check(CLI::PositiveNumber);
  a->attempts_opt = c->add_option("--max-attempts", a->max_attempts, "Attempts before the job fails for good")
                        ->check(CLI::PositiveNumber);
  a->ttl_opt = c->add_option("--ttl", a->ttl_s, "Seconds the finished job and its result are kept")
                   ->check(CLI::PositiveNumber);
  c->add_option("--callback", a->options.callback, "Webhook URL called when the job finishes");
  c->add_option("--idempotency-key", a->options.idempotency_key,
                "Idempotency-Key: submitting again with the same key and payload returns the same job");
  a->wait_opt =
      c->add_option("--wait", a->wait_s, "Wait up to this many seconds for the job to finish at once")
          ->check(CLI::NonNegativeNumber);
  c->callback([&run, a] { run = [a] { return run_submit(*a); }; });
}

// --- status, result, cancel

struct IdArgs {
  CommonArgs common;
  std::string id, output;
};

int run_status(const IdArgs& a) {
  client::Client client(a.common.server);
  auto st = client.status(client::job_id_from(a.id));
  if (!st) return report(st.error());
  std::cout << st->document << "\n";
  return 0;
}

int run_result(const IdArgs& a) {
  client::Client client(a.common.server);
  auto blob = client.result(client::job_id_from(a.id));
  if (!blob) return report(blob.error());
  if (a.output.empty() || a.output == "-") {
    std::cout.write(blob->bytes.data(), static_cast<std::streamsize>(blob->bytes.size()));
    std::cout.flush();
    return std::cout ? 0 : 1;
  }
  std::ofstream out(a.output, std::ios::binary | std::ios::trunc);
  out.write(blob->bytes.data(), static_cast<std::streamsize>(blob->bytes.size()));
  out.close();
  if (!out) {
    std::cerr << "replyd: cannot write " << a.output << "\n";
    return 1;
  }
  return 0;
}

int run_cancel(const IdArgs& a) {
  client::Client client(a.common.server);
  auto st = client.cancel(client::job_id_from(a.id));
  if (!st) return report(st.error());
  if (a.common.json) {
    std::cout << st->document << "\n";
  } else if (st->state == JobState::cancelled) {
    std::cout << "cancelled\n";
  } else {
    std::cout << "cancel requested: the worker stops at its next heartbeat\n";
  }
  return 0;
}

// --- wait

struct WaitArgs {
  CommonArgs common;
  std::string id;
  int poll_s = 5;
  bool no_stream = false;
};

int run_wait(const WaitArgs& a) {
  std::optional<client::Client> maybe_client;
  try {
    maybe_client.emplace(a.common.server);
  } catch (const std::invalid_argument& e) {
    std::cerr << "replyd: " << e.what() << "\n";
    return kWaitError;
  }
  client::Client& client = *maybe_client;
  client::FollowOptions options;
  options.polling.poll_s = a.poll_s;
  // A bar redrawn in place only on a terminal; pipes and logs get plain lines.
  ProgressPrinter printer(std::cout, ::isatty(STDOUT_FILENO) == 1);
  std::function<void(const client::JobStatus&)> on_update = [&printer](const client::JobStatus& s) {
    printer.update(s);
  };
  std::function<void(const client::ApiError&)> on_fallback = [](const client::ApiError& e) {
    std::cerr << "replyd: event stream unavailable (" << e.message() << "), polling instead\n";
  };
  std::string id = client::job_id_from(a.id);
  auto done = a.no_stream ? client::wait_for_job(client, id, options.polling, on_update)
                          : client::follow_job(client, id, options, on_update, on_fallback);
  printer.finish();
  if (!done) {
    report(done.error());
    return kWaitError;
  }
  if (a.common.json) std::cout << done->document << "\n";
  switch (done->state.value_or(JobState::failed)) {
    case JobState::succeeded:
      std::cout << "succeeded\n";
      return kWaitSucceeded;
    case JobState::cancelled:
      std::cerr << "cancelled" << (done->error ? ": " + done->error->detail : std::string()) << "\n";
      return kWaitCancelled;
    default:
      std::cerr << "failed" << (done->error ? ": " + done->error->detail : std::string()) << "\n";
      return kWaitFailed;
  }
}

}  // namespace

void add_client_commands(CLI::App& app, Runner& run) {
  add_submit(app, run);

  auto* s = app.add_subcommand("status", "Print a job's status document (JSON)");
  auto status_args = std::make_shared<IdArgs>();
  add_common(s, status_args->common, false);
  add_id(s, status_args->id);
  s->callback([&run, status_args] { run = [status_args] { return run_status(*status_args); }; });

  auto* w = app.add_subcommand("wait",
                               "Wait for a job to finish, printing its progress.\nExit status: 0 succeeded, "
                               "1 failed, 2 cancelled, 3 other errors (unknown job, server unreachable)");
  auto wait_args = std::make_shared<WaitArgs>();
  add_common(w, wait_args->common, true);
  add_id(w, wait_args->id);
  w->add_option("--poll", wait_args->poll_s,
                "When polling: longest single long-poll, in seconds (progress shows at least this often)")
      ->check(CLI::Range(1, 300))
      ->capture_default_str();
  w->add_flag("--no-stream", wait_args->no_stream,
              "Poll (long-polls paced by Retry-After) instead of following the job's event stream");
  w->callback([&run, wait_args] { run = [wait_args] { return run_wait(*wait_args); }; });

  auto* r = app.add_subcommand("result", "Write a finished job's result to stdout or a file");
  auto result_args = std::make_shared<IdArgs>();
  add_common(r, result_args->common, false);
  add_id(r, result_args->id);
  r->add_option("-o,--output", result_args->output, "File to write the result to (default: stdout)");
  r->callback([&run, result_args] { run = [result_args] { return run_result(*result_args); }; });

  auto* c =
      app.add_subcommand("cancel", "Cancel a job: a queued job at once, a running one at its next heartbeat");
  auto cancel_args = std::make_shared<IdArgs>();
  add_common(c, cancel_args->common, true);
  add_id(c, cancel_args->id);
  c->callback([&run, cancel_args] { run = [cancel_args] { return run_cancel(*cancel_args); }; });
}

}  // namespace replyd::cli
