#pragma once
// Runs a task on a thread with a 512 MiB stack and rethrows what it threw. The CLI and the
// Python module run every fit this way, so deeply nested input (YAML, formulas with 20,000
// parentheses) meets the parsers' own depth limits, never the operating system's stack.
#include <pthread.h>

#include <exception>
#include <functional>

namespace weft {

inline void run_with_large_stack(const std::function<void()>& task) {
  struct State {
    const std::function<void()>* task;
    std::exception_ptr error;
  } state{&task, nullptr};
  auto body = [](void* p) -> void* {
    auto* s = static_cast<State*>(p);
    try {
      (*s->task)();
    } catch (...) {
      s->error = std::current_exception();
    }
    return nullptr;
  };
  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  pthread_attr_setstacksize(&attributes, std::size_t(512) << 20);
  pthread_t thread;
  const bool started = pthread_create(&thread, &attributes, body, &state) == 0;
  pthread_attr_destroy(&attributes);
  if (started)
    pthread_join(thread, nullptr);
  else
    body(&state);
  if (state.error) std::rethrow_exception(state.error);
}

}  // namespace weft
