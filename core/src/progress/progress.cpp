#include "progress/progress.hpp"

#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace weft::progress {

namespace {

thread_local Monitor* tl_monitor = nullptr;
thread_local Task* tl_innermost = nullptr;

constexpr double kRedrawSeconds = 0.1;
constexpr int kBarWidth = 24;

bool ci_environment() {
  const char* ci = std::getenv("CI");
  return ci && *ci && std::strcmp(ci, "false") != 0 && std::strcmp(ci, "0") != 0;
}

std::string seconds_text(double s) {
  char buffer[32];
  if (s < 60) std::snprintf(buffer, sizeof buffer, "%.1f s", s);
  else std::snprintf(buffer, sizeof buffer, "%d min %02d s", int(s / 60), int(s) % 60);
  return buffer;
}

}  // namespace

Settings Settings::for_stream(std::FILE* stream, Verbosity verbosity) {
  Settings s;
  s.verbosity = verbosity;
  s.stream = stream;
  const char* term = std::getenv("TERM");
  s.terminal = stream && isatty(fileno(stream)) && !ci_environment() && !(term && std::strcmp(term, "dumb") == 0);
  if (const char* delay = std::getenv("WEFT_PROGRESS_DELAY")) {
    char* end = nullptr;
    const double d = std::strtod(delay, &end);
    if (end != delay && d >= 0) s.bar_delay = d;
  }
  return s;
}

void Monitor::trace(std::string_view line) {
  if (!tracing()) return;
  std::lock_guard lock(mutex_);
  if (shown_) std::fputs("\r\033[K", settings_.stream);  // the bar is redrawn at its next step
  shown_ = nullptr;
  std::fwrite(line.data(), 1, line.size(), settings_.stream);
  std::fputc('\n', settings_.stream);
  std::fflush(settings_.stream);
}

void Monitor::draw(const Task& task, bool force) {
  if (!bars()) return;
  const auto now = std::chrono::steady_clock::now();
  if (std::chrono::duration<double>(now - task.started_).count() < settings_.bar_delay) return;
  std::lock_guard lock(mutex_);
  if (!force && shown_ == &task && std::chrono::duration<double>(now - task.drawn_).count() < kRedrawSeconds) return;
  const_cast<Task&>(task).drawn_ = now;
  shown_ = &task;
  const std::string text = task.bar_text();
  std::fputs("\r\033[K", settings_.stream);
  std::fwrite(text.data(), 1, text.size(), settings_.stream);
  std::fflush(settings_.stream);
}

void Monitor::erase(const Task& task) {
  std::lock_guard lock(mutex_);
  if (shown_ != &task) return;
  std::fputs("\r\033[K", settings_.stream);
  std::fflush(settings_.stream);
  shown_ = nullptr;
}

Task::Task(Monitor* monitor, std::string label, std::size_t total)
    : monitor_(monitor), label_(std::move(label)), total_(total), started_(std::chrono::steady_clock::now()) {
  if (!monitor_) return;
  outer_ = tl_innermost;
  tl_innermost = this;
}

Task::~Task() {
  if (!monitor_) return;
  if (tl_innermost == this) tl_innermost = outer_;
  monitor_->erase(*this);
}

void Task::advance(std::size_t steps, std::string_view status) {
  if (!monitor_) return;
  done_ += steps;
  if (!status.empty()) {
    std::lock_guard lock(monitor_->mutex_);
    status_.assign(status);
  }
  monitor_->draw(*this, false);
}

std::string Task::bar_text() const {
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  const std::size_t done = done_.load();
  std::string line = label_ + " ";
  if (total_ > 0) {
    const double fraction = std::min(1.0, double(done) / double(total_));
    const int filled = int(fraction * kBarWidth + 0.5);
    line += "[" + std::string(std::size_t(filled), '#') + std::string(std::size_t(kBarWidth - filled), '-') + "] " +
            std::to_string(done) + "/" + std::to_string(total_) + "  " + seconds_text(elapsed);
    if (done > 0 && done < total_) line += ", about " + seconds_text(elapsed / double(done) * double(total_ - done)) + " left";
  } else {
    static const char spinner[] = "|/-\\";
    line += "[" + std::string(1, spinner[done % 4]) + "] " + std::to_string(done) + " steps  " + seconds_text(elapsed);
  }
  if (!status_.empty()) line += "  " + status_;
  return line;
}

Monitor* current() { return tl_monitor; }

Scope::Scope(Monitor* monitor) : previous_(tl_monitor) { tl_monitor = monitor; }
Scope::~Scope() { tl_monitor = previous_; }

void trace(std::string_view line) {
  if (tl_monitor) tl_monitor->trace(line);
}

bool tracing() { return tl_monitor && tl_monitor->tracing(); }

void advance_current(std::string_view status) {
  if (tl_innermost) tl_innermost->advance(1, status);
}

}  // namespace weft::progress
