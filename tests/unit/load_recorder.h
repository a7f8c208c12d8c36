/*
 * Test helper for the producers and the builder (test_tree, test_yaml, test_json): runs
 * cx_yaml_parse / cx_json_parse with a handler that renders every delivered document and
 * List item as compact text, and records the sink's diagnostics as "code@line:col".
 *
 * Rendering: maps {k:v,...}, sequences [a,...], a streamed `items` list [~streamed~].
 * Scalars by tag: plain as written, "quoted" for STR, i:12 INT, f:1.5 FLOAT, b:true BOOL,
 * n:null NULL; control characters and NUL escaped (\n, \t, \0, \xNN). With `with_pos`,
 * every node is followed by @line:col.
 * Log lines: "doc TREE", "doc - kind=K" (no root), "item TREE", each followed by
 * " !code@line:col" when a pending error came with it; lines end with '\n'.
 *
 * Header-only (static functions) because every unit test is its own executable.
 */
#ifndef LOAD_RECORDER_H
#define LOAD_RECORDER_H

#include "testutil.h"

#include "load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REC_UNUSED __attribute__((unused))

typedef struct rec_buf {
    char *s;
    size_t len, cap;
} rec_buf;

/* An allocator that counts (live and peak bytes, largest block) and can fail the n-th
 * allocation, for memory bounds and out-of-memory paths. Blocks carry a size header. */
typedef struct rec_alloc_state {
    size_t live, peak, largest;
    size_t calls;   /* malloc and realloc calls so far */
    size_t fail_at; /* fail the call with this number (1-based); 0 = never */
    size_t failed;  /* calls that failed */
} rec_alloc_state;

#define REC_HDR 16

static REC_UNUSED void *rec_alloc_malloc(size_t size, void *ud)
{
    rec_alloc_state *st = ud;
    if (++st->calls == st->fail_at || size > SIZE_MAX - REC_HDR) {
        st->failed++;
        return NULL;
    }
    unsigned char *p = malloc(size + REC_HDR);
    if (!p)
        return NULL;
    memcpy(p, &size, sizeof size);
    st->live += size;
    if (st->live > st->peak)
        st->peak = st->live;
    if (size > st->largest)
        st->largest = size;
    return p + REC_HDR;
}

static REC_UNUSED void rec_alloc_free(void *ptr, void *ud)
{
    rec_alloc_state *st = ud;
    if (!ptr)
        return;
    unsigned char *p = (unsigned char *)ptr - REC_HDR;
    size_t size;
    memcpy(&size, p, sizeof size);
    st->live -= size;
    free(p);
}

static REC_UNUSED void *rec_alloc_realloc(void *ptr, size_t size, void *ud)
{
    rec_alloc_state *st = ud;
    if (!ptr)
        return rec_alloc_malloc(size, ud);
    if (++st->calls == st->fail_at || size > SIZE_MAX - REC_HDR) {
        st->failed++;
        return NULL;
    }
    unsigned char *p = (unsigned char *)ptr - REC_HDR;
    size_t old;
    memcpy(&old, p, sizeof old);
    unsigned char *q = realloc(p, size + REC_HDR);
    if (!q)
        return NULL;
    memcpy(q, &size, sizeof size);
    st->live = st->live - old + size;
    if (st->live > st->peak)
        st->peak = st->live;
    if (size > st->largest)
        st->largest = size;
    return q + REC_HDR;
}

typedef struct rec {
    cx_limits limits;
    /* The allocator the producers get: counting, and failing on request. */
    rec_alloc_state alloc_state;
    cx_alloc alloc;
    cx_arena arena;
    cx_diag_list list;
    rec_buf log;
    rec_buf diags; /* "code@line:col;" per diagnostic, after rec_finish */
    size_t docs;   /* document callbacks */
    size_t roots;  /* ... with a root */
    size_t items;  /* item callbacks */
    size_t pendings;
    bool quiet; /* count only, render nothing (big inputs) */
    bool with_pos;
    size_t stop_at_doc;    /* return CX_RC_STOP from the n-th document callback (1-based) */
    size_t stop_at_item;   /* ... item callback */
    const char *kind_seen; /* last `kind` passed with a NULL root (static copy) */
    char kind_buf[128];
} rec;

