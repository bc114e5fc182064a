// The desktop's runner: one worker thread advances the job step by step and checks between steps whether it
// has been dropped, so stop() waits at most one step (a few milliseconds).
#include <condition_variable>
#include <mutex>
#include <thread>

#include "app/compute_runner.hpp"

namespace ap::app {

namespace {

class ThreadRunner final : public ComputeRunner {
 public:
  ThreadRunner() : worker_([this] { work(); }) {}
  ~ThreadRunner() override {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      quit_ = true;
    }
    wake_.notify_all();
    worker_.join();
  }

  void start(std::unique_ptr<ComputeJob> job) override {
    stop();
    {
      std::lock_guard<std::mutex> lock(mutex_);
      job_ = std::move(job);
      progress_ = 0;
    }
    wake_.notify_all();
  }
  std::unique_ptr<ComputeJob> stop() override {
    std::unique_lock<std::mutex> lock(mutex_);
    dropping_ = true;  // no further step starts
    idle_.wait(lock, [this] { return !stepping_; });
    std::unique_ptr<ComputeJob> dropped = std::move(job_);  // nothing uses it now
    done_ = false;
    dropping_ = false;
    return dropped;
  }
  void run_for(double) override {}
  std::unique_ptr<ComputeJob> take_finished() override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!done_) return nullptr;
    done_ = false;
    return std::move(job_);
  }
  bool idle() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    return !job_;
  }
  double progress() const override {
    std::lock_guard<std::mutex> lock(mutex_);
    return progress_;
  }

 private:
  void work() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      wake_.wait(lock, [this] { return quit_ || (job_ && !done_ && !dropping_); });
      if (quit_) return;
      ComputeJob* job = job_.get();  // stays alive: stop() waits for stepping_ to clear before freeing it
      stepping_ = true;
      lock.unlock();
      const bool finished = job->step();
      const double progress = job->progress();
      lock.lock();
      stepping_ = false;
      idle_.notify_all();
      if (dropping_) continue;
      progress_ = progress;
      done_ = finished;
    }
  }

  mutable std::mutex mutex_;
  std::condition_variable wake_, idle_;
  std::unique_ptr<ComputeJob> job_;
  bool done_ = false, stepping_ = false, dropping_ = false, quit_ = false;
  double progress_ = 0;
  std::thread worker_;  // last: starts once the members above exist
};

}  // namespace

std::unique_ptr<ComputeRunner> make_compute_runner() { return std::make_unique<ThreadRunner>(); }

}  // namespace ap::app
