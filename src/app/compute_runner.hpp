// Where the app's computations run, the one platform difference of computing: on the desktop a worker thread
// (compute_runner_thread.cpp), in the page time slices of the main loop (compute_runner_sliced.cpp), so that
// drawing never waits for a large layer and works on any static host (no SharedArrayBuffer needed).
#pragma once

#include <memory>

#include "app/compute_job.hpp"

namespace ap::app {

class ComputeRunner {
 public:
  virtual ~ComputeRunner() = default;
  // Runs `job` from now on, dropping the one under way (after stop()).
  virtual void start(std::unique_ptr<ComputeJob> job) = 0;
  // Drops the job under way; returns once nothing of it runs any more (its scenario may then change). The dropped
  // job comes back (null if there was none), so that its memory can serve the next one.
  virtual std::unique_ptr<ComputeJob> stop() = 0;
  // Gives the job up to `budget_ms` of this thread (sliced runners work here; a thread ignores it).
  virtual void run_for(double budget_ms) = 0;
  // The job, once it is done (then the runner is idle); null before.
  virtual std::unique_ptr<ComputeJob> take_finished() = 0;
  virtual bool idle() const = 0;          // no job under way or waiting to be taken
  virtual double progress() const = 0;    // of the job under way, 0 … 1
};

std::unique_ptr<ComputeRunner> make_compute_runner();

}  // namespace ap::app
