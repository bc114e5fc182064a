// WebAssembly (Emscripten's dlmalloc): the heap never shrinks, so nothing to tune; malloc's statistics
// give the bytes in use and the largest footprint.
#include "cli/memory_probe.hpp"

#include <malloc.h>

#include <algorithm>

namespace ap::cli {

void return_freed_memory() {}
void keep_freed_memory() {}

PeakMemory::PeakMemory() { start_ = static_cast<double>(mallinfo().uordblks); }

double PeakMemory::extra_mib() const {
  const double peak = static_cast<double>(static_cast<unsigned>(mallinfo().usmblks));
  return std::max(0.0, peak - start_) / (1024.0 * 1024.0);
}

}  // namespace ap::cli
