// The dashboard and demo pages, compiled into the binary from src/ui/assets/ at build time
// (cmake/embed.cmake), so replyd serves them with no files to deploy and no network access.
#pragma once

#include "core/embedded.h"

#include <span>
#include <string_view>

namespace replyd::ui {

// Every embedded file, sorted by path ("/index.html").
std::span<const EmbeddedFile> embedded_files();

// The asset at `path` (relative to /ui, with a leading '/'), or nullptr.
inline const EmbeddedFile* find_asset(std::string_view path) { return find_embedded(embedded_files(), path); }

// The media type for a file name by its extension ("text/html; charset=utf-8").
std::string_view media_type_for(std::string_view path);

}  // namespace replyd::ui
