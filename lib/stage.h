/*
 * Staging (stage.c): the handler a producer delivers documents and List items to, which
 * converts each into an object kept for one commit, and reports the documents that are
 * not loaded. load.c stages an input with one; a parallel load (load_parallel.c) gives
 * each piece of the input its own and hands the pieces' objects to one in input order.
 */
#ifndef CX_STAGE_H
#define CX_STAGE_H

#include "convert.h"
#include "load.h"

typedef struct cx_stage {
    const cx_alloc *alloc;
    cx_convert_ctx conv;
    cx_arena scratch; /* conv.scratch: objects are built here, then compacted */
    cx_vec objects;   /* contour_object *, in input order: what the input loaded */
    cx_vec items;     /* contour_object *, items of the List document being read */
    cx_vec nested;    /* const cx_node *, List items that are Lists themselves */
} cx_stage;

/* Prepares a stage whose objects come from `source`; `rejected` receives the diagnostics
 * about documents that are not loaded (its budget also counts the objects' warnings).
 * Nothing is allocated yet, and nothing is shared with another stage, so stages may work
 * on several threads at once. The stage must not move until it is released (conv points
 * into it). */
void cx_stage_init(cx_stage *st, const cx_alloc *alloc, const char *default_ns, cx_source *source,
                   cx_diag_sink rejected);
/* The handler to give a producer. */
cx_doc_handler cx_stage_handler(cx_stage *st);
/* After the producer read the whole input: drops the items of a List left open at its end. */
void cx_stage_finish(cx_stage *st);
/* Frees the staged objects (those not taken out of st->objects) and everything else. */
void cx_stage_release(cx_stage *st);

/*
 * Reads a YAML input of at least min_bytes on up to `threads` threads (load_parallel.c):
 * splits it at document boundaries, reads the pieces at once, each into its own stage and
 * diagnostic list, and appends their objects to `into` and their diagnostics to
 * `diags` in input order — exactly what one cx_yaml_parse() into `into`, with `diags` as
 * its sink and a budget of `budget_limit` diagnostics, gives. Sets *done when it read the
 * input; when it did not (one thread, a small input, no place to split, or an input whose
 * equivalence it cannot show), nothing was added and the caller reads it on one thread.
 * Returns CX_RC_OK or CX_RC_NOMEM (then what was appended is the caller's to roll back).
 */
cx_rc cx_stage_yaml_parallel(cx_stage *into, const cx_limits *limits, cx_diag_sink diags,
                             size_t budget_limit, uint32_t threads, uint64_t min_bytes,
                             const char *data, size_t len, bool *done);

#endif
