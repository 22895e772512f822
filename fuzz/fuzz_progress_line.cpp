// Fuzzes the exec worker's parser of `progress CURRENT/TOTAL [message]` lines from a child's stderr.
#include "worker/progress_line.h"

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)replyd::worker::parse_progress_line(input);
  return 0;
}
