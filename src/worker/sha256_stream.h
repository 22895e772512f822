// An incremental SHA-256 (OpenSSL), for checksums of data that arrives or is read in chunks.
#pragma once

#include "core/sha256.h"

#include <memory>
#include <string_view>

namespace replyd::worker {

// Thread-compatible.
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(Sha256Stream&&) noexcept;
  Sha256Stream& operator=(Sha256Stream&&) noexcept;

  void update(std::string_view bytes);
  // The digest of everything given so far, in lowercase hex; the stream then starts over.
  std::string finish_hex();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The SHA-256 of a file's content, read in 1 MiB chunks; empty when the file cannot be read.
std::string sha256_file_hex(const std::string& path);

}  // namespace replyd::worker
