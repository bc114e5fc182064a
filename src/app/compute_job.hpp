// One computation the app runs off the edit path: a core::TraceJob over a kernel, behind one small interface so
// the runners (compute_runner.hpp) need not know whether it computes in float or double.
#pragma once

#include <memory>

#include "core/trace_job.hpp"

namespace ap::app {

class ComputeJob {
 public:
  virtual ~ComputeJob() = default;
  virtual bool step() = 0;  // one bounded piece of work; true when done
  virtual double progress() const = 0;
  virtual core::Trace take() = 0;
  virtual core::Trace reclaim() = 0;  // all the memory of a job dropped part way, for the next one to write into
};

template <class T>
class KernelJob final : public ComputeJob {
 public:
  KernelJob(const core::Scenario& s, core::Kernel<T>& kernel, core::JobOptions options, core::Trace spare = {})
      : job_(s, kernel, std::move(options), std::move(spare)) {}
  bool step() override { return job_.step(); }
  double progress() const override { return job_.progress(); }
  core::Trace take() override { return job_.take(); }
  core::Trace reclaim() override { return job_.reclaim(); }

 private:
  core::TraceJob<T> job_;
};

}  // namespace ap::app
