// The dashboard and demo pages, compiled into the binary from src/ui/assets/ at build time
// (cmake/embed_run.cmake), so replyd serves them with no files to deploy and no network access.
#pragma once

#include <span>
#include <string_view>

namespace replyd::ui {

struct Asset {
  std::string_view path;  // "/index.html", relative to /ui
  std::string_view data;
};

// Every embedded file, sorted by path.
std::span<const Asset> assets();

// The asset at `path`, or nullptr.
const Asset* find_asset(std::string_view path);

// The media type for a file name by its extension ("text/html; charset=utf-8").
std::string_view media_type_for(std::string_view path);

}  // namespace replyd::ui
