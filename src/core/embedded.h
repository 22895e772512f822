// Files compiled into the binary at build time (cmake/embed.cmake): the UI assets and the PostgreSQL
// migrations. Each embedding defines `std::span<const EmbeddedFile> embedded_files()` in its namespace.
#pragma once

#include <span>
#include <string_view>

namespace replyd {

struct EmbeddedFile {
  std::string_view path;  // "/index.html": relative to the embedded directory, with a leading '/'
  std::string_view data;
};

// The file at `path` in a sorted table, or nullptr.
const EmbeddedFile* find_embedded(std::span<const EmbeddedFile> files, std::string_view path);

}  // namespace replyd