static REC_UNUSED void rec_putn(rec_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->s = realloc(b->s, cap);
        assert_non_null(b->s);
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static REC_UNUSED void rec_puts(rec_buf *b, const char *s)
{
    rec_putn(b, s, strlen(s));
}

static REC_UNUSED void rec_printf(rec_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static REC_UNUSED void rec_printf(rec_buf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < sizeof tmp);
    rec_putn(b, tmp, (size_t)n);
}

static REC_UNUSED void rec_text(rec_buf *b, const char *s, size_t len, bool quoted)
{
    if (quoted)
        rec_puts(b, "\"");
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n')
            rec_puts(b, "\\n");
        else if (c == '\t')
            rec_puts(b, "\\t");
        else if (c == '\r')
            rec_puts(b, "\\r");
        else if (c == 0)
            rec_puts(b, "\\0");
        else if (c < 0x20 || c == 0x7F)
            rec_printf(b, "\\x%02X", c);
        else if (quoted && (c == '"' || c == '\\'))
            rec_printf(b, "\\%c", c);
        else
            rec_putn(b, (const char *)&c, 1);
    }
    if (quoted)
        rec_puts(b, "\"");
}

static REC_UNUSED void rec_node(rec *r, rec_buf *b, const cx_node *n, int depth)
{
    assert_true(depth < 200); /* the builder's depth limit keeps trees shallow */
    switch (n->type) {
    case CX_NODE_SCALAR:
        switch (n->tag) {
        case CX_TAG_PLAIN:
            rec_text(b, n->u.str, n->len, false);
            break;
        case CX_TAG_STR:
            rec_text(b, n->u.str, n->len, true);
            break;
        default: {
            static const char prefix[] = "??ifbno"; /* o: CX_TAG_OTHER */
            rec_printf(b, "%c:", prefix[n->tag]);
            rec_text(b, n->u.str, n->len, false);
        }
        }
        break;
    case CX_NODE_MAP:
        rec_puts(b, "{");
        for (uint32_t i = 0; i < n->len; i++) {
            if (i)
                rec_puts(b, ",");
            rec_node(r, b, n->u.pairs[i].key, depth + 1);
            rec_puts(b, ":");
            rec_node(r, b, n->u.pairs[i].value, depth + 1);
        }
        rec_puts(b, "}");
        break;
    case CX_NODE_SEQ:
        if (n->flags & CX_NODE_STREAMED) {
            assert_int_equal(n->len, 0);
            rec_puts(b, "[~streamed~]");
            break;
        }
        rec_puts(b, "[");
        for (uint32_t i = 0; i < n->len; i++) {
            if (i)
                rec_puts(b, ",");
            rec_node(r, b, n->u.items[i], depth + 1);
        }
        rec_puts(b, "]");
        break;
    default:
        fail_msg("bad node type %d", n->type);
    }
    if (r->with_pos)
        rec_printf(b, "@%u:%u", (unsigned)n->pos.line, (unsigned)n->pos.col);
}

static REC_UNUSED void rec_pending(rec *r, const cx_pending_error *p)
{
    if (!p)
        return;
    r->pendings++;
    if (!r->quiet)
        rec_printf(&r->log, " !%s@%u:%u", p->code, (unsigned)p->pos.line, (unsigned)p->pos.col);
}

static REC_UNUSED cx_rc rec_on_item(void *ctx, const cx_node *item, const cx_pending_error *p)
{
    rec *r = ctx;
    assert_non_null(item);
    r->items++;
    if (!r->quiet) {
        rec_puts(&r->log, "item ");
        rec_node(r, &r->log, item, 0);
    }
    rec_pending(r, p);
    if (!r->quiet)
        rec_puts(&r->log, "\n");
    return r->stop_at_item && r->items == r->stop_at_item ? CX_RC_STOP : CX_RC_OK;
}

static REC_UNUSED cx_rc rec_on_document(void *ctx, const cx_node *root, const cx_pending_error *p,
                                        const char *kind)
{
    rec *r = ctx;
    r->docs++;
    if (root)
        r->roots++;
    if (!r->quiet) {
        rec_puts(&r->log, "doc ");
        if (root)
            rec_node(r, &r->log, root, 0);
        else
            rec_puts(&r->log, "-");
        if (!root && kind)
            rec_printf(&r->log, " kind=%s", kind);
    }
    if (!root) {
        r->kind_seen = NULL;
        if (kind) {
            snprintf(r->kind_buf, sizeof r->kind_buf, "%s", kind);
            r->kind_seen = r->kind_buf;
        }
    }
    rec_pending(r, p);
    if (!r->quiet)
        rec_puts(&r->log, "\n");
    return r->stop_at_doc && r->docs == r->stop_at_doc ? CX_RC_STOP : CX_RC_OK;
}

