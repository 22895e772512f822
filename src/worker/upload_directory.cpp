// The directory target of the upload worker (upload_target.h).
#include "worker/sha256_stream.h"
#include "worker/upload_target.h"

#include <fmt/format.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace replyd::worker {
namespace {

namespace fs = std::filesystem;

Error io_error(std::string_view what, const fs::path& path) {
  return Error(Errc::unavailable, fmt::format("{} {}: {}", what, path.string(), std::strerror(errno)));
}

class DirectoryTarget final : public UploadTarget {
 public:
  DirectoryTarget(std::string directory, std::string key)
      : final_path_(fs::path(directory) / key), part_path_(final_path_.string() + ".part") {}

  ~DirectoryTarget() override {
    if (fd_ >= 0) ::close(fd_);
  }

  Result<void> write_chunk(std::int64_t offset, std::string_view bytes, std::int64_t) override {
    if (fd_ < 0) {
      std::error_code ec;
      fs::create_directories(final_path_.parent_path(), ec);
      if (ec)
        return Error(Errc::unavailable,
                     fmt::format("create {}: {}", final_path_.parent_path().string(), ec.message()));
      fd_ = ::open(part_path_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
      if (fd_ < 0) return io_error("open", part_path_);
    }
    std::size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::pwrite(fd_, bytes.data() + done, bytes.size() - done, static_cast<off_t>(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return io_error("write", part_path_);
      done += static_cast<std::size_t>(n);
    }
    return {};
  }

  Result<StoredFile> finish(std::int64_t total) override {
    if (fd_ < 0) {  // an empty file: no chunk was written
      auto empty = write_chunk(0, {}, 0);
      if (!empty) return empty.error();
    }
    // A retried attempt may have left a longer .part behind: cut it to the real size.
    if (::ftruncate(fd_, static_cast<off_t>(total)) != 0) return io_error("truncate", part_path_);
    if (::fsync(fd_) != 0) return io_error("fsync", part_path_);
    ::close(fd_);
    fd_ = -1;
    std::error_code ec;
    fs::rename(part_path_, final_path_, ec);
    if (ec)
      return Error(Errc::unavailable, fmt::format("rename to {}: {}", final_path_.string(), ec.message()));
    // The checksum of what is on disk now, not of what we meant to write.
    std::string digest = sha256_file_hex(final_path_.string());
    if (digest.empty()) return io_error("read back", final_path_);
    auto size = fs::file_size(final_path_, ec);
    return StoredFile{digest, ec ? -1 : static_cast<std::int64_t>(size), final_path_.string()};
  }

 private:
  fs::path final_path_;
  fs::path part_path_;
  int fd_ = -1;
};

}  // namespace

std::unique_ptr<UploadTarget> make_directory_target(std::string directory, std::string key) {
  return std::make_unique<DirectoryTarget>(std::move(directory), std::move(key));
}

}  // namespace replyd::worker
