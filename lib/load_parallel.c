/*
 * Reading one large YAML input on several threads (contour_config_set_threads()).
 *
 * The input is split at `---` lines into pieces of similar size (cx_yaml_split), four per
 * thread, and the threads (this one too) take the pieces in turn; each piece is read with
 * its own libyaml parser, builder, stage and diagnostic list (cx_yaml_parse_piece). A
 * piece's reading goes on past its end until it reaches the start of a later piece in a
 * state that a reading started there has too; the pieces in between are then read by it
 * and their own readings are thrown away. So the pieces whose readings are kept cover the
 * input once, and each was read as one reading of the whole input reads it — the
 * documents, their events, positions, errors and recovery are the same.
 *
 * What the reading of a piece cannot know of the input before it is assumed: no document
 * before it (the documents limit), a manifest before it (whether a message may quote
 * input bytes), and the whole diagnostic budget. Once the threads are joined, the pieces
 * are taken in input order with the true state of the input before each: a piece whose
 * result could depend on a wrong assumption (its documents or diagnostics pass what is
 * left of a limit, a message depended on a wrong guess) is read again, on this thread,
 * with the true state — rarely, and then only that piece. Then the kept pieces'
 * diagnostics and objects are appended in input order: the same lists one reading makes.
 *
 * Two things cannot be checked that way and make the whole input be read on one thread:
 * a piece that read a scalar or comment near the scalar limit (how far libyaml has read
 * ahead when the limit is checked depends on where its parser started), and an error at
 * the very start of a piece's own first line (see cx_yaml_parse_piece).
 *
 * Threads share the snapshot's allocator (documented on contour_config_set_threads) and
 * the source, whose reference count is atomic; each piece's stage keeps its objects'
 * namespaces in its own scratch memory, so nothing else is shared while they read.
 */
#include "stage.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

/* Pieces per thread: threads take the next piece as they finish one, so a thread slowed
 * down (another process on its core, denser documents) leaves its work to the others. */
enum { PIECES_PER_THREAD = 4 };

/* What the input says before a piece: the state its reading assumes or is given. */
typedef struct before {
    uint64_t docs;              /* documents and List items */
    bool manifest;              /* a document was a manifest */
    size_t left;                /* diagnostics the budget may still record */
    contour_diagnostic *notice; /* the budget's notice, once spent */
} before;

typedef struct piece_run piece_run;

typedef struct shared {
    const char *data;
    size_t len;
    const cx_limits *limits;
    cx_stage *into; /* where kept pieces go; the pieces share its settings (allocator, ...) */
    size_t budget_limit;
    size_t npieces;
    size_t *starts; /* npieces: where each piece starts (0 first) */
    uint64_t *lines;
    piece_run *runs;
    atomic_size_t next; /* the next piece to read */
} shared;

struct piece_run {
    shared *sh;
    size_t index;
    cx_stage stage;
    cx_arena arena; /* the piece's diagnostics */
    cx_diag_list diags;
    cx_diag_budget budget;
    before assumed; /* what the reading was given */
    cx_yaml_piece piece;
    cx_rc rc;
    bool ran;
};

/* Prepares a piece's reading with the given state of the input before it. */
static void piece_prepare(piece_run *p, const before *b)
{
    const shared *sh = p->sh;
    const cx_stage *into = sh->into;
    p->assumed = *b;
    cx_arena_init(&p->arena, into->alloc, 0);
    memset(&p->diags, 0, sizeof p->diags);
    /* The piece's diagnostics live in its own arena (no shared owner) until they are
     * copied to the source's. */
    p->budget = (cx_diag_budget){b->left, sh->budget_limit, &p->arena, &p->diags, NULL, b->notice};
    cx_diag_sink sink = {&p->arena, &p->diags, &p->budget, NULL};
    cx_stage_init(&p->stage, into->alloc, into->conv.default_ns, into->conv.source, sink);
    memset(&p->piece, 0, sizeof p->piece);
    p->piece.start = sh->starts[p->index];
    p->piece.start_line = sh->lines[p->index];
    p->piece.stops = sh->starts + p->index + 1;
    p->piece.stop_lines = sh->lines + p->index + 1;
    p->piece.nstops = sh->npieces - p->index - 1;
    p->piece.docs_before = b->docs;
    p->piece.manifest_before = b->manifest;
    p->rc = CX_RC_OK;
    p->ran = false;
}

