#pragma once
// Progress for people: a per-iteration trace (`--verbose`, lme4's `verbose`) and progress bars
// for long work (fits, profiles, bootstraps, MPI runs), silenced by `--quiet`.
//
//   progress::Monitor monitor(progress::Settings::for_stream(stderr, verbosity));
//   progress::Scope scope(&monitor);                  // this thread reports to `monitor`
//   progress::Task task(progress::current(), "bootstrap", nsim);
//   ... task.advance(1, "replicate 17");              // from any thread
//   progress::trace("iteration 3: ...");               // printed with --verbose only
//
// Bars are drawn only where the stream is a terminal (isatty) and the environment is not CI
// (the CI variable), and only once the task has run for `bar_delay` seconds (2 s): a pipe, a
// file, a CI log and a quick fit never see one. A bar is one line redrawn in place (at most
// 10 times a second) and erased when its task ends. Code without a Monitor (the Python module,
// worker threads) reports to nothing: current() is null and every call is a no-op.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace weft::progress {

enum class Verbosity { Quiet, Normal, Verbose };

struct Settings {
  Verbosity verbosity = Verbosity::Normal;
  bool terminal = false;   // bars allowed: the stream is a terminal and this is not CI
  double bar_delay = 2.0;  // seconds a task runs before its bar appears
  std::FILE* stream = stderr;

  // terminal = isatty(stream) and CI unset (or "false"/"0") and TERM is not "dumb";
  // WEFT_PROGRESS_DELAY (seconds) overrides bar_delay (for tests).
  static Settings for_stream(std::FILE* stream, Verbosity verbosity);
};

class Task;

class Monitor {
 public:
  explicit Monitor(Settings settings) : settings_(settings) {}
  Monitor(const Monitor&) = delete;
  Monitor& operator=(const Monitor&) = delete;

  const Settings& settings() const { return settings_; }
  bool tracing() const { return settings_.verbosity == Verbosity::Verbose; }
  bool bars() const { return settings_.terminal && settings_.verbosity != Verbosity::Quiet; }
  // One line of the trace (verbose only), above any bar.
  void trace(std::string_view line);
  // A counter for trace lines (evaluations over a whole fit, across its stages).
  long next_count() { return ++count_; }

 private:
  friend class Task;
  void draw(const Task& task, bool force);
  void erase(const Task& task);

  Settings settings_;
  std::mutex mutex_;
  const Task* shown_ = nullptr;  // the task whose bar is on screen
  std::atomic<long> count_{0};
};

// A unit of long work, shown as a bar once it has run for bar_delay. total = 0: open-ended
// (the bar shows the count, the time and the status instead of a fraction). Nested tasks of one
// thread: advance_current() moves the innermost.
class Task {
 public:
  Task(Monitor* monitor, std::string label, std::size_t total = 0);
  ~Task();
  Task(const Task&) = delete;
  Task& operator=(const Task&) = delete;

  // Thread-safe. `status`: a short text shown after the count (e.g. "deviance 184.05").
  void advance(std::size_t steps = 1, std::string_view status = {});
  std::string bar_text() const;  // the line as drawn (tests)

 private:
  friend class Monitor;
  Monitor* monitor_;
  std::string label_;
  std::size_t total_;
  std::atomic<std::size_t> done_{0};
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point drawn_{};
  std::string status_;  // guarded by the monitor's mutex
  Task* outer_ = nullptr;
};

// The monitor this thread reports to (null: silent).
Monitor* current();

// Installs a monitor for this thread while it lives (restores the previous one).
class Scope {
 public:
  explicit Scope(Monitor* monitor);
  ~Scope();
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

 private:
  Monitor* previous_;
};

// With this thread's monitor, if any: a trace line (verbose only), and one step of the
// innermost task of this thread.
void trace(std::string_view line);
bool tracing();
void advance_current(std::string_view status = {});

}  // namespace weft::progress
