// Where the upload worker puts files, chunk by chunk (upload_worker.h): a directory on this machine,
// or an HTTP storage server that takes ranged PUTs (storage_routes.h). One target object per upload;
// thread-compatible.
#pragma once

#include "core/result.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace replyd::worker {

struct StoredFile {
  std::string sha256;  // as the target computed it from what it stored (read back, or server-reported)
  std::int64_t size = 0;
  std::string location;  // a path or URL
};

class UploadTarget {
 public:
  virtual ~UploadTarget() = default;
  // Writes `bytes` at `offset` of the file being uploaded, whose whole size is `total`. Chunks come in
  // order; the same chunk may be written again after a failure. Errors: Errc::unavailable (worth a
  // retry), Errc::invalid_argument (not worth one).
  virtual Result<void> write_chunk(std::int64_t offset, std::string_view bytes, std::int64_t total) = 0;
  // After the last chunk (the target may finish on its own when it has got `total` bytes): makes the
  // file durable and visible under its name and tells what was stored.
  virtual Result<StoredFile> finish(std::int64_t total) = 0;
};

// Files go to `directory`/`key`, where key is "job id/file name"; written to "….part" with pwrite,
// fsynced and renamed at the end, then read back for the checksum. Directories are created as needed.
std::unique_ptr<UploadTarget> make_directory_target(std::string directory, std::string key);

// Files go to `base_url`/files/`key` with one `PUT` per chunk carrying
// `Content-Range: bytes FIRST-LAST/TOTAL`; the answer to the last chunk reports the stored size and
// SHA-256. A transport error or a 5xx answer is Errc::unavailable; another error answer is
// Errc::invalid_argument. `timeout` bounds each request.
std::unique_ptr<UploadTarget> make_http_target(std::string base_url, std::string key,
                                               std::chrono::seconds timeout = std::chrono::seconds(60));

}  // namespace replyd::worker