static void piece_discard(piece_run *p)
{
    cx_stage_release(&p->stage);
    cx_arena_release(&p->arena);
    memset(&p->diags, 0, sizeof p->diags);
}

static void piece_read(piece_run *p)
{
    const shared *sh = p->sh;
    cx_load_ctx ctx = {p->stage.alloc, sh->limits, p->stage.conv.source->name,
                       p->stage.conv.rejected, cx_stage_handler(&p->stage)};
    p->rc = cx_yaml_parse_piece(&ctx, sh->data, sh->len, &p->piece);
    p->ran = true;
}

/* Reads pieces, in order, until none is left. */
static void *read_pieces(void *arg)
{
    shared *sh = arg;
    for (;;) {
        size_t i = atomic_fetch_add(&sh->next, 1);
        if (i >= sh->npieces)
            return NULL;
        piece_read(&sh->runs[i]);
    }
}

static uint64_t sat_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* Whether a piece's reading is the one it gets with the true state `b` of the input
 * before it. */
static bool reading_holds(const piece_run *p, const before *b, const cx_limits *limits)
{
    const cx_yaml_piece *y = &p->piece;
    const before *a = &p->assumed;
    if (!p->ran)
        return false;
    /* The documents limit: passed in neither reading, or given exactly. */
    uint64_t own_docs = y->docs - y->docs_before;
    if (a->docs != b->docs && sat_add(b->docs, own_docs) > limits->v[CONTOUR_LIMIT_DOCUMENTS])
        return false;
    if (y->manifest_used && a->manifest != b->manifest)
        return false;
    /* The budget: every diagnostic recorded in both, or given exactly. */
    size_t spent = a->left - p->budget.left;
    if ((a->left != b->left || a->notice != b->notice) && (p->budget.notice || spent > b->left))
        return false;
    return true;
}

/* The state after a piece whose reading holds, from the state before it. */
static void advance(before *b, const piece_run *p)
{
    const cx_yaml_piece *y = &p->piece;
    b->docs = sat_add(b->docs, y->docs - y->docs_before);
    b->manifest = b->manifest || y->manifest_seen;
    b->left -= p->assumed.left - p->budget.left;
    if (p->budget.notice)
        b->notice = p->budget.notice;
}

static bool doubtful(const piece_run *p, const cx_limits *limits)
{
    return p->piece.doubt || p->piece.window_peak > limits->v[CONTOUR_LIMIT_SCALAR_BYTES];
}

/* Appends a kept piece's diagnostics and objects. */
static cx_rc keep(cx_stage *into, cx_diag_sink diags, piece_run *p)
{
    for (const contour_diagnostic *d = p->diags.head; d; d = d->next) {
        if (!cx_diag_copy(diags, d, d->file))
            return CX_RC_NOMEM;
    }
    cx_vec *objects = &p->stage.objects;
    if (!cx_vec_reserve(&into->objects, objects->len))
        return CX_RC_NOMEM;
    for (size_t i = 0; i < objects->len; i++)
        cx_vec_push(&into->objects, cx_vec_at(objects, i));
    objects->len = 0; /* `into` owns them now */
    return CX_RC_OK;
}

/* Decides which readings are kept, reading pieces again where needed; kept[] lists them
 * in order. Returns CX_RC_STOP when the input must be read on one thread instead. */
