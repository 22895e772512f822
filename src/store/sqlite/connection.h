// Thin RAII wrappers over the SQLite C API: a connection and a prepared statement. Each object is used
// by one thread at a time (connections are opened SQLITE_OPEN_NOMUTEX and owned by one store thread).
#pragma once

#include "core/result.h"

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace replyd::store::sqlite {

// Maps a SQLite result code to an Error: disk full, I/O errors, a busy or locked database and the
// like are Errc::unavailable (the operation may succeed later); a value too big is
// Errc::payload_too_large; anything else is Errc::internal. `db` (may be null) adds its message.
Error to_error(int rc, sqlite3* db, std::string_view context);

// True for the result codes that to_error maps to Errc::unavailable.
bool is_unavailable(int rc);

class Statement {
 public:
  Statement() = default;
  // Prepares `sql` for repeated use. Throws std::runtime_error if it does not compile (a bug in a
  // named SQL constant, or a schema that does not match).
  Statement(sqlite3* db, std::string_view sql);
  ~Statement();
  Statement(Statement&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based. Text and blobs are bound without copying: the bytes must stay alive and
  // unchanged until the statement is reset.
  void bind(int i, std::int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void bind(int i, std::string_view text) {
    sqlite3_bind_text(stmt_, i, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
  }
  void bind(int i, const char* text) = delete;  // ambiguous: text or integer? say std::string_view
  void bind_blob(int i, const void* data, std::size_t size);
  void bind_null(int i) { sqlite3_bind_null(stmt_, i); }
  void bind(int i, const std::optional<std::int64_t>& v) { v ? bind(i, *v) : bind_null(i); }

  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return sqlite3_step(stmt_); }
  // Ends the statement's use (its implicit read transaction) and keeps the bindings.
  void reset() { sqlite3_reset(stmt_); }

  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  std::int64_t int64(int col) const { return sqlite3_column_int64(stmt_, col); }
  std::optional<std::int64_t> optional_int64(int col) const {
    return is_null(col) ? std::nullopt : std::optional(int64(col));
  }
  // Valid until the next step or reset.
  std::string_view text(int col) const;
  std::string_view blob(int col) const;

  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

// Resets a statement when it leaves scope, so that no read transaction stays open by accident.
class ResetOnExit {
 public:
  explicit ResetOnExit(Statement& s) : s_(s) {}
  ~ResetOnExit() { s_.reset(); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  Statement& s_;
};

class Connection {
 public:
  // Opens `path` with SQLITE_OPEN_* `flags` (NOMUTEX is added) and a busy timeout. Throws
  // std::runtime_error naming the path when the database cannot be opened.
  Connection(const std::string& path, int flags, int busy_timeout_ms);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements that return no rows.
  Result<void> exec(std::string_view sql);
  // Runs `sql` (a PRAGMA or a query) and returns the first column of its first row as text.
  Result<std::string> query_text(std::string_view sql);
  Result<std::int64_t> query_int64(std::string_view sql);
  // Like exec(), but throws std::runtime_error (for start-up).
  void exec_or_throw(std::string_view sql);
  // Closes the connection now (statements prepared on it must be finalized first). Idempotent.
  void close();

  sqlite3* get() const { return db_; }
  const std::string& path() const { return path_; }

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

}  // namespace replyd::store::sqlite
