// The upload worker (queue `upload` of `replyd serve --demo`, and examples/upload/): "uploads" the
// payload to a storage target in chunks — a directory, or an HTTP storage server (upload_target.h) —
// reporting progress after every chunk, retrying a failed chunk a few times with backoff, and checking
// at the end that the SHA-256 the target reports (read back from disk, or computed by the server)
// equals the SHA-256 of the payload. Result, as application/json:
//   {"name": "photo.jpg", "size": 1234, "sha256": "<hex>", "location": "<path or URL>"}
//
// The file name is the job's `filename` (the `?filename=` of the submit), else the job id. Files are
// stored under "<job id>/<name>", so a retried job overwrites its own earlier attempt and nothing else.
// An empty payload fails the job for good ("nothing to upload"); a chunk that still fails after its
// retries, or a checksum mismatch, fails the attempt (retryable). A cancel or a shutdown stops the
// upload between chunks.
#pragma once

#include "client/worker_loop.h"
#include "worker/upload_target.h"

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

namespace replyd::worker {

inline constexpr std::string_view kUploadQueue = "upload";

struct UploadOptions {
  std::string directory;    // the directory target; used when storage_url is empty
  std::string storage_url;  // an HTTP storage server ("http://127.0.0.1:9000"), or empty
  std::size_t chunk_bytes = 1024 * 1024;
  std::chrono::milliseconds chunk_delay{0};      // a pause after each chunk, so people can watch (demo)
  int chunk_attempts = 4;                        // tries per chunk before the attempt fails
  std::chrono::milliseconds retry_backoff{200};  // before the first retry; doubles per retry
  // The job's file name (the status document's `filename`), or empty; set by make_upload_handler from
  // `server_url` unless given (tests).
  std::function<std::string(const client::LeasedJob&)> file_name;
  std::string server_url;  // the replyd server, to read the job's file name
};

// A file name as stored: `name` when it is a valid file name (core/file_name.h, the same check as the
// server's `?filename=`), else `fallback`.
std::string safe_file_name(std::string_view name, std::string_view fallback);

// Thread-safe. Throws std::invalid_argument when neither directory nor storage_url is set.
client::Handler make_upload_handler(UploadOptions options);

}  // namespace replyd::worker
