// What the workers that use libcurl share (upload_http.cpp, email_worker.cpp): its process-wide
// initialisation and an upload from memory.
#pragma once

#include <curl/curl.h>

#include <string_view>

namespace replyd::worker {

// Runs curl_global_init once per process, however many threads call it at once. Thread-safe.
void init_curl_once();

// Makes `handle` upload the bytes `*rest` views (CURLOPT_UPLOAD with its read callback and size);
// the callback consumes `*rest`, which must outlive the transfer.
void set_upload_source(CURL* handle, std::string_view* rest);

}  // namespace replyd::worker