static REC_UNUSED void rec_init(rec *r)
{
    memset(r, 0, sizeof *r);
    cx_limits_default(&r->limits);
    r->alloc.malloc_fn = rec_alloc_malloc;
    r->alloc.realloc_fn = rec_alloc_realloc;
    r->alloc.free_fn = rec_alloc_free;
    r->alloc.user_data = &r->alloc_state;
    cx_arena_init(&r->arena, &cx_default_alloc, 0);
    rec_puts(&r->log, "");
    rec_puts(&r->diags, "");
}

static REC_UNUSED void rec_free(rec *r)
{
    cx_arena_release(&r->arena);
    free(r->log.s);
    free(r->diags.s);
    memset(r, 0, sizeof *r);
}

static REC_UNUSED cx_load_ctx rec_ctx(rec *r)
{
    cx_load_ctx ctx;
    ctx.alloc = &r->alloc;
    ctx.limits = &r->limits;
    ctx.file = "test.yaml";
    ctx.sink.arena = &r->arena;
    ctx.sink.list = &r->list;
    ctx.sink.budget = NULL;
    ctx.handler.ctx = r;
    ctx.handler.item = rec_on_item;
    ctx.handler.document = rec_on_document;
    return ctx;
}

/* Renders the diagnostics recorded so far into r->diags. */
static REC_UNUSED void rec_finish(rec *r)
{
    r->diags.len = 0;
    rec_puts(&r->diags, "");
    for (const contour_diagnostic *d = r->list.head; d; d = d->next) {
        assert_int_equal(d->severity, CONTOUR_SEVERITY_ERROR);
        assert_string_equal(d->file, "test.yaml");
        rec_printf(&r->diags, "%s@%u:%u;", d->code, (unsigned)d->pos.line, (unsigned)d->pos.col);
    }
}

/* The message of the i-th diagnostic. */
static REC_UNUSED const char *rec_message(const rec *r, size_t i)
{
    const contour_diagnostic *d = r->list.head;
    while (d && i--)
        d = d->next;
    assert_non_null(d);
    return d->message;
}

static REC_UNUSED cx_rc rec_yaml_n(rec *r, const char *data, size_t len)
{
    cx_load_ctx ctx = rec_ctx(r);
    cx_rc rc = cx_yaml_parse(&ctx, data, len);
    assert_int_equal(r->alloc_state.live, 0); /* the producer frees all it allocated */
    rec_finish(r);
    return rc;
}

static REC_UNUSED cx_rc rec_json_n(rec *r, const char *data, size_t len)
{
    cx_load_ctx ctx = rec_ctx(r);
    cx_rc rc = cx_json_parse(&ctx, data, len);
    assert_int_equal(r->alloc_state.live, 0);
    rec_finish(r);
    return rc;
}

/* Parses NUL-terminated text with fresh default state; asserts CX_RC_OK. */
static REC_UNUSED void rec_yaml(rec *r, const char *text)
{
    assert_int_equal(rec_yaml_n(r, text, strlen(text)), CX_RC_OK);
}

static REC_UNUSED void rec_json(rec *r, const char *text)
{
    assert_int_equal(rec_json_n(r, text, strlen(text)), CX_RC_OK);
}

/* Asserts the log and the diagnostics of parsing `text` as YAML / JSON with default limits. */
#define YAML_EXPECT(text, expected_log, expected_diags)                                            \
    do {                                                                                           \
        rec r_;                                                                                    \
        rec_init(&r_);                                                                             \
        rec_yaml(&r_, text);                                                                       \
        assert_string_equal(r_.log.s, expected_log);                                               \
        assert_string_equal(r_.diags.s, expected_diags);                                           \
        rec_free(&r_);                                                                             \
    } while (0)

#define JSON_EXPECT(text, expected_log, expected_diags)                                            \
    do {                                                                                           \
        rec r_;                                                                                    \
        rec_init(&r_);                                                                             \
        rec_json(&r_, text);                                                                       \
        assert_string_equal(r_.log.s, expected_log);                                               \
        assert_string_equal(r_.diags.s, expected_diags);                                           \
        rec_free(&r_);                                                                             \
    } while (0)

/* Builds a string by repeating `unit` n times between `head` and `tail` (malloc'd). */
static REC_UNUSED char *rec_repeat(const char *head, const char *unit, size_t n, const char *tail,
                                   size_t *out_len)
{
    size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
    size_t len = hl + ul * n + tl;
    char *s = malloc(len + 1);
    assert_non_null(s);
    memcpy(s, head, hl);
    for (size_t i = 0; i < n; i++)
        memcpy(s + hl + i * ul, unit, ul);
    memcpy(s + hl + ul * n, tail, tl);
    s[len] = '\0';
    if (out_len)
        *out_len = len;
    return s;
}

#endif
