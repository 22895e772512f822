#include "worker/storage_routes.h"

#include "core/file_name.h"
#include "worker/sha256_stream.h"

#include <fmt/format.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>

namespace replyd::worker {

namespace net = boost::asio;
namespace fs = std::filesystem;

struct StorageService::State {
  fs::path directory;
  net::thread_pool pool;
  std::atomic<int> fail_puts{0};

  State(std::string dir, int threads)
      : directory(std::move(dir)), pool(static_cast<std::size_t>(std::max(threads, 1))) {}
};

namespace {

struct ContentRange {
  std::int64_t first = 0;
  std::int64_t last = -1;  // -1 with total 0: an empty file
  std::int64_t total = 0;
};

bool parse_number(std::string_view text, std::int64_t& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size() && out >= 0;
}

std::optional<ContentRange> parse_content_range(std::string_view header) {
  if (!header.starts_with("bytes ")) return std::nullopt;
  header.remove_prefix(6);
  auto slash = header.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  ContentRange range;
  if (!parse_number(header.substr(slash + 1), range.total)) return std::nullopt;
  std::string_view span = header.substr(0, slash);
  if (span == "*") return range.total == 0 ? std::optional(range) : std::nullopt;
  auto dash = span.find('-');
  if (dash == std::string_view::npos || !parse_number(span.substr(0, dash), range.first) ||
      !parse_number(span.substr(dash + 1), range.last) || range.first > range.last ||
      range.last >= range.total) {
    return std::nullopt;
  }
  return range;
}

bool valid_key(std::string_view key) {
  if (key.empty()) return false;
  std::size_t start = 0;
  while (start <= key.size()) {
    std::size_t end = std::min(key.find('/', start), key.size());
    std::string_view segment = key.substr(start, end - start);
    if (!valid_file_name(segment)) return false;
    start = end + 1;
  }
  return true;
}

http::Response errno_problem(std::string_view what) {
  return http::problem(500, fmt::format("{}: {}", what, std::strerror(errno)));
}

// Runs on the service's pool: the blocking part of a PUT.
http::Response store_chunk(const fs::path& directory, const std::string& key, ContentRange range,
                           const std::string& body) {
  fs::path final_path = directory / key;
  fs::path part_path = final_path.string() + ".part";
  std::error_code ec;
  fs::create_directories(final_path.parent_path(), ec);
  if (ec) return http::problem(500, fmt::format("cannot create the directory: {}", ec.message()));
  int fd = ::open(part_path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return errno_problem("open");
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat info {};
  if (::fstat(fd, &info) != 0) return errno_problem("stat");
  if (range.first > info.st_size) {
    return http::problem(
        409, fmt::format("{} bytes received so far; send the chunk that starts there", info.st_size));
  }
  std::size_t done = 0;
  while (done < body.size()) {
    ssize_t n = ::pwrite(fd, body.data() + done, body.size() - done, static_cast<off_t>(range.first + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno_problem("write");
    done += static_cast<std::size_t>(n);
  }
  if (range.last + 1 < range.total)
    return http::Response::json(200, fmt::format(R"({{"received":{}}})", range.last + 1));
  if (::ftruncate(fd, static_cast<off_t>(range.total)) != 0 || ::fsync(fd) != 0) return errno_problem("sync");
  fs::rename(part_path, final_path, ec);
  if (ec) return http::problem(500, fmt::format("rename: {}", ec.message()));
  std::string digest = sha256_file_hex(final_path.string());
  if (digest.empty()) return errno_problem("read back");
  return http::Response::json(201, fmt::format(R"({{"size":{},"sha256":"{}"}})", range.total, digest));
}

net::awaitable<http::Response> store_chunk_task(std::shared_ptr<StorageService::State> state, std::string key,
                                                ContentRange range, std::string body) {
  co_return store_chunk(state->directory, key, range, body);
}

net::awaitable<http::Response> put_file(std::shared_ptr<StorageService::State> state,
                                        http::Exchange& exchange) {
  auto& request = exchange.request();
  std::string key(request.path_param("key"));
  if (!valid_key(key))
    co_return http::problem(400, "the key must be path segments without '.', '..' or control characters");
  auto header = request.header("Content-Range");
  auto range = header ? parse_content_range(*header) : std::nullopt;
  if (!range) co_return http::problem(400, "Content-Range must be 'bytes FIRST-LAST/TOTAL' (or 'bytes */0')");
  std::string body = request.take_body();
  if (static_cast<std::int64_t>(body.size()) != range->last - range->first + 1) {
    co_return http::problem(400, "the body's length does not match its Content-Range");
  }
  for (int left = state->fail_puts.load(); left > 0;) {
    if (state->fail_puts.compare_exchange_weak(left, left - 1))
      co_return http::problem(503, "failing as the test asked");
  }
  auto task = store_chunk_task(state, std::move(key), *range, std::move(body));
  auto on_pool = net::co_spawn(state->pool, std::move(task), net::use_awaitable);
  co_return co_await std::move(on_pool);
}

}  // namespace

StorageService::StorageService(std::string directory, int io_threads)
    : state_(std::make_shared<State>(std::move(directory), io_threads)) {
  std::error_code ec;
  fs::create_directories(state_->directory, ec);
  if (ec)
    throw std::runtime_error(
        fmt::format("storage directory '{}': {}", state_->directory.string(), ec.message()));
}

StorageService::~StorageService() { state_->pool.join(); }

void StorageService::register_routes(http::Router& router) {
  auto state = state_;
  router.add(http::Method::put, "/files/{key...}",
             [state](http::Exchange& exchange) { return put_file(state, exchange); },
             {.max_body_bytes = 64 * 1024 * 1024, .require_length = true});
}

void StorageService::fail_next_puts(int count) { state_->fail_puts = count; }

}  // namespace replyd::worker
