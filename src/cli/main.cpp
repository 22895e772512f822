// replyd: an asynchronous request-reply server. main only dispatches to a subcommand.
#include "cli/commands.h"

#include <exception>
#include <iostream>

int main(int argc, char** argv) {
  CLI::App app{"replyd: an asynchronous request-reply server.\n"
               "Clients submit slow work over HTTP and get 202 Accepted with a status URL; workers do the\n"
               "work and report progress; clients poll, long-poll or stream the status.",
               "replyd"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "replyd 0.1.0");
  replyd::cli::Runner run;
  replyd::cli::add_serve_command(app, run);
  replyd::cli::add_worker_command(app, run);
  replyd::cli::add_client_commands(app, run);
  replyd::cli::add_migrate_command(app, run);
  replyd::cli::add_watch_command(app, run);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  try {
    return run();
  } catch (const std::exception& e) {
    std::cerr << "replyd: " << e.what() << "\n";
    return 1;
  }
}
