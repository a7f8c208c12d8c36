/* Diagnostics as records in their owner's arena, chained in lists. The public type
 * contour_diagnostic is this struct; its accessors live in diag.c. */
#ifndef CX_DIAG_H
#define CX_DIAG_H

#include "arena.h"
#include "contour/common.h"
#include "contour/diagnostic.h"

/* Severities are 0 .. CX_SEVERITY_COUNT-1 (contour_severity). */
#define CX_SEVERITY_COUNT 3

/* A position in a source: 1-based line and column (code points); 0 = unknown. */
typedef struct cx_pos {
    uint32_t line;
    uint32_t col;
} cx_pos;

struct contour_diagnostic {
    struct contour_diagnostic *next;
    const struct cx_shared *owner; /* the block the record lives in (rc.h), when it is shared */
    const char *code;              /* static string */
    const char *message;           /* owner's arena */
    const char *file;              /* source name, outlives the diagnostic */
    const char *field;             /* owner's arena, or NULL */
    const char *obj_ns;            /* or NULL */
    const char *obj_name;
    cx_pos pos;
    uint8_t severity; /* contour_severity */
    uint8_t obj_kind; /* contour_kind */
};

typedef struct cx_diag_list {
    contour_diagnostic *head;
    contour_diagnostic *tail;
    size_t count;
} cx_diag_list;

/* A cap on the diagnostics one input may add (see cx_diag_add). Once `left` is spent, the
 * next diagnostic becomes one "limit-diagnostics" record (the notice) in `notice_arena` /
 * `notice_list`, at that diagnostic's place; later ones are only counted, raising the
 * notice's severity to the highest of those not recorded. So an input with millions of
 * problems costs bounded memory, and still says where reporting stopped. */
typedef struct cx_diag_budget {
    size_t left;  /* diagnostics that may still be recorded */
    size_t limit; /* the cap, for the notice's message */
    cx_arena *notice_arena;
    cx_diag_list *notice_list;
    const struct cx_shared *notice_owner;
    contour_diagnostic *notice; /* once the budget is spent */
} cx_diag_budget;

/* Where new diagnostics go: records and strings in `arena`, appended to `list`, counted
 * against `budget` (NULL: no cap). */
typedef struct cx_diag_sink {
    cx_arena *arena;
    cx_diag_list *list;
    cx_diag_budget *budget;
    const struct cx_shared *owner; /* the shared block `arena` belongs to, or NULL */
} cx_diag_sink;

/* The object a diagnostic is about (all NULL/0 when none). */
typedef struct cx_objref {
    contour_kind kind;
    const char *ns;
    const char *name;
} cx_objref;

/* Appends a diagnostic. message/field are copied into the sink's arena; file and code are
 * kept by pointer. Returns NULL on OOM (nothing appended). When the sink's budget is spent
 * the diagnostic is not appended (see cx_diag_budget) and the notice is returned: callers
 * only test for NULL. */
contour_diagnostic *cx_diag_add(cx_diag_sink sink, contour_severity severity, const char *code,
                                const char *file, cx_pos pos, cx_objref obj, const char *field,
                                const char *message, size_t message_len);

/* Copies a diagnostic into another arena (strings included, except code; file is re-pointed
 * to `file`, which must outlive the copy). Returns NULL on OOM. */
contour_diagnostic *cx_diag_copy(cx_diag_sink sink, const contour_diagnostic *d, const char *file);

/* Total order used everywhere diagnostics are listed: file, line, column, then severity
 * (errors first), code, message, object and field. */
int cx_diag_compare(const contour_diagnostic *a, const contour_diagnostic *b);
/* qsort adapter over arrays of `const contour_diagnostic *`. */
int cx_diag_ptr_compare(const void *a, const void *b);

#endif
