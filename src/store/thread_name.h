// Names the calling thread (at most 15 characters), so that `top -H`, perf and debuggers show which
// store thread is which.
#pragma once

#include <pthread.h>

namespace replyd::store {

inline void name_this_thread(const char* name) { pthread_setname_np(pthread_self(), name); }

}  // namespace replyd::store
