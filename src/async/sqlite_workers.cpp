#include "async/sqlite_workers.hpp"

#include <nextorm/detail/reactor.hpp>
#include "async/async_scope.hpp"

namespace nextorm::detail {

sqlite_workers::sqlite_workers(std::size_t threads) {
  m_threads.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) m_threads.emplace_back([this] { work(); });
}

sqlite_workers::~sqlite_workers() {
  {
    const std::lock_guard lock{m_mutex};
    m_stopping = true;
  }
  m_ready.notify_all();
  for (auto& thread : m_threads) thread.join();
}

sqlite_workers& sqlite_workers::of(database_impl& db) {
  const std::lock_guard lock{db.async_mutex};
  if (!db.async) db.async = std::make_unique<sqlite_workers>(db.pool_size());
  return static_cast<sqlite_workers&>(*db.async);
}

void sqlite_workers::submit(async_job& job) {
  {
    const std::lock_guard lock{m_mutex};
    m_jobs.push_back(&job);
  }
  m_ready.notify_one();
}

void sqlite_workers::work() {
  for (;;) {
    async_job* job = nullptr;
    {
      std::unique_lock lock{m_mutex};
      m_ready.wait(lock, [this] { return m_stopping || !m_jobs.empty(); });
      if (m_jobs.empty()) return;
      job = m_jobs.front();
      m_jobs.pop_front();
    }
    enter_scope(job->context.scope);
    session_impl::set_in_async_call(true);
    job->run();
    session_impl::set_in_async_call(false);
    enter_scope(nullptr);
    job->context.loop->post([job] {
      // (The session's end, the last call, ended the session itself.)
      if (async_scope* scope = job->context.scope; scope->session) {
        scope->session->set_call_on_worker(false);
      }
      job_finished(*job);
    });
  }
}

}  // namespace nextorm::detail
