// SQLite has no asynchronous I/O: the async API runs its sessions' calls on worker threads of
// the database (as many as its pool has connections), and hands each result back to the loop
// of the task that awaits it.
#pragma once

#include <nextorm/async.hpp>

#include "session/database_impl.hpp"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace nextorm::detail {

class sqlite_workers final : public database_impl::async_extension {
 public:
  explicit sqlite_workers(std::size_t threads);
  // Lets the running calls end, then stops the threads.
  ~sqlite_workers() override;
  sqlite_workers(const sqlite_workers&) = delete;
  sqlite_workers& operator=(const sqlite_workers&) = delete;

  // Runs the job on a worker, its session current there; job_finished() follows on its loop.
  void submit(async_job& job);

  // The workers of `db`, started on first use.
  [[nodiscard]] static sqlite_workers& of(database_impl& db);

 private:
  void work();

  std::mutex m_mutex;
  std::condition_variable m_ready;
  std::deque<async_job*> m_jobs;
  bool m_stopping = false;
  std::vector<std::thread> m_threads;
};

}  // namespace nextorm::detail
