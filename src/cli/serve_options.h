// Every option of `replyd serve`, with its flag, environment variable and default. Registered on the
// CLI11 subcommand by add_serve_options; durations are given in seconds (decimals allowed).
#pragma once

#include "api/api_context.h"
#include "cli/demo_workers.h"
#include "engine/engine_options.h"
#include "http/server.h"
#include "store/open_store.h"

#include <CLI/CLI.hpp>

#include <string>

namespace replyd::cli {

struct ServeOptions {
  std::string store_uri = "sqlite:replyd-data/replyd.db";
  int threads = 0;  // 0: one per core
  std::string log_level = "info";
  double shutdown_grace_s = 10;
  bool demo = false;
  DemoSettings demo_settings;  // the demo workers, with --demo
  http::ServerOptions server;
  api::ApiOptions api;
  engine::EngineOptions engine;
  store::StoreTuning store;
};

// Registers the options on `command`; after parsing, `finish_serve_options` converts the raw values.
struct ServeOptionValues;
std::shared_ptr<ServeOptionValues> add_serve_options(CLI::App& command, ServeOptions& options);
// Applies the parsed values that need conversion (seconds to durations, sizes, per-queue maps).
// Throws CLI::ValidationError for values out of range.
void finish_serve_options(const ServeOptionValues& values, ServeOptions& options);

}  // namespace replyd::cli
