// WebAssembly under node (attention-cli.js): node's process.cpuUsage(), which covers every thread of the
// process (the module's workers included).
#include "cli/cpu_clock.hpp"

#include <emscripten.h>

namespace ap::cli {

double process_cpu_ms() {
  return EM_ASM_DOUBLE({
    const usage = process.cpuUsage();
    return (usage.user + usage.system) / 1000;
  });
}

}  // namespace ap::cli
