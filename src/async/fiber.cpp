#include "async/fiber.hpp"

#include "async/fiber_context.hpp"

#include <nextorm/async.hpp>
#include <nextorm/errors.hpp>

#include "driver/wait.hpp"
#include "session/session_impl.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <memory>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#define NEXTORM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NEXTORM_ASAN 1
#endif
#endif
#ifdef NEXTORM_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

namespace nextorm::detail {

namespace {

static_assert(io_read == static_cast<io_bits>(driver::io::read) &&
                  io_write == static_cast<io_bits>(driver::io::write) &&
                  io_timeout == static_cast<io_bits>(driver::io::timeout),
              "the reactor's bits are the driver's");

// The stack of a fiber. Deep enough for the deepest query the parser accepts (a nesting of
// 100) under the sanitizers, which triple the frames; pages are only committed when touched,
// so a thousand waiting fibers cost what they use. A guard page below it turns an overflow
// into a fault rather than a write into other memory.
constexpr std::size_t stack_size = std::size_t{1} << 20;
// Fibers kept for reuse per thread once their job is done (a fresh stack costs an mmap, an
// mprotect, a munmap and the faults of its first pages): enough for a pool of 8 sessions each
// awaiting a dozen reads together. A spare one keeps the pages its calls touched (tens of KB).
constexpr std::size_t spare_fibers = 128;

struct fiber {
  fiber_context context;
  fiber_context caller;
  void* mapping = nullptr;  // guard page + stack
  std::size_t mapped = 0;
  async_job* job = nullptr;
  reactor* loop = nullptr;
  void (*done)(async_job& job) = nullptr;
  bool finished = false;
  driver::io waited = driver::io::none;
  // The sanitizer's view of the stacks switched between.
  void* fake_stack = nullptr;
  const void* caller_bottom = nullptr;
  std::size_t caller_size = 0;

  fiber() = default;
  fiber(const fiber&) = delete;
  fiber& operator=(const fiber&) = delete;
  ~fiber() {
    if (mapping != nullptr) ::munmap(mapping, mapped);  // coverage-exempt: a failed mmap
  }
  [[nodiscard]] void* stack_bottom() const noexcept {
    return static_cast<std::byte*>(mapping) + static_cast<std::size_t>(::getpagesize());
  }
};

thread_local fiber* t_running = nullptr;
thread_local std::vector<std::unique_ptr<fiber>> t_spare;

void start_switch(void** fake_stack, const void* bottom, std::size_t size) noexcept {
#ifdef NEXTORM_ASAN
  __sanitizer_start_switch_fiber(fake_stack, bottom, size);
#else
  (void)fake_stack, (void)bottom, (void)size;
#endif
}
void finish_switch(void* fake_stack, const void** bottom, std::size_t* size) noexcept {
#ifdef NEXTORM_ASAN
  __sanitizer_finish_switch_fiber(fake_stack, bottom, size);
#else
  (void)fake_stack, (void)bottom, (void)size;
#endif
}

// From the fiber back to the loop's stack, until the fiber is resumed.
void switch_out(fiber& f) noexcept {
  start_switch(&f.fake_stack, f.caller_bottom, f.caller_size);
  switch_fiber_context(f.context, f.caller);
  finish_switch(f.fake_stack, &f.caller_bottom, &f.caller_size);
}

bool switch_into(fiber& f);

// Goes on with a suspended fiber, on its loop's thread; its job may end there.
void resume(fiber& f) {
  async_job& job = *f.job;
  auto done = f.done;
  if (switch_into(f)) done(job);
}

// The wait of a driver on a fiber: the loop watches the socket, the fiber sleeps until then.
driver::io wait_on_fiber(const driver::wait_request& request) {
  fiber& f = *t_running;
  f.loop->watch(request.socket, static_cast<io_bits>(request.interest), request.timeout,
                [&f](io_bits ready) {
                  f.waited = static_cast<driver::io>(ready);
                  resume(f);
                });
  switch_out(f);
  return f.waited;
}

// A driver's fibers that share a connection (driver::fiber_switch): one suspends until another
// resumes it.
driver::fiber_id running_fiber() noexcept { return t_running; }
void suspend_running() { switch_out(*t_running); }
void resume_soon(driver::fiber_id id) {
  fiber& f = *static_cast<fiber*>(id);
  f.loop->post([&f] { resume(f); });
}
[[maybe_unused]] const bool g_switch_installed = [] {
  driver::install_fiber_switch({running_fiber, suspend_running, resume_soon});
  return true;
}();

void fiber_main() {
  fiber* f = t_running;
  finish_switch(nullptr, &f->caller_bottom, &f->caller_size);
  for (;;) {
    f->job->run();  // keeps its own exception
    f->finished = true;
    switch_out(*f);
    f = t_running;  // (the same fiber, with its next job)
  }
}

std::unique_ptr<fiber> make_fiber() {
  auto f = std::make_unique<fiber>();
  const auto page = static_cast<std::size_t>(::getpagesize());
  f->mapped = stack_size + page;
  f->mapping = ::mmap(nullptr, f->mapped, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (f->mapping == MAP_FAILED) {  // coverage-exempt: address space exhausted
    f->mapping = nullptr;
    throw connection_error("async.no_memory", "cannot map the stack of an async call");
  }
  (void)::mprotect(f->mapping, page, PROT_NONE);
  make_fiber_context(f->context, f->stack_bottom(), stack_size, fiber_main);
  return f;
}

// From the loop into the fiber, until it waits or its job is done; true when done (the fiber
// then goes back to the spares).
bool switch_into(fiber& f) {
  session_impl* const outer = session_impl::exchange_current(nullptr);
  enter_scope(f.job->context.scope);
  const driver::wait_hook outer_hook = driver::exchange_wait_hook(wait_on_fiber);
  fiber* const outer_fiber = std::exchange(t_running, &f);
  session_impl::set_in_async_call(true);
  void* fake_stack = nullptr;
  start_switch(&fake_stack, f.stack_bottom(), stack_size);
  switch_fiber_context(f.caller, f.context);
  finish_switch(fake_stack, nullptr, nullptr);
  t_running = outer_fiber;
  session_impl::set_in_async_call(outer_fiber != nullptr);
  (void)driver::exchange_wait_hook(outer_hook);
  (void)session_impl::exchange_current(outer);
  if (!f.finished) return false;
  f.job = nullptr;
  f.finished = false;
  // The fiber is parked at the end of its loop: reusable for the next job.
  if (t_spare.size() < spare_fibers) {  // coverage-exempt: 128 calls in flight at once
    t_spare.emplace_back(&f);
  } else {
    delete &f;
  }
  return true;
}

}  // namespace

bool run_on_fiber(async_job& job, reactor& loop, void (*done)(async_job& job)) {
  std::unique_ptr<fiber> f;
  if (!t_spare.empty()) {
    f = std::move(t_spare.back());
    t_spare.pop_back();
  } else {
    f = make_fiber();
  }
  f->job = &job;
  f->loop = &loop;
  f->done = done;
  return switch_into(*f.release());
}

}  // namespace nextorm::detail
