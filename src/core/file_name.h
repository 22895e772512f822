// File names a client may give a payload (`?filename=` on submit) and the example workers store files
// under: one path segment that any file system can hold. 1 to 255 bytes, no '/' or '\\', no control
// characters (below 0x20, 0x7f), not "." or "..". Other bytes (UTF-8 included) are allowed as given.
#pragma once

#include <cstddef>
#include <string_view>

namespace replyd {

inline constexpr std::size_t kMaxFileNameLength = 255;

bool valid_file_name(std::string_view name);

}  // namespace replyd
