// Queue names: 1 to 64 characters of [A-Za-z0-9._-].
#pragma once

#include <string_view>

namespace replyd {

inline constexpr std::size_t kMaxQueueNameLength = 64;

bool valid_queue_name(std::string_view name);

}  // namespace replyd
