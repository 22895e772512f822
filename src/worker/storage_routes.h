// A small HTTP storage service, the "remote storage" of the upload example (examples/storage_server/
// serves it; tests run it in-process). Files are uploaded in chunks, in order:
//
//   PUT /files/{key...}   Content-Range: bytes FIRST-LAST/TOTAL (or "bytes */0" for an empty file)
//     200 {"received": N}                 a chunk stored; N = LAST + 1
//     201 {"size": TOTAL, "sha256": "…"}  the last chunk: the file is complete, fsynced and renamed
//                                         into place; the SHA-256 is read back from the disk
//     400 a bad key or Content-Range; 409 a chunk that starts after the bytes received so far (the
//     detail says how many were); 503 when the test hook says so (fail_next_puts)
//
// A chunk may be sent again (a retry): it overwrites the same range. The key is one or more path
// segments of 1 to 255 bytes without '\\', control characters, "." or "..", stored as
// <directory>/<key>, written to <key>.part until complete. File I/O runs on the service's own threads,
// never on the server's I/O threads.
#pragma once

#include "http/router.h"

#include <memory>
#include <string>

namespace replyd::worker {

class StorageService {
 public:
  // Throws std::runtime_error when `directory` cannot be created.
  explicit StorageService(std::string directory, int io_threads = 2);
  // Waits for file operations in progress.
  ~StorageService();
  StorageService(const StorageService&) = delete;
  StorageService& operator=(const StorageService&) = delete;

  // Adds the routes; the service must outlive the server that uses `router`.
  void register_routes(http::Router& router);
  // Thread-safe: the next `count` PUTs are answered 503 without storing anything.
  void fail_next_puts(int count);

  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace replyd::worker
