// The process's CPU time, for `attention-cli bench`: on a machine shared with other work, the CPU time of a
// one-thread run is a steadier estimate of its cost than the wall clock (waiting for a core does not count).
// One implementation per platform (cpu_clock_native.cpp: getrusage; cpu_clock_web.cpp: node's
// process.cpuUsage), chosen by CMake, so bench.cpp has no platform #ifdef.
#pragma once

namespace ap::cli {

// Milliseconds of CPU time the whole process (every thread) has used so far.
double process_cpu_ms();

}  // namespace ap::cli
