// A persistent pool of worker threads, created once per process and never torn down
// (between jobs the workers spin briefly, then sleep on a condition variable). run() splits a job into
// `tasks` indices that the workers and the calling thread take in turn.
#pragma once
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tsjit {

class ThreadPool {
 public:
  explicit ThreadPool(int threads);
  // Total threads working on a job, the caller included.
  int size() const { return int(workers_.size()) + 1; }
  // Calls fn(0) .. fn(tasks - 1), spread over the pool; returns when all are done.
  // Note [Nested and concurrent jobs]: Node worker threads each load the addon but
  // share this pool; a job that finds the pool busy runs inline instead of waiting.
  void run(int tasks, const std::function<void(int)>& fn);
  // run() for a job split into one share per thread (tasks <= size()) whose shares read
  // the same data call after call: share i goes to pool thread i (pool_thread_index)
  // when it is still free as that thread starts, else to the next free one, so each
  // core finds its share in its own L2 (run() hands indices to whichever thread asks
  // first, and a spinning worker often beats the caller to 0).
  // One share runs on the calling thread directly, with no std::function built for it.
  template <class Fn>
  void run_by_thread(int tasks, Fn&& fn) {
    if (tasks <= 1) {
      if (tasks == 1) fn(0);
      return;
    }
    run_shares_by_thread(tasks, fn);
  }

 private:
  void run_shares_by_thread(int tasks, const std::function<void(int)>& fn);
  void work();
  std::vector<std::thread> workers_;
  std::mutex busy_;      // held for the whole of one job
  std::mutex mutex_;     // guards the fields below
  std::condition_variable wake_;
  std::condition_variable done_;
  const std::function<void(int)>* job_ = nullptr;
  int tasks_ = 0;
  bool closed_ = true;  // every task of the job is taken: workers that have not joined skip it
  int joined_ = 0;      // workers that read the job before it closed (each checks in)
  std::atomic<unsigned long> generation_{0};
  std::atomic<int> next_{0};
  std::atomic<int> checked_in_{0};
};

// Most threads a pool has (TSJIT_NUM_THREADS is clamped to it).
constexpr int kMaxPoolThreads = 256;

// The pool thread running this code: 0 for any thread outside the pool (a job's
// caller), 1.. for the workers. Each worker keeps its index for the life of the process.
int pool_thread_index();

// The process-wide pool: TSJIT_NUM_THREADS threads, else one per core.
ThreadPool& thread_pool();

// Threads a kernel may use: the pool's size unless capped (setNumThreads, for benches).
int usable_threads();
void cap_threads(int n);

}  // namespace tsjit
