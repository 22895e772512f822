#include "core/file_name.h"

namespace replyd {

bool valid_file_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxFileNameLength || name == "." || name == "..") return false;
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '/' || c == '\\') return false;
  }
  return true;
}

}  // namespace replyd
