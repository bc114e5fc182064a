// The kernels' thread pool (see thread_pool.hpp). A job is published under the mutex (its function, its task
// count, a fresh counter) and announced by bumping the generation; workers that wake while it is still open join
// it and claim tasks from the shared counter, as does the caller. The caller closes the job once it finds no task
// left to claim, then waits for the workers inside it, so a worker never sees a job's function after run returns.
#include "kernels/thread_pool.hpp"

namespace ap::kernels {

ThreadPool::ThreadPool(int threads) {
  for (int t = 1; t < threads; ++t) workers_.emplace_back([this, t] { worker_loop(t); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    quit_ = true;
  }
  wake_.notify_all();
  for (std::thread& w : workers_) w.join();
}

void ThreadPool::run(int tasks, const std::function<void(int task, int thread)>& fn) {
  if (tasks <= 0) return;
  if (workers_.empty() || tasks == 1) {
    for (int t = 0; t < tasks; ++t) fn(t, 0);
    return;
  }
  std::lock_guard<std::mutex> turn(turn_);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    job_ = &fn;
    tasks_ = tasks;
    next_.store(0, std::memory_order_relaxed);
    open_ = true;
    ++generation_;
  }
  wake_.notify_all();
  work(0);
  std::unique_lock<std::mutex> lock(mutex_);
  open_ = false;  // every task is claimed: a worker waking now has nothing to do
  idle_.wait(lock, [this] { return busy_ == 0; });
  job_ = nullptr;
}

void ThreadPool::work(int thread) {
  // job_ and tasks_ stay put while the job is open or a worker is inside it
  for (;;) {
    const int task = next_.fetch_add(1, std::memory_order_relaxed);
    if (task >= tasks_) return;
    (*job_)(task, thread);
  }
}

void ThreadPool::worker_loop(int thread) {
  unsigned seen = 0;
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return quit_ || generation_ != seen; });
    if (quit_) return;
    seen = generation_;
    if (!open_) continue;  // finished before this worker woke
    ++busy_;
    lock.unlock();
    work(thread);
    lock.lock();
    if (--busy_ == 0) idle_.notify_all();
  }
}

}  // namespace ap::kernels
