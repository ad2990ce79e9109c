/* What first touching fresh memory costs on this machine (issue 16: the system time left).
   Build: gcc -O2 bench/bandwidth/first_touch.c -o /tmp/first_touch
   Run:   /usr/bin/time -v /tmp/first_touch 600        (MB, 4 KiB pages)
          /usr/bin/time -v /tmp/first_touch 600 huge   (madvise(MADV_HUGEPAGE) first)
   Writes one byte per 4 KiB page of an anonymous mapping; compare system time and minor
   faults with and without huge pages. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

int main(int argc, char** argv) {
  const size_t bytes = (size_t)atol(argc > 1 ? argv[1] : "600") << 20;
  char* p = mmap(0, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return 1;
  if (argc > 2) madvise(p, bytes, MADV_HUGEPAGE);
  for (size_t i = 0; i < bytes; i += 4096) p[i] = 1;
  printf("touched %zu MB (%d)\n", bytes >> 20, p[bytes / 2]);
  return 0;
}