static cx_rc choose(shared *sh, piece_run *runs, size_t *kept, size_t *nkept)
{
    for (size_t i = 0; i < sh->npieces; i++) {
        if (runs[i].ran && doubtful(&runs[i], sh->limits))
            return CX_RC_STOP;
    }
    before b = {0, false, sh->budget_limit, NULL};
    *nkept = 0;
    size_t i = 0;
    while (i < sh->npieces) {
        piece_run *p = &runs[i];
        if (!reading_holds(p, &b, sh->limits)) {
            piece_discard(p);
            piece_prepare(p, &b);
            piece_read(p);
            if (p->rc == CX_RC_OK && doubtful(p, sh->limits))
                return CX_RC_STOP;
        }
        if (p->rc != CX_RC_OK)
            return p->rc;
        kept[(*nkept)++] = i;
        advance(&b, p);
        if (p->piece.input_stopped)
            break;
        i += 1 + p->piece.stopped_at;
    }
    return CX_RC_OK;
}

/* Reads the pieces starting at starts[0..npieces) (lines: their line numbers) with one
 * reading each, all at once, and keeps what holds; runs and kept have npieces entries. */
static cx_rc read_in_pieces(shared *sh, pthread_t *threads, size_t nthreads, size_t *kept,
                            cx_diag_sink diags, bool *done)
{
    piece_run *runs = sh->runs;
    /* Every piece but the first assumes a manifest before it: inputs this large are
     * manifests from their first document, and the assumption only matters for a message
     * about a bad byte in a piece before its own first manifest. */
    for (size_t i = 0; i < sh->npieces; i++) {
        runs[i].sh = sh;
        runs[i].index = i;
        before b = {0, i > 0, sh->budget_limit, NULL};
        piece_prepare(&runs[i], &b);
    }
    /* This thread reads too, and whatever threads could not be started would have. */
    size_t started = 0;
    while (started + 1 < nthreads && started + 1 < sh->npieces &&
           pthread_create(&threads[started], NULL, read_pieces, sh) == 0)
        started++;
    read_pieces(sh);
    for (size_t i = 0; i < started; i++)
        pthread_join(threads[i], NULL);

    size_t nkept = 0;
    cx_rc rc = choose(sh, runs, kept, &nkept);
    if (rc == CX_RC_OK) {
        for (size_t k = 0; k < nkept && rc == CX_RC_OK; k++)
            rc = keep(sh->into, diags, &runs[kept[k]]);
        *done = true;
    } else if (rc == CX_RC_STOP) {
        rc = CX_RC_OK; /* read on one thread by the caller */
    }
    for (size_t i = 0; i < sh->npieces; i++)
        piece_discard(&runs[i]);
    return rc;
}

cx_rc cx_stage_yaml_parallel(cx_stage *into, const cx_limits *limits, cx_diag_sink diags,
                             size_t budget_limit, uint32_t threads, uint64_t min_bytes,
                             const char *data, size_t len, bool *done)
{
    *done = false;
    if (threads < 2 || len < min_bytes || len == 0)
        return CX_RC_OK;
    const cx_alloc *a = into->alloc;
    size_t want;
    if (!cx_size_mul(threads, PIECES_PER_THREAD, &want))
        return CX_RC_NOMEM;
    size_t *starts = cx_calloc(a, want, sizeof *starts);
    uint64_t *lines = cx_calloc(a, want, sizeof *lines);
    size_t *kept = cx_calloc(a, want, sizeof *kept);
    piece_run *runs = cx_calloc(a, want, sizeof *runs);
    pthread_t *workers = cx_calloc(a, threads, sizeof *workers);
    cx_rc rc = CX_RC_OK;
    if (!starts || !lines || !kept || !runs || !workers) {
        rc = CX_RC_NOMEM;
    } else {
        size_t splits = cx_yaml_split(data, len, want, starts + 1, lines + 1);
        shared sh = {.data = data,
                     .len = len,
                     .limits = limits,
                     .into = into,
                     .budget_limit = budget_limit,
                     .npieces = splits + 1,
                     .starts = starts,
                     .lines = lines,
                     .runs = runs};
        atomic_init(&sh.next, 0);
        if (splits)
            rc = read_in_pieces(&sh, workers, threads, kept, diags, done);
    }
    cx_free(a, starts);
    cx_free(a, lines);
    cx_free(a, kept);
    cx_free(a, runs);
    cx_free(a, workers);
    return rc;
}
