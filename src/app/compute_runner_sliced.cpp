// The page's runner: the job advances inside the main loop, a budget of milliseconds a frame, so a layer of any
// size computes while frames keep coming. One thread, no SharedArrayBuffer: works where no COOP/COEP is sent.
#include <chrono>

#include "app/compute_runner.hpp"

namespace ap::app {

namespace {

class SlicedRunner final : public ComputeRunner {
 public:
  void start(std::unique_ptr<ComputeJob> job) override {
    job_ = std::move(job);
    done_ = false;
  }
  std::unique_ptr<ComputeJob> stop() override {
    done_ = false;
    return std::move(job_);
  }
  void run_for(double budget_ms) override {
    if (!job_ || done_) return;
    using clock = std::chrono::steady_clock;
    const auto end = clock::now() + std::chrono::duration<double, std::milli>(budget_ms);
    do {
      if (job_->step()) {
        done_ = true;
        return;
      }
    } while (clock::now() < end);
  }
  std::unique_ptr<ComputeJob> take_finished() override {
    if (!done_) return nullptr;
    done_ = false;
    return std::move(job_);
  }
  bool idle() const override { return !job_; }
  double progress() const override { return job_ ? job_->progress() : 0.0; }

 private:
  std::unique_ptr<ComputeJob> job_;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<ComputeRunner> make_compute_runner() { return std::make_unique<SlicedRunner>(); }

}  // namespace ap::app
