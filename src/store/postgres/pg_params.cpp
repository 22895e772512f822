#include "store/postgres/pg_params.h"

#include <charconv>

namespace replyd::store::postgres {

namespace {
constexpr std::size_t kNone = std::string::npos;
}

PgParams& PgParams::text(std::string_view v) {
  // Each value keeps its terminating NUL so that libpq can read it as a C string.
  entries_.push_back({buffer_.size(), nullptr});
  buffer_.append(v);
  buffer_.push_back('\0');
  lengths_.push_back(static_cast<int>(v.size()));
  formats_.push_back(0);
  return *this;
}

PgParams& PgParams::integer(std::int64_t v) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), v);
  (void)ec;  // 24 characters always hold an int64
  return text(std::string_view(digits, static_cast<std::size_t>(end - digits)));
}

PgParams& PgParams::null() {
  entries_.push_back({kNone, nullptr});
  lengths_.push_back(0);
  formats_.push_back(0);
  return *this;
}

PgParams& PgParams::binary(std::string_view bytes) {
  // A non-null pointer even for empty bytes: libpq reads a null pointer as SQL NULL.
  static const char kEmpty = '\0';
  entries_.push_back({kNone, bytes.empty() ? &kEmpty : bytes.data()});
  lengths_.push_back(static_cast<int>(bytes.size()));
  formats_.push_back(1);
  return *this;
}

const char* const* PgParams::values() const {
  // Pointers into buffer_ are taken only now: appending may have moved it.
  values_.resize(entries_.size());
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    const Entry& e = entries_[i];
    values_[i] = e.offset != kNone ? buffer_.data() + e.offset : e.external;
  }
  return values_.data();
}

}  // namespace replyd::store::postgres
