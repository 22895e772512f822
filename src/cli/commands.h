// The subcommands of the `replyd` binary. Each add_*_command registers its options on `app` and sets
// `run` to the function that executes it; the function returns the process exit code.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace replyd::cli {

using Runner = std::function<int()>;

void add_serve_command(CLI::App& app, Runner& run);    // serve.cpp
void add_worker_command(CLI::App& app, Runner& run);   // worker_command.cpp
void add_client_commands(CLI::App& app, Runner& run);  // client_commands.cpp: submit, status, wait, result, cancel
void add_migrate_command(CLI::App& app, Runner& run);  // migrate_command.cpp: apply the PostgreSQL migrations
void add_watch_command(CLI::App& app, Runner& run);    // watch_command.cpp: queue events as lines

}  // namespace replyd::cli
