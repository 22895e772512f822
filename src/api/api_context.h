// What the endpoint groups share: the job service, the metrics registry and the API's options.
#pragma once

#include "core/metrics.h"
#include "engine/job_service.h"
#include "http/request.h"

#include <chrono>
#include <string>

namespace replyd::api {

struct ApiOptions {
  // The absolute base URL clients reach this server at ("https://jobs.example.com"), used in Location
  // headers and links. Empty: taken from the request's Host header, else `fallback_base_url`.
  std::string public_url;
  std::string fallback_base_url = "http://127.0.0.1:8080";
  std::size_t max_payload_bytes = 64 * 1024 * 1024;
  std::size_t max_result_bytes = 64 * 1024 * 1024;
  // Event streams send a comment after this long without an event, so proxies keep them open.
  std::chrono::milliseconds sse_heartbeat{15000};
};

struct ApiContext {
  engine::JobService& jobs;
  metrics::Registry& metrics;
  ApiOptions options;

  // The base URL for links in the answer to `request` (see ApiOptions::public_url).
  std::string base_url(const http::Request& request) const;
};

// True when `host` is a plausible Host header value (host name or IP literal with an optional port),
// so it can be echoed in a Location header.
bool plausible_host(std::string_view host);

}  // namespace replyd::api
