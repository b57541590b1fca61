#include "threadpool.h"
#include <chrono>
#include <cstdlib>

namespace tsjit {
namespace {

// Note [Spin before sleeping]: waking a sleeping thread costs tens of microseconds,
// as much as a whole mid-sized kernel. Workers and the caller spin this long on the
// atomic they wait for before falling back to the condition variable, so a model's
// back-to-back kernels find the pool awake.
constexpr auto kSpin = std::chrono::microseconds(200);

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

template <class Pred>
bool spin_until(Pred ready) {
  const auto until = std::chrono::steady_clock::now() + kSpin;
  for (int i = 0;; i++) {
    if (ready()) return true;
    cpu_relax();
    if ((i & 63) == 63 && std::chrono::steady_clock::now() > until) return false;
  }
}

// Whether this thread is running a task of a job: a job it starts then runs inline
// (conv2d's SGEMMs inside its per-image tasks), since the job's caller holds busy_ and
// locking a mutex one already owns, even try_lock, is undefined.
thread_local bool t_in_job = false;
thread_local int t_index = 0;

}  // namespace

ThreadPool::ThreadPool(int threads) {
  for (int i = 1; i < threads; i++) {
    workers_.emplace_back([this, i] {
      t_index = i;
      work();
    });
    workers_.back().detach();
  }
}

void ThreadPool::work() {
  t_in_job = true;
  unsigned long seen = 0;
  for (;;) {
    if (!spin_until([&] { return generation_.load(std::memory_order_acquire) != seen; })) {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return generation_.load() != seen; });
    }
    const std::function<void(int)>* job = nullptr;
    int tasks = 0;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      seen = generation_.load();
      if (!closed_) {
        job = job_;
        tasks = tasks_;
        joined_++;
      }
    }
    if (job == nullptr) continue;  // woke after the caller finished the job
    for (int t; (t = next_.fetch_add(1)) < tasks;) (*job)(t);
    // Every worker that joined checks in, so none can still be inside the job (or about
    // to take a task index from it) when the caller returns and the next job resets the counter.
    const int checked_in = checked_in_.fetch_add(1) + 1;
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_ && checked_in == joined_) done_.notify_all();
  }
}

void ThreadPool::run(int tasks, const std::function<void(int)>& fn) {
  std::unique_lock<std::mutex> busy(busy_, std::defer_lock);
  if (tasks <= 1 || workers_.empty() || t_in_job || !busy.try_lock()) {
    for (int t = 0; t < tasks; t++) fn(t);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    job_ = &fn;
    tasks_ = tasks;
    closed_ = false;
    joined_ = 0;
    checked_in_.store(0);
    next_.store(0);
    generation_.fetch_add(1, std::memory_order_release);
  }
  wake_.notify_all();
  t_in_job = true;
  for (int t; (t = next_.fetch_add(1)) < tasks;) fn(t);
  t_in_job = false;
  // Note [Waiting only for the workers that joined]: every task is taken; close the job so
  // a worker that has not read it yet (descheduled on a loaded machine, or still waking)
  // skips it, and wait only for those inside it. Waiting for every worker stalled each
  // parallel kernel for a scheduler time slice whenever another process held the core.
  int joined;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    joined = joined_;
  }
  if (!spin_until([&] { return checked_in_.load(std::memory_order_acquire) == joined; })) {
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [&] { return checked_in_.load() == joined; });
  }
}

void ThreadPool::run_shares_by_thread(int tasks, const std::function<void(int)>& fn) {
  std::atomic<bool> taken[kMaxPoolThreads] = {};
  run(tasks, [&](int) {
    int share = t_index % tasks;
    while (taken[share].exchange(true)) share = (share + 1) % tasks;
    fn(share);
  });
}

int pool_thread_index() { return t_index; }

ThreadPool& thread_pool() {
  // Never destroyed: detached workers must not outlive the object they use.
  static ThreadPool* pool = [] {
    int n = int(std::thread::hardware_concurrency());
    if (const char* env = std::getenv("TSJIT_NUM_THREADS")) {
      const int forced = std::atoi(env);
      if (forced > 0) n = forced;
    }
    if (n < 1) n = 1;
    if (n > kMaxPoolThreads) n = kMaxPoolThreads;
    return new ThreadPool(n);
  }();
  return *pool;
}

namespace {
std::atomic<int> g_cap{1 << 30};
}

int usable_threads() {
  const int n = thread_pool().size();
  const int cap = g_cap.load();
  return n < cap ? n : cap;
}

void cap_threads(int n) { g_cap.store(n < 1 ? 1 : n); }

}  // namespace tsjit
