// How much memory a benchmarked backend needs: the platform's half of `attention-cli bench`. One
// implementation per platform (memory_probe_native.cpp: glibc and /proc; memory_probe_web.cpp: Emscripten's
// malloc), chosen by CMake, so bench.cpp has no platform #ifdef.
#pragma once

namespace ap::cli {

// While memory is measured: blocks over 64 KiB get their own pages and go back to the system when freed,
// so the resident set follows what is in use (glibc's adaptive thresholds would keep freed blocks).
void return_freed_memory();

// While timing: keep freed memory in the process (returned blocks are faulted in again, about 10 µs a
// page here), so every run after the first reuses the same pages, as a long-lived app would.
void keep_freed_memory();

// Peak of "memory in use" during a measured region, relative to its start; an upper bound.
// Natively: the resident set's high-water mark (reset through /proc/self/clear_refs) minus the resident
// set at the start. In WebAssembly: malloc's largest footprint (the heap only grows) minus the bytes in
// use at the start; footprint reached before the region counts too, so run one backend per process for
// a tight figure.
class PeakMemory {
 public:
  PeakMemory();
  double extra_mib() const;  // MiB above the start, the most seen so far

 private:
  double start_ = 0.0;
};

}  // namespace ap::cli
