// Native (POSIX): the process's user and system time from getrusage.
#include "cli/cpu_clock.hpp"

#include <sys/resource.h>

namespace ap::cli {

double process_cpu_ms() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto ms = [](const timeval& t) { return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_usec) / 1e3; };
  return ms(usage.ru_utime) + ms(usage.ru_stime);
}

}  // namespace ap::cli
