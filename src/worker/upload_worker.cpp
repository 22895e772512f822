#include "worker/upload_worker.h"

#include "client/client.h"
#include "client/json_fields.h"
#include "core/file_name.h"
#include "worker/sha256_stream.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <stdexcept>

namespace replyd::worker {
namespace {

std::string size_text(std::int64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  if (bytes < 1024 * 1024) return fmt::format("{:.1f} KiB", static_cast<double>(bytes) / 1024);
  return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1024 * 1024));
}

// The `filename` member of the job's status document; empty when the server cannot say.
std::string file_name_from_server(const std::string& server_url, const client::LeasedJob& job) {
  client::Client c(server_url);
  auto status = c.status(job.id);
  if (!status) {
    spdlog::warn("upload {}: could not read the job's file name: {}", job.id, status.error().detail());
    return {};
  }
  boost::system::error_code ec;
  auto doc = boost::json::parse(status->document, ec);
  const auto* obj = ec ? nullptr : doc.if_object();
  return obj ? client::json_fields::string_at(*obj, "filename").value_or("") : "";
}

struct ChunkOutcome {
  bool written = false;
  std::string error;
};

ChunkOutcome write_with_retries(const UploadOptions& options, UploadTarget& target, std::int64_t offset,
                                std::string_view bytes, std::int64_t total, client::JobContext& context) {
  auto backoff = options.retry_backoff;
  std::string last_error;
  for (int attempt = 1; attempt <= std::max(options.chunk_attempts, 1); ++attempt) {
    auto written = target.write_chunk(offset, bytes, total);
    if (written) return {true, {}};
    last_error = written.error().detail();
    if (written.error().code() != Errc::unavailable) break;  // retrying would not help
    spdlog::info("upload {}: chunk at {} failed (try {}): {}", context.job_id(), offset, attempt, last_error);
    if (context.wait_for_stop(backoff)) break;
    backoff *= 2;
  }
  return {false, std::move(last_error)};
}

client::HandlerOutcome run_upload(const UploadOptions& options, const client::LeasedJob& job,
                                  client::JobContext& context) {
  const std::string& bytes = job.payload.bytes;
  const auto total = static_cast<std::int64_t>(bytes.size());
  if (total == 0) return client::HandlerOutcome::failure("nothing to upload: the file is empty", false);
  std::string name = safe_file_name(options.file_name ? options.file_name(job) : "", job.id);
  std::string key = job.id + "/" + name;
  auto target = options.storage_url.empty() ? make_directory_target(options.directory, key)
                                            : make_http_target(options.storage_url, key);
  const std::size_t chunk = std::max<std::size_t>(options.chunk_bytes, 1);
  Sha256Stream hash;
  context.progress(0, total, fmt::format("uploading {} ({})", name, size_text(total)));
  auto stopped = [&context](std::int64_t done) {
    return client::HandlerOutcome::failure(
        fmt::format("stopped after {}: {}", size_text(done), client::to_string(context.stop_reason())), true);
  };
  for (std::size_t offset = 0; offset < bytes.size(); offset += chunk) {
    // Checked before each chunk too: with no chunk_delay, wait_for_stop below only looks.
    if (context.stop_requested()) return stopped(static_cast<std::int64_t>(offset));
    std::string_view piece = std::string_view(bytes).substr(offset, chunk);
    auto outcome =
        write_with_retries(options, *target, static_cast<std::int64_t>(offset), piece, total, context);
    if (!outcome.written) {
      // A stop during the retry backoff ends the retries; it is the stop the client should see.
      if (context.stop_requested()) return stopped(static_cast<std::int64_t>(offset));
      return client::HandlerOutcome::failure(
          fmt::format("chunk at byte {} failed: {}", offset, outcome.error), true);
    }
    hash.update(piece);
    auto done = static_cast<std::int64_t>(offset + piece.size());
    context.progress(done, total, fmt::format("uploaded {} of {}", size_text(done), size_text(total)));
    if (context.wait_for_stop(options.chunk_delay)) return stopped(done);
  }
  std::string expected = hash.finish_hex();
  auto stored = target->finish(total);
  if (!stored)
    return client::HandlerOutcome::failure(
        fmt::format("finishing the upload failed: {}", stored.error().detail()), true);
  if (stored->sha256 != expected || stored->size != total) {
    return client::HandlerOutcome::failure(
        fmt::format("checksum mismatch: sent {} bytes with SHA-256 {}, the target stored {} bytes with {}",
                    total, expected, stored->size, stored->sha256),
        true);
  }
  context.progress(total, total, "uploaded and verified");
  boost::json::object result;
  result["name"] = name;
  result["size"] = total;
  result["sha256"] = stored->sha256;
  result["location"] = stored->location;
  return client::HandlerOutcome::success(Blob{"application/json", boost::json::serialize(result)});
}

}  // namespace

std::string safe_file_name(std::string_view name, std::string_view fallback) {
  return std::string(valid_file_name(name) ? name : fallback);
}

client::Handler make_upload_handler(UploadOptions options) {
  if (options.directory.empty() && options.storage_url.empty()) {
    throw std::invalid_argument("the upload worker needs a directory or a storage URL");
  }
  if (!options.file_name && !options.server_url.empty()) {
    options.file_name = [url = options.server_url](const client::LeasedJob& job) {
      return file_name_from_server(url, job);
    };
  }
  return [options](const client::LeasedJob& job, client::JobContext& context) {
    return run_upload(options, job, context);
  };
}

}  // namespace replyd::worker
