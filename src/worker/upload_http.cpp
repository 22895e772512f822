// The HTTP storage target of the upload worker (upload_target.h), over libcurl.
#include "worker/curl_global.h"
#include "worker/upload_target.h"

#include <curl/curl.h>
#include <fmt/format.h>
#include <boost/json/parse.hpp>

#include <cstring>

namespace replyd::worker {
namespace {


std::size_t append_answer(char* data, std::size_t size, std::size_t count, void* user) {
  auto* answer = static_cast<std::string*>(user);
  // The storage server answers small JSON documents; anything large is not one of them.
  if (answer->size() < 64 * 1024) answer->append(data, size * count);
  return size * count;
}

class HttpTarget final : public UploadTarget {
 public:
  HttpTarget(std::string base_url, std::string key, std::chrono::seconds timeout)
      : curl_(curl_easy_init(), &curl_easy_cleanup), timeout_(timeout) {
    url_ = std::move(base_url);
    while (url_.ends_with('/')) url_.pop_back();
    url_ += "/files";
    // Each segment of the key is percent-encoded, the slashes between them kept.
    std::size_t start = 0;
    while (start <= key.size()) {
      std::size_t end = std::min(key.find('/', start), key.size());
      std::string segment = key.substr(start, end - start);
      char* escaped =
          curl_ ? curl_easy_escape(curl_.get(), segment.data(), static_cast<int>(segment.size())) : nullptr;
      url_ += "/" + std::string(escaped ? escaped : segment.c_str());
      curl_free(escaped);
      start = end + 1;
    }
  }

  Result<void> write_chunk(std::int64_t offset, std::string_view bytes, std::int64_t total) override {
    std::string range = bytes.empty()
                            ? fmt::format("Content-Range: bytes */{}", total)
                            : fmt::format("Content-Range: bytes {}-{}/{}", offset,
                                          offset + static_cast<std::int64_t>(bytes.size()) - 1, total);
    auto answer = put(range, bytes);
    if (!answer) return answer.error();
    last_answer_ = std::move(*answer);
    return {};
  }

  Result<StoredFile> finish(std::int64_t total) override {
    if (total == 0) {
      auto empty = write_chunk(0, {}, 0);
      if (!empty) return empty.error();
    }
    boost::system::error_code ec;
    auto doc = boost::json::parse(last_answer_, ec);
    const auto* obj = ec ? nullptr : doc.if_object();
    const auto* sha = obj ? obj->if_contains("sha256") : nullptr;
    const auto* size = obj ? obj->if_contains("size") : nullptr;
    if (!sha || !sha->is_string() || !size || !size->is_int64()) {
      return Error(Errc::unavailable, fmt::format("the storage server did not confirm the upload: {}",
                                                  last_answer_.substr(0, 200)));
    }
    return StoredFile{std::string(sha->get_string()), size->get_int64(), url_};
  }

 private:
  Result<std::string> put(const std::string& range_header, std::string_view bytes) {
    CURL* c = curl_.get();
    if (!c) return Error(Errc::unavailable, "libcurl could not start a transfer");
    curl_easy_reset(c);
    std::string_view rest = bytes;
    std::string answer;
    char error_buffer[CURL_ERROR_SIZE] = {};
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(nullptr, &curl_slist_free_all);
    headers.reset(curl_slist_append(headers.release(), range_header.c_str()));
    headers.reset(curl_slist_append(headers.release(), "Content-Type: application/octet-stream"));
    headers.reset(curl_slist_append(headers.release(), "Expect:"));  // no 100-continue round trip per chunk
    curl_easy_setopt(c, CURLOPT_URL, url_.c_str());
    set_upload_source(c, &rest);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &append_answer);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(std::chrono::milliseconds(timeout_).count()));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);
    CURLcode code = curl_easy_perform(c);
    if (code != CURLE_OK) {
      return Error(Errc::unavailable, fmt::format("PUT {}: {}", url_,
                                                  error_buffer[0] ? error_buffer : curl_easy_strerror(code)));
    }
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300) return answer;
    return Error(status >= 500 ? Errc::unavailable : Errc::invalid_argument,
                 fmt::format("PUT {}: HTTP {}: {}", url_, status, answer.substr(0, 200)));
  }

  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl_;
  std::chrono::seconds timeout_;
  std::string url_;
  std::string last_answer_;
};

}  // namespace

std::unique_ptr<UploadTarget> make_http_target(std::string base_url, std::string key,
                                               std::chrono::seconds timeout) {
  init_curl_once();
  return std::make_unique<HttpTarget>(std::move(base_url), std::move(key), timeout);
}

}  // namespace replyd::worker
