#include "core/embedded.h"

#include <algorithm>

namespace replyd {

const EmbeddedFile* find_embedded(std::span<const EmbeddedFile> files, std::string_view path) {
  auto it = std::lower_bound(files.begin(), files.end(), path,
                             [](const EmbeddedFile& f, std::string_view p) { return f.path < p; });
  if (it == files.end() || it->path != path) return nullptr;
  return &*it;
}

}  // namespace replyd
