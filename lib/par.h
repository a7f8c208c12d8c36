/*
 * Running a loop on several threads: blocks of [0, n) are taken in turn by `threads`
 * workers (the calling thread is worker 0), so a worker that another process slows down
 * leaves its share to the others. Used where each index's work is independent and writes
 * only its own slots (resolution's object results, units and statuses); the caller then
 * assembles the slots in order, so the result never depends on the number of threads.
 */
#ifndef CX_PAR_H
#define CX_PAR_H

#include <stdbool.h>
#include <stddef.h>

/* fn(ctx, begin, end, worker) handles [begin, end). Returns false when fn asked to stop
 * (by returning false). With one thread, or when threads cannot be started, the loop runs
 * on the calling thread alone (same result). */
bool cx_par_for(unsigned threads, size_t n, size_t block,
                bool (*fn)(void *ctx, size_t begin, size_t end, unsigned worker), void *ctx);

#endif
