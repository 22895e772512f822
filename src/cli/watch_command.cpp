// `replyd watch [QUEUE]`: the queue-wide event stream (GET /v1/queues/{queue}/events, or
// GET /v1/events for every queue) printed as one line per event, for a terminal or a log:
//   created  7qdtydkvuwnyvqyl3be26jwenm demo queued
//   progress 7qdtydkvuwnyvqyl3be26jwenm demo running 40% step 4 of 10
// With --json each line is the event's status document instead. Runs until interrupted; exits 3 when
// the stream cannot be opened or breaks, 0 when the server ends it (it is stopping).
#include "cli/commands.h"
#include "client/event_stream.h"
#include "client/status_document.h"
#include "core/queue_name.h"

#include <fmt/format.h>

#include <iostream>

namespace replyd::cli {
namespace {

constexpr int kWatchError = 3;

struct WatchArgs {
  std::string server = "http://127.0.0.1:8080";
  std::string queue;
  bool json = false;
};

std::string event_line(const client::SseEvent& event) {
  auto status = client::parse_status_document(event.data);
  if (!status) return fmt::format("{:<8} {}", event.event, event.data);
  std::string line = fmt::format("{:<8} {} {} {}", event.event, status->id, status->queue, status->status);
  std::string progress = client::progress_text(*status);
  return progress.empty() ? line : line + " " + progress;
}

int run_watch(const WatchArgs& a) {
  std::string path = a.queue.empty() ? "/v1/events" : "/v1/queues/" + a.queue + "/events";
  auto stream = client::EventStream::open(a.server, path, {});
  if (!stream) {
    std::cerr << "replyd: " << stream.error().message() << "\n";
    return kWatchError;
  }
  while (true) {
    auto event = (*stream)->next();
    if (!event) {
      std::cerr << "replyd: " << event.error().message() << "\n";
      return kWatchError;
    }
    if (!*event) return 0;
    std::cout << (a.json ? (*event)->data : event_line(**event)) << std::endl;
  }
}

}  // namespace

void add_watch_command(CLI::App& app, Runner& run) {
  auto* w =
      app.add_subcommand("watch",
                         "Print the events of a queue (or of every queue) as they happen: jobs created, "
                         "state changes, progress");
  auto args = std::make_shared<WatchArgs>();
  w->add_option("--server", args->server, "replyd server URL")
      ->envname("REPLYD_SERVER")
      ->capture_default_str();
  w->add_option("queue", args->queue, "Queue to watch (default: every queue)")
      ->check([](const std::string& q) {
        if (valid_queue_name(q)) return std::string();
        return std::string("queue names are 1 to 64 characters of A-Z a-z 0-9 . _ -");
      });
  w->add_flag("--json", args->json, "Print each event's status document (one JSON object per line)");
  w->callback([&run, args] { run = [args] { return run_watch(*args); }; });
}

}  // namespace replyd::cli
