/* What first touching fresh memory costs on this machine (issue 16: the system time left).
   Build: gcc -O2 bench/bandwidth/first_touch.c -o /tmp/first_touch
   Run:   /usr/bin/time -v /tmp/first_touch 600           (MB, 4 KiB pages)
          /usr/bin/time -v /tmp/first_touch 600 huge      (madvise(MADV_HUGEPAGE) first)
          /tmp/first_touch 600 populate                   (MAP_POPULATE, then the same loop)
   Writes one byte per 4 KiB page of an anonymous mapping, then again; compare system time and
   minor faults with and without huge pages. With `populate` the kernel builds the page tables
   and zeroes the pages before the loop: if the first loop still costs most of the time, the
   cost is outside the guest kernel (the hypervisor's own mapping of each page, e.g. shadow
   page tables), paid once per new page of the process, whatever the guest does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

static double seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char** argv) {
  const size_t bytes = (size_t)atol(argc > 1 ? argv[1] : "600") << 20;
  const int populate = argc > 2 && strcmp(argv[2], "populate") == 0;
  const double start = seconds();
  char* p = mmap(0, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | (populate ? MAP_POPULATE : 0), -1, 0);
  if (p == MAP_FAILED) return 1;
  if (argc > 2 && !populate) madvise(p, bytes, MADV_HUGEPAGE);
  const double mapped = seconds();
  for (size_t i = 0; i < bytes; i += 4096) p[i] = 1;
  const double first = seconds();
  for (size_t i = 0; i < bytes; i += 4096) p[i] = 2;
  const double second = seconds();
  printf("%zu MB: mmap%s %.3f s, first touch %.3f s, second touch %.3f s (%d)\n", bytes >> 20,
         populate ? " + populate" : "", mapped - start, first - mapped, second - first, p[bytes / 2]);
  return 0;
}
