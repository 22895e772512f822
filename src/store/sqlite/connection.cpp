#include "store/sqlite/connection.h"

#include <fmt/format.h>

#include <stdexcept>

namespace replyd::store::sqlite {

bool is_unavailable(int rc) {
  switch (rc & 0xff) {
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_NOMEM:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_PROTOCOL:
    case SQLITE_NOLFS:
    case SQLITE_INTERRUPT:
      return true;
    default:
      return false;
  }
}

Error to_error(int rc, sqlite3* db, std::string_view context) {
  // The connection's message is more precise than the generic one for its last error ("database or
  // disk is full", "UNIQUE constraint failed: jobs.id"), but only while it still describes `rc`.
  const char* message =
      (db != nullptr && sqlite3_errcode(db) == rc) ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  std::string detail = fmt::format("{}: {} (SQLite {})", context, message, rc);
  if ((rc & 0xff) == SQLITE_TOOBIG) return Error(Errc::payload_too_large, std::move(detail));
  return Error(is_unavailable(rc) ? Errc::unavailable : Errc::internal, std::move(detail));
}

Statement::Statement(sqlite3* db, std::string_view sql) {
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_,
                              nullptr);
  if (rc != SQLITE_OK) {
    throw std::runtime_error(fmt::format("cannot prepare SQL statement: {}\n{}", sqlite3_errmsg(db), sql));
  }
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    stmt_ = other.stmt_;
    other.stmt_ = nullptr;
  }
  return *this;
}

void Statement::bind_blob(int i, const void* data, std::size_t size) {
  // A null pointer would bind SQL NULL; an empty payload must stay an empty blob.
  static const char kEmpty = 0;
  sqlite3_bind_blob64(stmt_, i, size == 0 ? &kEmpty : data, size, SQLITE_STATIC);
}

std::string_view Statement::text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  if (p == nullptr) return {};
  return {p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))};
}

std::string_view Statement::blob(int col) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
  if (p == nullptr) return {};
  return {p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))};
}

Connection::Connection(const std::string& path, int flags, int busy_timeout_ms) : path_(path) {
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db_ != nullptr ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw std::runtime_error(fmt::format("cannot open SQLite database '{}': {}", path, message));
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, busy_timeout_ms);
}

Connection::~Connection() { close(); }

void Connection::close() {
  sqlite3_close_v2(db_);
  db_ = nullptr;
}

Result<void> Connection::exec(std::string_view sql) {
  std::string text(sql);  // sqlite3_exec needs a terminated string; only used off the hot path
  char* message = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message);
  if (rc == SQLITE_OK) return {};
  std::string detail = message != nullptr ? message : sqlite3_errstr(rc);
  sqlite3_free(message);
  return to_error(rc, nullptr, detail);
}

Result<std::string> Connection::query_text(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return to_error(rc, db_, sql);
  rc = sqlite3_step(stmt);
  std::string out;
  if (rc == SQLITE_ROW) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    if (p != nullptr) out = p;
  }
  Result<std::string> result = out;
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) result = to_error(rc, db_, sql);
  sqlite3_finalize(stmt);
  return result;
}

Result<std::int64_t> Connection::query_int64(std::string_view sql) {
  auto text = query_text(sql);
  if (!text) return text.error();
  try {
    return std::stoll(*text);
  } catch (const std::exception&) {
    return Error(Errc::internal, fmt::format("{}: not an integer: '{}'", sql, *text));
  }
}

void Connection::exec_or_throw(std::string_view sql) {
  if (auto r = exec(sql); !r) {
    throw std::runtime_error(fmt::format("SQLite database '{}': {}", path_, r.error().detail()));
  }
}

}  // namespace replyd::store::sqlite
