// Native (glibc, Linux): malloc thresholds through mallopt, the resident set from /proc/self/status.
#include "cli/memory_probe.hpp"

#include <malloc.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <string>

namespace ap::cli {

namespace {

double status_kib(const std::string& key) {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind(key, 0) == 0) return std::strtod(line.c_str() + key.size(), nullptr);  // "  1234 kB": 1234
  return 0.0;
}

}  // namespace

void return_freed_memory() {
  mallopt(M_MMAP_THRESHOLD, 64 * 1024);
  mallopt(M_TRIM_THRESHOLD, 128 * 1024);
}

void keep_freed_memory() {
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's largest (HEAP_MAX / 2): bigger blocks are still mapped
  mallopt(M_TRIM_THRESHOLD, -1);
}

PeakMemory::PeakMemory() {
  std::ofstream("/proc/self/clear_refs") << "5";  // resets VmHWM to the current resident set
  start_ = status_kib("VmRSS:") * 1024.0;
}

double PeakMemory::extra_mib() const {
  return std::max(0.0, status_kib("VmHWM:") * 1024.0 - start_) / (1024.0 * 1024.0);
}

}  // namespace ap::cli
