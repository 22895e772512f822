#include "worker/curl_global.h"

#include <algorithm>
#include <cstring>
#include <mutex>

namespace replyd::worker {
namespace {

std::size_t read_from_view(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* rest = static_cast<std::string_view*>(user);
  std::size_t n = std::min(size * count, rest->size());
  std::memcpy(buffer, rest->data(), n);
  rest->remove_prefix(n);
  return n;
}

}  // namespace

// curl_global_init is not safe to run concurrently with other libcurl calls on every build of the
// library, and upload targets are made on worker threads; a once_flag makes the order explicit.
// curl_global_cleanup is never called: libcurl stays usable until the process exits.
void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

void set_upload_source(CURL* handle, std::string_view* rest) {
  curl_easy_setopt(handle, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(handle, CURLOPT_READFUNCTION, &read_from_view);
  curl_easy_setopt(handle, CURLOPT_READDATA, rest);
  curl_easy_setopt(handle, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(rest->size()));
}

}  // namespace replyd::worker
