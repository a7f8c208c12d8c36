#include "par.h"

#include <pthread.h>
#include <stdatomic.h>

#define CX_PAR_MAX 64

typedef struct job {
    size_t n, block;
    bool (*fn)(void *ctx, size_t begin, size_t end, unsigned worker);
    void *ctx;
    atomic_size_t next;
    atomic_bool stop;
} job;

typedef struct worker {
    job *j;
    unsigned id;
} worker;

static void run(job *j, unsigned id)
{
    while (!atomic_load_explicit(&j->stop, memory_order_relaxed)) {
        size_t begin = atomic_fetch_add_explicit(&j->next, j->block, memory_order_relaxed);
        if (begin >= j->n)
            break;
        size_t end = j->n - begin < j->block ? j->n : begin + j->block;
        if (!j->fn(j->ctx, begin, end, id))
            atomic_store_explicit(&j->stop, true, memory_order_relaxed);
    }
}

static void *thread_main(void *arg)
{
    worker *w = arg;
    run(w->j, w->id);
    return NULL;
}

bool cx_par_for(unsigned threads, size_t n, size_t block,
                bool (*fn)(void *ctx, size_t begin, size_t end, unsigned worker), void *ctx)
{
    job j = {n, block ? block : 1, fn, ctx, 0, false};
    if (threads > CX_PAR_MAX)
        threads = CX_PAR_MAX;
    /* No more workers than blocks: a thread costs more than a small block. */
    size_t blocks = n / j.block + (n % j.block != 0);
    if (threads > blocks)
        threads = blocks ? (unsigned)blocks : 1;
    pthread_t tid[CX_PAR_MAX];
    worker ws[CX_PAR_MAX];
    unsigned started = 0;
    for (unsigned i = 1; i < threads; i++) {
        ws[i] = (worker){&j, i};
        if (pthread_create(&tid[started], NULL, thread_main, &ws[i]) != 0)
            break; /* fewer workers: the others take their share */
        started++;
    }
    run(&j, 0);
    for (unsigned i = 0; i < started; i++)
        pthread_join(tid[i], NULL);
    return !atomic_load(&j.stop);
}
