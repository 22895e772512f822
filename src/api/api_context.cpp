#include "api/api_context.h"

namespace replyd::api {

bool plausible_host(std::string_view host) {
  if (host.empty() || host.size() > 255) return false;
  for (char c : host) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
              c == ':' || c == '[' || c == ']';
    if (!ok) return false;
  }
  return true;
}

std::string ApiContext::base_url(const http::Request& request) const {
  if (!options.public_url.empty()) return options.public_url;
  // Without a configured public URL, answer with the name the client used to reach us; a garbled
  // Host header falls back to the listening address rather than being echoed.
  if (auto host = request.header("Host"); host && plausible_host(*host)) return "http://" + std::string(*host);
  return options.fallback_base_url;
}

}  // namespace replyd::api
