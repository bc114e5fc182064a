// The layer computed in bounded steps, so a caller can keep drawing between them (the page's main loop) or
// drop a computation an edit made stale (a worker thread checks between steps). The steps are the pipeline's
// (core/pipeline.hpp), in order: positions and projections; each head by blocks of query rows (scores,
// softmax, weights · V, that block's row diagnostics); concat · W_O.
// Large layers record only what is shown: the N × M matrices of the heads asked for, and for every head its
// row diagnostics and a pooled overview of its weights (the heads' thumbnails). No I/O, no clock.
#pragma once

#include <memory>
#include <vector>

#include "core/kernel.hpp"
#include "core/pipeline.hpp"

namespace ap::core {

struct JobOptions {
  bool record_all_heads = true;    // q, k, v, scores, scaled and weights of every head
  std::vector<int> recorded_heads; // else: the N × M matrices of these heads only (q, k, v, output of all)
  int overview_side = 0;           // > 0: every head's weights, max-pooled to at most this many rows and columns
  long long work_per_step = 1 << 24;  // about this many multiply-adds per step (a few ms in WebAssembly)
  bool record_nothing = false;     // only the output and the empty rows (benchmarks): no N × M buffers, no heads,
                                   // x_in, allow matrix or concat in the trace
};

// Whether a scenario of this shape records every head's N × M matrices in the page (limits::record_all_heads_cells).
bool records_all_heads(const Scenario& s);

template <class T>
class TraceJob {
 public:
  // `scenario` and `kernel` must outlive the job and stay unchanged while it runs. The trace is written into the
  // memory of `spare` (a trace no longer shown) wherever a matrix has the same size, so that a layer recomputed
  // after an edit allocates nothing new.
  TraceJob(const Scenario& scenario, Kernel<T>& kernel, JobOptions options = {}, Trace spare = {});
  ~TraceJob();
  TraceJob(const TraceJob&) = delete;
  TraceJob& operator=(const TraceJob&) = delete;

  bool step();              // one bounded piece of work; true once the trace is complete
  bool done() const;
  double progress() const;  // 0 … 1, by work done
  Trace take();             // the complete trace (once done)
  Trace reclaim();          // whatever memory the job holds, as a trace to hand the next job as its spare

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace ap::core
