// CPU time and memory of processes, for the benchmark report: the load generator's own (getrusage) and
// the server's and its worker's (from /proc/PID/stat and /proc/PID/status, Linux only).
#pragma once

#include <optional>
#include <sys/types.h>

namespace replyd::bench {

// User plus system CPU seconds this process has used so far.
double self_cpu_seconds();

// User plus system CPU seconds of process `pid` so far (fields 14 and 15 of /proc/PID/stat); nullopt when
// the process does not exist or cannot be read.
std::optional<double> process_cpu_seconds(pid_t pid);

// Peak resident set size of `pid` in bytes (VmHWM of /proc/PID/status); nullopt when unreadable.
std::optional<double> process_peak_rss_bytes(pid_t pid);

}  // namespace replyd::bench
