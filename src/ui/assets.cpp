#include "ui/assets.h"

#include <algorithm>

namespace replyd::ui {

const Asset* find_asset(std::string_view path) {
  auto all = assets();
  auto it = std::lower_bound(all.begin(), all.end(), path,
                             [](const Asset& a, std::string_view p) { return a.path < p; });
  if (it == all.end() || it->path != path) return nullptr;
  return &*it;
}

std::string_view media_type_for(std::string_view path) {
  auto ends_with = [&](std::string_view ext) { return path.ends_with(ext); };
  if (ends_with(".html")) return "text/html; charset=utf-8";
  if (ends_with(".css")) return "text/css; charset=utf-8";
  if (ends_with(".js")) return "text/javascript; charset=utf-8";
  if (ends_with(".svg")) return "image/svg+xml";
  if (ends_with(".png")) return "image/png";
  if (ends_with(".json")) return "application/json";
  return "application/octet-stream";
}

}  // namespace replyd::ui
