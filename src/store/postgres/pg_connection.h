// A libpq connection owned by one store thread, used either for plain blocking statements (migrations,
// LISTEN) or in pipeline mode (many statements sent before their results are read: one round trip for
// a whole batch). Every wait on the socket has a deadline, so a database that stops answering turns
// into Errc::unavailable instead of a hung thread.
//
// Thread-safety: none; each connection belongs to one thread at a time.
#pragma once

#include "core/clock.h"
#include "core/result.h"
#include "store/postgres/pg_params.h"

#include <libpq-fe.h>

#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace replyd::store::postgres {

struct PgResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
// An owned PGresult.
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

// A statement prepared once per connection under `name`.
struct Statement {
  const char* name;
  std::string_view sql;
};

// What a failed statement means for the transaction it ran in.
enum class FailureKind {
  connection,  // the connection is gone or unusable, or the database cannot work (shutdown, disk full)
  retry,       // serialization failure or deadlock: run the whole transaction again
  statement,   // this statement's own fault (bad value, constraint): the other statements may succeed
};

// Classifies a PGRES_FATAL_ERROR result by its SQLSTATE.
FailureKind classify(const PGresult* result);
// "SQLSTATE: primary message" of an error result.
std::string error_message(const PGresult* result);
// Maps a failure to the store's errors: connection -> unavailable, statement class 22 (data
// exception) -> invalid_argument, anything else -> internal.
Error to_error(FailureKind kind, std::string_view detail);

struct ConnectOptions {
  std::string uri;  // postgres://... or key=value; handed to libpq
  std::chrono::seconds connect_timeout{5};
  Duration io_timeout = std::chrono::seconds(30);  // longest wait for any answer of the server
};

class PgConnection {
 public:
  // Opens a connection (blocking up to connect_timeout). Errc::unavailable when the server cannot be
  // reached or refuses; Errc::invalid_argument for a malformed URI.
  static Result<std::unique_ptr<PgConnection>> open(const ConnectOptions& options);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  // False once a wait timed out or the server closed the connection: throw it away and reconnect.
  bool usable() const { return usable_ && PQstatus(conn_) == CONNECTION_OK; }
  // Between uses: absorbs what the server sent meanwhile without waiting, so that a connection the
  // server closed while idle (a restart) is found unusable before work is sent on it.
  bool check_idle();
  PGconn* raw() const { return conn_; }

  // ---- outside pipeline mode ----

  // Runs `sql` (one or more statements, simple protocol) and returns the last result; an error result
  // becomes the Error of its kind.
  Result<PgResult> exec(const std::string& sql);
  // Enters pipeline mode for good, after `setup` (SET commands, no parameters) ran and `statements`
  // were prepared, all in one round trip.
  Result<void> start_pipeline(std::span<const std::string_view> setup, std::span<const Statement> statements);

  // ---- in pipeline mode ----

  // Queues a prepared statement; results in text form unless `binary_results`. Nothing is read.
  void send(const Statement& statement, const PgParams& params, bool binary_results = false);
  void send_sync();
  // The result of the next queued statement (its status may be an error, or PGRES_PIPELINE_ABORTED
  // after an earlier error before the same sync), or PGRES_PIPELINE_SYNC for a sync. Errc::unavailable
  // when the connection failed; the connection is then unusable.
  Result<PgResult> next_result();
  // Reads and discards results up to and including the next sync.
  Result<void> skip_to_sync();

  // ---- waiting (for LISTEN) ----

  // Waits until the server sent something or `wake_fd` became readable, then absorbs input. Returns
  // false when the connection failed.
  bool wait_input(int wake_fd, std::chrono::milliseconds timeout);

 private:
  explicit PgConnection(PGconn* conn, Duration io_timeout) : conn_(conn), io_timeout_(io_timeout) {}
  // Sends buffered output and waits until a whole result can be read without blocking.
  Result<void> await_result();
  Result<void> fail(std::string_view what);

  PGconn* conn_;
  Duration io_timeout_;
  bool usable_ = true;
  bool send_failed_ = false;
};

// Opens a connection, runs `setup` and prepares `statements`, and leaves it in pipeline mode: what
// every store thread does (again) after it lost its connection.
Result<std::unique_ptr<PgConnection>> open_pipeline(const ConnectOptions& options,
                                                    std::span<const std::string_view> setup,
                                                    std::span<const Statement> statements);

}  // namespace replyd::store::postgres
