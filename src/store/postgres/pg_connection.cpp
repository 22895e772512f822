#include "store/postgres/pg_connection.h"

#include <fmt/format.h>
#include <poll.h>
#include <spdlog/spdlog.h>

#include <cerrno>

namespace replyd::store::postgres {
namespace {

std::string trimmed(const char* message) {
  std::string s = message ? message : "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

bool starts_with(const char* s, std::string_view prefix) {
  return s && std::string_view(s).substr(0, prefix.size()) == prefix;
}

// Server notices (and the message of a server that closes an idle connection) go to the log, not stderr.
void log_notice(void*, const char* message) { spdlog::debug("postgres: {}", trimmed(message)); }

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
  auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

}  // namespace

FailureKind classify(const PGresult* result) {
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  // No SQLSTATE: libpq itself reports a lost connection or a protocol problem.
  if (!state) return FailureKind::connection;
  if (starts_with(state, "40")) return FailureKind::retry;  // serialization_failure, deadlock_detected
  // Connection exceptions, a server shutting down, no resources (disk full, out of memory, too many
  // connections), I/O errors, a read-only standby, lock or statement timeouts: the database cannot
  // do the work now, whatever the work is.
  for (std::string_view prefix : {"08", "57P", "53", "58", "25006", "55P03", "57014"}) {
    if (starts_with(state, prefix)) return FailureKind::connection;
  }
  return FailureKind::statement;
}

std::string error_message(const PGresult* result) {
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  if (!primary) return trimmed(PQresultErrorMessage(result));
  return fmt::format("{}: {}", state ? state : "?????", primary);
}

Error to_error(FailureKind kind, std::string_view detail) {
  switch (kind) {
    case FailureKind::connection:
    case FailureKind::retry:
      return Error(Errc::unavailable, fmt::format("database unavailable: {}", detail));
    case FailureKind::statement:
      if (detail.substr(0, 2) == "22") return Error(Errc::invalid_argument, std::string(detail));
      break;
  }
  return Error(Errc::internal, fmt::format("database error: {}", detail));
}

Result<std::unique_ptr<PgConnection>> PgConnection::open(const ConnectOptions& options) {
  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(options.uri.c_str(), &parse_error);
  if (!parsed) {
    std::string detail = trimmed(parse_error);
    PQfreemem(parse_error);
    return Error(Errc::invalid_argument, fmt::format("bad PostgreSQL URI: {}", detail));
  }
  PQconninfoFree(parsed);

  // Entries before "dbname" are defaults that the URI may override (libpq: the last value wins).
  std::string timeout = std::to_string(options.connect_timeout.count());
  const char* keys[] = {"connect_timeout",
                        "application_name",
                        "keepalives_idle",
                        "keepalives_interval",
                        "keepalives_count",
                        "dbname",
                        nullptr};
  const char* values[] = {timeout.c_str(), "replyd", "30", "10", "3", options.uri.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (!conn) return Error(Errc::unavailable, "libpq could not allocate a connection");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string detail = trimmed(PQerrorMessage(conn));
    PQfinish(conn);
    return Error(Errc::unavailable, fmt::format("cannot connect to PostgreSQL: {}", detail));
  }
  // Non-blocking sends: a large pipeline never deadlocks against results the server is sending back,
  // because await_result() reads while it writes.
  PQsetnonblocking(conn, 1);
  PQsetNoticeProcessor(conn, log_notice, nullptr);
  return std::unique_ptr<PgConnection>(new PgConnection(conn, options.io_timeout));
}

PgConnection::~PgConnection() { PQfinish(conn_); }

Result<void> PgConnection::fail(std::string_view what) {
  usable_ = false;
  return Error(Errc::unavailable,
               fmt::format("PostgreSQL connection lost ({}): {}", what, trimmed(PQerrorMessage(conn_))));
}

bool PgConnection::check_idle() {
  pollfd fd{PQsocket(conn_), POLLIN, 0};
  if (usable_ && ::poll(&fd, 1, 0) > 0 && !PQconsumeInput(conn_)) usable_ = false;
  return usable();
}

Result<void> PgConnection::await_result() {
  if (!usable_) return fail("earlier failure");
  auto deadline = std::chrono::steady_clock::now() + io_timeout_;
  for (;;) {
    int flush = PQflush(conn_);
    if (flush < 0) return fail("send");
    if (!PQisBusy(conn_)) return {};
    pollfd fd{PQsocket(conn_), static_cast<short>(POLLIN | (flush == 1 ? POLLOUT : 0)), 0};
    int n = ::poll(&fd, 1, remaining_ms(deadline));
    if (n < 0 && errno == EINTR) continue;
    if (n == 0) return fail("no answer within the I/O timeout");
    if (n < 0) return fail("poll");
    if ((fd.revents & (POLLIN | POLLERR | POLLHUP)) && !PQconsumeInput(conn_)) return fail("receive");
  }
}

Result<PgResult> PgConnection::exec(const std::string& sql) {
  if (!PQsendQuery(conn_, sql.c_str())) return fail("send").error();
  PgResult last;
  std::optional<Error> first_error;
  for (;;) {
    if (auto ok = await_result(); !ok) return ok.error();
    PgResult r(PQgetResult(conn_));
    if (!r) break;
    if (PQresultStatus(r.get()) == PGRES_FATAL_ERROR && !first_error) {
      first_error = to_error(classify(r.get()), error_message(r.get()));
    }
    last = std::move(r);
  }
  if (PQstatus(conn_) != CONNECTION_OK) return fail("exec").error();
  if (first_error) return *first_error;
  return last;
}

Result<void> PgConnection::start_pipeline(std::span<const std::string_view> setup,
                                          std::span<const Statement> statements) {
  if (!PQenterPipelineMode(conn_)) return fail("pipeline mode");
  for (std::string_view sql : setup) {
    std::string s(sql);
    if (!PQsendQueryParams(conn_, s.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0)) return fail("send");
  }
  for (const Statement& st : statements) {
    std::string s(st.sql);
    if (!PQsendPrepare(conn_, st.name, s.c_str(), 0, nullptr)) return fail("send");
  }
  send_sync();
  std::optional<Error> first_error;
  for (std::size_t i = 0; i < setup.size() + statements.size(); ++i) {
    auto r = next_result();
    if (!r) return r.error();
    if (PQresultStatus(r->get()) != PGRES_COMMAND_OK && !first_error) {
      std::string what = i < setup.size() ? std::string(setup[i]) : statements[i - setup.size()].name;
      first_error = Error(Errc::internal, fmt::format("preparing {}: {}", what, error_message(r->get())));
    }
  }
  if (auto r = next_result(); !r) return r.error();
  if (first_error) return *first_error;
  return {};
}

void PgConnection::send(const Statement& statement, const PgParams& params, bool binary_results) {
  // A failed send (out of memory, or already broken) surfaces at the next read.
  if (!PQsendQueryPrepared(conn_, statement.name, params.size(), params.values(), params.lengths(),
                           params.formats(), binary_results ? 1 : 0)) {
    send_failed_ = true;
  }
  // Push what is buffered so that big batches and payloads do not pile up in libpq's buffer.
  if (PQflush(conn_) < 0) send_failed_ = true;
}

void PgConnection::send_sync() {
  if (!PQpipelineSync(conn_)) send_failed_ = true;
}

Result<PgResult> PgConnection::next_result() {
  if (send_failed_) {
    send_failed_ = false;
    return fail("send").error();
  }
  if (auto ok = await_result(); !ok) return ok.error();
  PgResult r(PQgetResult(conn_));
  if (!r || PQstatus(conn_) != CONNECTION_OK) return fail("receive").error();
  if (PQresultStatus(r.get()) == PGRES_PIPELINE_SYNC) return r;
  // Each statement's results end with a null result; a sync has none.
  if (auto ok = await_result(); !ok) return ok.error();
  PgResult end(PQgetResult(conn_));
  if (end) return fail("unexpected extra result").error();
  return r;
}

Result<void> PgConnection::skip_to_sync() {
  for (;;) {
    auto r = next_result();
    if (!r) return r.error();
    if (PQresultStatus(r->get()) == PGRES_PIPELINE_SYNC) return {};
  }
}

bool PgConnection::wait_input(int wake_fd, std::chrono::milliseconds timeout) {
  pollfd fds[2] = {{PQsocket(conn_), POLLIN, 0}, {wake_fd, POLLIN, 0}};
  int n = ::poll(fds, wake_fd >= 0 ? 2 : 1, static_cast<int>(timeout.count()));
  if (n < 0) return errno == EINTR;
  if (n > 0 && (fds[0].revents & (POLLIN | POLLERR | POLLHUP)) && !PQconsumeInput(conn_)) usable_ = false;
  return usable();
}

Result<std::unique_ptr<PgConnection>> open_pipeline(const ConnectOptions& options,
                                                    std::span<const std::string_view> setup,
                                                    std::span<const Statement> statements) {
  auto conn = PgConnection::open(options);
  if (!conn) return conn;
  if (auto ok = (*conn)->start_pipeline(setup, statements); !ok) return ok.error();
  return conn;
}

}  // namespace replyd::store::postgres
