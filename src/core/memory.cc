#include "core/memory.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace freshwatch::core {

void tune_allocator() {
#if defined(__GLIBC__)
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  mallopt(M_ARENA_MAX, 2);
#endif
}

void return_free_memory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

}  // namespace freshwatch::core
