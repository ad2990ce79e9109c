// STREAM-like memory bandwidth of this machine (issue 16's bandwidth-limit model).
// Build: g++ -O3 -march=native -fopenmp bench/bandwidth/triad.cpp -o /tmp/triad
// Run:   /tmp/triad [MiB per array, default 256] [repeats, default 10]
// Prints the best rate of copy (a = b), scale (a = s b), add (a = b + c) and triad
// (a = b + s c) over the repeats, counting the bytes read and written (STREAM's convention:
// no write-allocate traffic counted), with all OpenMP threads and with one.
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

template <class Kernel>
double best_rate(std::size_t n, int repeats, double bytes_per_element, Kernel&& kernel) {
  double best = 0;
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    kernel();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = std::max(best, bytes_per_element * double(n) / s / 1e9);
  }
  return best;
}

void run(std::size_t n, int repeats, int threads) {
  omp_set_num_threads(threads);
  std::vector<double> a(n), b(n), c(n);
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < n; ++i) a[i] = 1.0, b[i] = 2.0, c[i] = 0.5;  // first touch
  const double s = 3.0;
  double* pa = a.data();
  const double* pb = b.data();
  const double* pc = c.data();
  const auto copy = best_rate(n, repeats, 16, [&] {
#pragma omp parallel for schedule(static)
    for (std::size_t i = 0; i < n; ++i) pa[i] = pb[i];
  });
  const auto scale = best_rate(n, repeats, 16, [&] {
#pragma omp parallel for schedule(static)
    for (std::size_t i = 0; i < n; ++i) pa[i] = s * pb[i];
  });
  const auto add = best_rate(n, repeats, 24, [&] {
#pragma omp parallel for schedule(static)
    for (std::size_t i = 0; i < n; ++i) pa[i] = pb[i] + pc[i];
  });
  const auto triad = best_rate(n, repeats, 24, [&] {
#pragma omp parallel for schedule(static)
    for (std::size_t i = 0; i < n; ++i) pa[i] = pb[i] + s * pc[i];
  });
  // a read-only pass (a sum), the pattern of most of a PIRLS pass's inputs
  double sum = 0;
  const auto read = best_rate(n, repeats, 8, [&] {
    double t = 0;
#pragma omp parallel for schedule(static) reduction(+ : t)
    for (std::size_t i = 0; i < n; ++i) t += pb[i];
    sum += t;
  });
  std::printf("threads %d: copy %.1f GB/s, scale %.1f GB/s, add %.1f GB/s, triad %.1f GB/s, read %.1f GB/s (%g)\n",
              threads, copy, scale, add, triad, read, sum > 0 ? 1.0 : 0.0);
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t mib = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 256;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 10;
  const std::size_t n = mib * (std::size_t(1) << 20) / sizeof(double);
  std::printf("3 arrays of %zu MiB (%zu doubles each), best of %d\n", mib, n, repeats);
  run(n, repeats, omp_get_max_threads());
  run(n, repeats, 1);
}
