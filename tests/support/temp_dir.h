// A fresh directory under $TMPDIR (default /tmp) for one test: created by the constructor, removed
// with everything in it by the destructor.
#pragma once

#include <filesystem>

namespace replyd::blackbox {

class TempDir {
 public:
  // Throws std::runtime_error when the directory cannot be created.
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace replyd::blackbox
