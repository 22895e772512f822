// A real PostgreSQL 15 server for tests: a fresh cluster (initdb) in a new temporary directory,
// listening on 127.0.0.1 only, on a free port, with its unix socket in that directory and fsync on
// (commits are durable; checkpoints are spaced out, as they only cost time here). stop() (a fast
// shutdown) and start() simulate an outage. Destruction stops it at once (immediate shutdown: the
// cluster is thrown away, so a checkpoint would be wasted) and removes the directory.
//
// PostgreSQL refuses to run as root: when the tests run as root, initdb and the server run as the
// `postgres` system user (the postgresql-15 package creates it), and the directory belongs to it.
// The server gets SIGINT (a fast shutdown) if the thread that started it dies, so a crashed test
// binary leaves no server behind: create it on a thread that lives as long as the server (the main
// thread, as shared() does when a test calls it).
//
// Binaries come from $REPLYD_PG_BIN, else /usr/lib/postgresql/15/bin.
//
// Thread-safety: create_database() may be called from any thread; stop() and start() from one.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <string_view>

namespace replyd::store::postgres {

class PostgresServer {
 public:
  // initdb, start, and wait until it accepts connections (up to a deadline). Throws std::runtime_error
  // with the server's log when anything fails.
  PostgresServer();
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // One server per test binary, started on first use and stopped at exit. Throws like the constructor.
  // When $REPLYD_TEST_POSTGRES_URI names a running server (a URI of any database there, as a user that
  // may CREATE DATABASE), it is used instead, so that a CI job can start one server for every test
  // process; stop() and start() are then refused.
  static PostgresServer& shared();
  // True when the PostgreSQL server binaries are installed (tests skip otherwise).
  static bool available();

  // Fast shutdown; returns once the server has exited. Connections are cut.
  void stop();
  // Starts the stopped server again on the same port and data, and waits until it is ready.
  void start();
  bool running() const { return pid_ > 0 || !external_.empty(); }

  int port() const { return port_; }
  // "postgres://postgres@127.0.0.1:PORT/DATABASE" (or the external server's URI with that database).
  std::string uri(std::string_view database = "postgres") const;
  // Creates a new empty database with a unique name and returns its URI.
  std::string create_database();

 private:
  struct External {};
  PostgresServer(External, std::string uri);
  void launch();
  void wait_ready();
  std::string log_tail() const;

  std::string external_;  // the URI of a server this object did not start, or empty
  std::filesystem::path dir_;
  int port_ = 0;
  pid_t pid_ = -1;
  std::atomic<int> databases_{0};
};

}  // namespace replyd::store::postgres
