// A small persistent pool of threads for the fast kernels: run(tasks, fn) hands the tasks 0 … tasks − 1 to the
// pool's workers and to the calling thread, and returns once all are done. A pool of one thread creates no
// thread at all (the single-threaded page has none to create). Which thread runs a task never changes what the
// task computes: each writes its own part of the result, so results are the same for any thread count.
// Depends on the standard library only.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ap::kernels {

class ThreadPool {
 public:
  // threads ≥ 1: the caller plus threads − 1 workers, started here and kept until the pool is destroyed.
  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  int threads() const { return static_cast<int>(workers_.size()) + 1; }

  // Runs fn(task, thread) for every task in [0, tasks), each exactly once, spread over the threads; `thread` in
  // [0, threads()) names the scratch space the task may use (0: the caller). Calls from several threads take turns;
  // fn must not call run on the same pool, and must not throw.
  void run(int tasks, const std::function<void(int task, int thread)>& fn);

 private:
  void work(int thread);    // claims and runs tasks of the open job until none is left
  void worker_loop(int thread);

  std::vector<std::thread> workers_;
  std::mutex turn_;                 // one job at a time
  std::mutex mutex_;                // guards everything below but next_
  std::condition_variable wake_, idle_;
  const std::function<void(int, int)>* job_ = nullptr;
  int tasks_ = 0;
  std::atomic<int> next_{0};        // the next unclaimed task of the open job
  unsigned generation_ = 0;         // bumped for each job
  bool open_ = false;               // workers may still join the job
  int busy_ = 0;                    // workers inside the job
  bool quit_ = false;
};

}  // namespace ap::kernels
