// The parameters of one statement for libpq, built without an allocation per value: text values are
// appended to one buffer; binary values (payload and result bytes) are referenced, not copied.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace replyd::store::postgres {

class PgParams {
 public:
  // Text form. The value must not contain NUL (libpq would cut it there): check with has_nul() first
  // for text that comes from outside.
  PgParams& text(std::string_view v);
  PgParams& integer(std::int64_t v);
  PgParams& boolean(bool v) { return text(v ? "t" : "f"); }
  PgParams& null();
  PgParams& optional_integer(const std::optional<std::int64_t>& v) { return v ? integer(*v) : null(); }
  // Empty text is stored as NULL (lease_token, error fields).
  PgParams& text_or_null(std::string_view v) { return v.empty() ? null() : text(v); }
  // Binary form (bytea). Not copied: `bytes` must stay alive until the statement is sent.
  PgParams& binary(std::string_view bytes);

  int size() const { return static_cast<int>(entries_.size()); }
  // Arrays for PQsendQueryPrepared; valid until the next change of this object.
  const char* const* values() const;
  const int* lengths() const { return lengths_.data(); }
  const int* formats() const { return formats_.data(); }

 private:
  struct Entry {
    std::size_t offset;  // into buffer_, or npos for null / external
    const char* external;
  };
  std::string buffer_;
  std::vector<Entry> entries_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
  mutable std::vector<const char*> values_;
};

inline bool has_nul(std::string_view v) { return v.find('\0') != std::string_view::npos; }

}  // namespace replyd::store::postgres
