// Memory: how freshwatch asks the C library's allocator to keep its footprint close to what is
// live. A long-running `serve` rebuilds large, short-lived blocks (a snapshot of 100,000 assets
// and its indexes) every minute; glibc's default of raising its mmap threshold after the first
// large free, and one arena per thread, turn those into heap that grows and is never returned.
//
// Thread contract: tune_allocator() once at start, before other threads; return_free_memory()
// from any thread.
#pragma once

namespace freshwatch::core {

// Fixes the mmap threshold (blocks of 256 kB and more are mapped, and unmapped when freed) and
// limits the allocator to two arenas. A no-op where the C library is not glibc.
void tune_allocator();

// Hands memory the allocator holds free back to the system (glibc's malloc_trim).
void return_free_memory();

}  // namespace freshwatch::core
