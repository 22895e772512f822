// `replyd migrate`: applies the PostgreSQL schema migrations and exits. `serve` applies them too when it
// opens the store; this command lets an operator migrate ahead of a rolling deploy, or check that a
// database is reachable and up to date.
#include "cli/commands.h"
#include "store/postgres/postgres_store.h"

#include <iostream>
#include <memory>
#include <string>

namespace replyd::cli {
namespace {

int migrate(const std::string& uri) {
  if (!uri.starts_with("postgres://") && !uri.starts_with("postgresql://")) {
    std::cerr
        << "replyd migrate: --store must be a PostgreSQL URI (postgres://user@host:port/db); the SQLite "
           "store migrates itself when it opens\n";
    return 2;
  }
  auto applied = store::postgres::migrate_postgres(uri);
  if (applied.empty()) {
    std::cout << "schema is up to date\n";
  } else {
    for (const std::string& name : applied) std::cout << "applied " << name << "\n";
  }
  return 0;
}

}  // namespace

void add_migrate_command(CLI::App& app, Runner& run) {
  auto* command = app.add_subcommand("migrate", "Apply the PostgreSQL schema migrations and exit");
  auto uri = std::make_shared<std::string>();
  command->add_option("--store", *uri, "PostgreSQL database: postgres://user@host:port/db")
      ->envname("REPLYD_STORE")
      ->required();
  command->callback([&run, uri] { run = [uri] { return migrate(*uri); }; });
}

}  // namespace replyd::cli
