/*
 * The YAML producer: libyaml's event parser (never its document API, which expands
 * aliases) feeding a cx_builder.
 *
 * libyaml is fed through a read handler over the in-memory bytes, which
 *  - validates the bytes before libyaml sees them (UTF-8 and the characters YAML allows),
 *    so a bad byte stops libyaml exactly there: libyaml's own reader decodes up to 16 KiB
 *    ahead and would fail documents that come before the bad byte;
 *  - bounds what libyaml may read between two events (it holds a whole scalar in memory
 *    before producing its event), which bounds memory for a huge scalar or comment;
 *  - starts with small reads and doubles them, so restarting after many errors costs
 *    time proportional to what was parsed, not to libyaml's buffer size.
 *
 * A libyaml parser cannot continue after an error. The error is reported, the document
 * dropped, and a fresh parser starts at the next document boundary: a line that starts
 * with `---` followed by a blank or line break, or the line after a `...` line. YAML
 * forbids such lines inside any node (libyaml ends plain and block scalars there and
 * rejects them inside quoted scalars and flow collections), so the split is exact. A
 * cursor (byte offset of a line start and its line number) only moves forward, so any
 * number of restarts costs linear time overall.
 *
 * The same reading serves a piece of the input (cx_yaml_piece, for a parallel load): it
 * starts at a `---` line and ends where it meets a later piece's start in a state a
 * parser started there also has (see cx_yaml_parse_piece in load.h); cx_yaml_split
 * chooses the pieces.
 */
#include "load.h"
#include "utf8.h"

#include <yaml.h>

#include <stdio.h>
#include <string.h>

enum {
    READ_FIRST = 512,     /* first read of a fresh parser */
    READ_MAX = 64 * 1024, /* largest read (libyaml asks for at most 16 KiB anyway) */
    DEPTH_SLACK = 1024,   /* levels libyaml may go past the depth limit inside a List item */
};

/* What one libyaml parser reads: the input from a document boundary to its end. */
typedef struct source {
    const unsigned char *data;
    size_t len;
    size_t pos;       /* next byte to hand to libyaml */
    size_t read_size; /* size of the next read */
    size_t checked;   /* bytes before this offset are valid */
    size_t bad;       /* offset of the first byte YAML does not allow, or SIZE_MAX */
    const char *bad_code;
    uint32_t bad_cp;      /* the code point at `bad` (control-character) */
    size_t window_start;  /* pos when libyaml last returned an event */
    uint64_t window_max;  /* bytes libyaml may read between two events */
    uint64_t window_peak; /* most bytes libyaml read between two events, so far */
    bool hit_bad;         /* the read handler failed at `bad` */
    bool hit_window;      /* the read handler failed because of window_max */
} source;

/* A line start and its 0-based line number; moves forward only. */
typedef struct cursor {
    size_t off;
    uint64_t line;
} cursor;

typedef struct yaml_run {
    const cx_load_ctx *ctx;
    cx_builder *b;
    source src;
    cursor cur;
    size_t chunk_off;    /* where the current parser started (a line start) */
    uint64_t chunk_line; /* its 0-based line number */
    uint64_t depth_cap;
    cx_yaml_piece *piece; /* what is read: the whole input, or a piece of it */
    size_t next_stop;     /* the first of piece->stops reading has not passed */
} yaml_run;

typedef enum outcome {
    OUT_END,     /* the input is done */
    OUT_RESYNC,  /* restart at the next document boundary after the error line */
    OUT_RESTART, /* restart exactly at the error line (a bare document after `...`) */
    OUT_STOP,
    OUT_NOMEM,
    OUT_PIECE, /* reading reached the start of a later piece (cx_yaml_piece) */
} outcome;

/* Where to go on after a parser stopped. */
typedef struct resume {
    uint64_t line;  /* 0-based, absolute */
    bool first_col; /* OUT_RESYNC: the error was at the line's first column */
} resume;

/* ---- bytes ---- */

/* ASCII characters YAML allows: tab, LF, CR and printable characters. */
static bool ascii_allowed(unsigned char c)
{
    return c == 0x09 || c == 0x0A || c == 0x0D || (c >= 0x20 && c <= 0x7E);
}

/* Non-ASCII code points YAML 1.1 (and libyaml) allows. */
static bool cp_allowed(uint32_t cp)
{
    return cp == 0x85 || (cp >= 0xA0 && cp <= 0xD7FF) || (cp >= 0xE000 && cp <= 0xFFFD) ||
           cp >= 0x10000;
}

/* 0x80 in each byte of v (all below 0x80) that equals c, exactly: no carry crosses a byte. */
static uint64_t bytes_equal(uint64_t v, unsigned char c)
{
    const uint64_t ones = 0x0101010101010101u;
    return ~((v ^ (ones * c)) + ones * 0x7F) & ones * 0x80;
}

/* Whether eight bytes are ASCII YAML allows (ascii_allowed), all at once: most of an
 * input is, and validating it byte by byte was a tenth of loading it. */
static bool ascii8_allowed(uint64_t v)
{
    const uint64_t ones = 0x0101010101010101u, high = ones * 0x80;
    if (v & high)
        return false;
    /* Bytes are now below 0x80, so these sums stay within their byte. */
    if ((v + ones) & high)
        return false;                             /* 0x7F */
    uint64_t control = ~(v + ones * 0x60) & high; /* below 0x20 */
    return !control ||
           !(control & ~(bytes_equal(v, '\t') | bytes_equal(v, '\n') | bytes_equal(v, '\r')));
}

/* Validates from s->checked to at least `upto` (less when a bad byte comes first). */
static void check_bytes(source *s, size_t upto)
{
    const unsigned char *d = s->data;
    size_t i = s->checked;
    while (i < upto) {
        if (upto - i >= 8) {
            uint64_t v;
            memcpy(&v, d + i, 8);
            if (ascii8_allowed(v)) {
                i += 8;
                continue;
            }
        }
        unsigned char c = d[i];
        if (c < 0x80) {
            if (!ascii_allowed(c)) {
                s->bad = i;
                s->bad_cp = c;
                s->bad_code = c == 0 ? "nul-byte" : "control-character";
                break;
            }
            i++;
            continue;
        }
        uint32_t cp;
        size_t n = cx_utf8_decode(d + i, s->len - i, &cp);
        if (!n) {
            s->bad = i;
            s->bad_cp = c;
            s->bad_code = "invalid-utf8";
            break;
        }
        if (!cp_allowed(cp)) {
            s->bad = i;
            s->bad_cp = cp;
            s->bad_code = "control-character";
            break;
        }
        i += n;
    }
    s->checked = i;
}

static int read_handler(void *data, unsigned char *buffer, size_t size, size_t *size_read)
{
    source *s = data;
    *size_read = 0;
    size_t window = s->pos - s->window_start;
    if (window > s->window_peak)
        s->window_peak = window;
    if (window > s->window_max) {
        s->hit_window = true;
        return 0;
    }
    size_t want = size < s->read_size ? size : s->read_size;
    if (want > s->len - s->pos)
        want = s->len - s->pos;
    if (want == 0)
        return 1; /* end of input */
    if (s->bad == SIZE_MAX && s->checked < s->pos + want)
        check_bytes(s, s->pos + want);
    size_t n = want;
    if (s->bad != SIZE_MAX && s->bad < s->pos + want)
        n = s->bad - s->pos;
    if (n == 0) {
        s->hit_bad = true;
        return 0;
    }
    memcpy(buffer, s->data + s->pos, n);
    s->pos += n;
    *size_read = n;
    if (s->read_size < READ_MAX)
        s->read_size *= 2;
    return 1;
}

/* Prepares the source for a parser starting at `off`. */
static void source_restart(source *s, size_t off)
{
    s->pos = off;
    s->read_size = READ_FIRST;
    s->window_start = off;
    s->hit_bad = false;
    s->hit_window = false;
    if (s->bad != SIZE_MAX && s->bad < off) {
        s->bad = SIZE_MAX; /* skipped over: validation resumes at off */
        s->checked = off;
    } else if (s->checked < off) {
        s->checked = off;
    }
}

/* ---- lines ---- */

/* Length of the line break at i, or 0. libyaml's breaks: CR LF, CR, LF, NEL, LS, PS. */
static size_t break_at(const unsigned char *d, size_t len, size_t i)
{
    unsigned char c = d[i];
    if (c == '\n')
        return 1;
    if (c == '\r')
        return i + 1 < len && d[i + 1] == '\n' ? 2 : 1;
    if (c == 0xC2)
        return i + 1 < len && d[i + 1] == 0x85 ? 2 : 0;
    if (c == 0xE2)
        return i + 2 < len && d[i + 1] == 0x80 && (d[i + 2] == 0xA8 || d[i + 2] == 0xA9) ? 3 : 0;
    return 0;
}

/* Start of the line after the one at `off`; false when that line is the last. */
static bool next_line(const unsigned char *d, size_t len, size_t off, size_t *out)
{
    for (size_t i = off; i < len; i++) {
        unsigned char c = d[i];
        if (c == '\n' || c == '\r' || c == 0xC2 || c == 0xE2) {
            size_t n = break_at(d, len, i);
            if (n) {
                *out = i + n;
                return true;
            }
        }
    }
    return false;
}

/* Moves the cursor to the start of line `line`; false when the input has fewer lines. */
static bool cursor_to_line(const source *s, cursor *c, uint64_t line)
{
    while (c->line < line) {
        size_t next;
        if (!next_line(s->data, s->len, c->off, &next))
            return false;
        c->off = next;
        c->line++;
    }
    return true;
}

/* Moves the cursor to the start of the line holding byte `off`. */
static void cursor_to_offset(const source *s, cursor *c, size_t off)
{
    for (;;) {
        size_t next;
        if (!next_line(s->data, s->len, c->off, &next) || next > off)
            return;
        c->off = next;
        c->line++;
    }
}

/* Whether the line at `off` starts with a document marker (--- or ...) followed by a
 * blank, a line break or the end of the input. */
static bool is_marker(const unsigned char *d, size_t len, size_t off, unsigned char ch)
{
    if (len - off < 3 || d[off] != ch || d[off + 1] != ch || d[off + 2] != ch)
        return false;
    size_t i = off + 3;
    return i == len || d[i] == ' ' || d[i] == '\t' || break_at(d, len, i) > 0;
}

/*
 * Finds the first document boundary at or after line `line` (0-based, absolute) and after
 * the start of the current parser. `include` says whether line `line` itself may be the
 * boundary (the error was at its first column, e.g. a flow collection cut off by `---`);
 * otherwise the error is inside that line and the search starts with the next one. Moves
 * the cursor to the boundary.
 */
static bool find_boundary(yaml_run *r, uint64_t line, bool include)
{
    const unsigned char *d = r->src.data;
    size_t len = r->src.len;
    if (line < r->cur.line)
        line = r->cur.line;
    if (!cursor_to_line(&r->src, &r->cur, line))
        return false;
    bool first = true;
    for (;;) {
        size_t off = r->cur.off;
        if ((include || !first) && off > r->chunk_off && is_marker(d, len, off, '-'))
            return true;
        bool doc_end = is_marker(d, len, off, '.');
        size_t next;
        if (!next_line(d, len, off, &next))
            return false;
        r->cur.off = next;
        r->cur.line++;
        if (doc_end && next > r->chunk_off && next < len)
            return true;
        first = false;
    }
}

/* ---- pieces (cx_yaml_piece) ---- */

/* Whether a fresh parser starting at `off` starts a later piece: cx_yaml_parse() would
 * start one there too, so that piece's own reading takes over. Stops passed are skipped. */
static bool at_piece_start(yaml_run *r, size_t off)
{
    const cx_yaml_piece *p = r->piece;
    while (r->next_stop < p->nstops && p->stops[r->next_stop] < off)
        r->next_stop++;
    return r->next_stop < p->nstops && p->stops[r->next_stop] == off;
}

/* Whether an event is the explicit document start of a later piece's `---` line. The
 * parser then holds nothing of the documents before it, so what follows reads as it does
 * with a parser started afresh at that line. (A directive would be held, but a document
 * with directives starts at its first directive, not at its `---` line; and inputs with
 * directives are not split at all.) */
static bool at_piece_start_event(yaml_run *r, const yaml_event_t *ev)
{
    const cx_yaml_piece *p = r->piece;
    if (r->next_stop >= p->nstops || ev->type != YAML_DOCUMENT_START_EVENT ||
        ev->data.document_start.implicit || ev->start_mark.column != 0)
        return false;
    uint64_t line = r->chunk_line + (uint64_t)ev->start_mark.line;
    while (r->next_stop < p->nstops && p->stop_lines[r->next_stop] < line)
        r->next_stop++;
    return r->next_stop < p->nstops && p->stop_lines[r->next_stop] == line;
}

/* ---- positions and messages ---- */

static uint32_t sat32(uint64_t v)
{
    return v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* A libyaml mark (relative to the current parser) as an absolute 1-based position. */
static cx_pos mark_pos(const yaml_run *r, yaml_mark_t m)
{
    cx_pos p = {sat32(r->chunk_line + (uint64_t)m.line + 1), sat32((uint64_t)m.column + 1)};
    return p;
}

/* The position of byte `off`; moves the cursor to its line. */
static cx_pos offset_pos(yaml_run *r, size_t off)
{
    cursor_to_offset(&r->src, &r->cur, off);
    uint64_t col = 1;
    for (size_t i = r->cur.off; i < off; i++) {
        if ((r->src.data[i] & 0xC0) != 0x80)
            col++;
    }
    cx_pos p = {sat32(r->cur.line + 1), sat32(col)};
    return p;
}

/* `quote`: the input has shown itself to be a Kubernetes manifest, so its bytes may be
 * shown (docs/decisions.md, "Quoting input"). */
static void bad_byte_message(const source *s, bool quote, char *msg, size_t size)
{
    if (strcmp(s->bad_code, "nul-byte") == 0)
        snprintf(msg, size, "a NUL byte is not allowed in YAML");
    else if (strcmp(s->bad_code, "invalid-utf8") == 0 && quote)
        snprintf(msg, size, "invalid UTF-8 (byte 0x%02X)", (unsigned)s->bad_cp);
    else if (strcmp(s->bad_code, "invalid-utf8") == 0)
        snprintf(msg, size, "invalid UTF-8");
    else if (quote)
        snprintf(msg, size, "control character U+%04X is not allowed in YAML", (unsigned)s->bad_cp);
    else
        snprintf(msg, size, "a control character is not allowed in YAML");
}

/* ---- events ---- */

static cx_scalar_tag scalar_tag(const yaml_char_t *tag, yaml_scalar_style_t style)
{
    static const char core[] = "tag:yaml.org,2002:";
    if (tag) {
        const char *t = (const char *)tag;
        if (strcmp(t, "!") == 0)
            return CX_TAG_STR; /* the non-specific tag: a string */
        if (strncmp(t, core, sizeof core - 1) == 0) {
            t += sizeof core - 1;
            if (strcmp(t, "str") == 0)
                return CX_TAG_STR;
            if (strcmp(t, "int") == 0)
                return CX_TAG_INT;
            if (strcmp(t, "float") == 0)
                return CX_TAG_FLOAT;
            if (strcmp(t, "bool") == 0)
                return CX_TAG_BOOL;
            if (strcmp(t, "null") == 0)
                return CX_TAG_NULL;
            if (strcmp(t, "merge") == 0 && style == YAML_PLAIN_SCALAR_STYLE)
                return CX_TAG_PLAIN; /* `!!merge <<` is the merge key written out */
        }
        /* A tag PyYAML's safe loader constructs otherwise or not at all (!!binary is bytes,
         * `!custom` an error): a type error in whatever field reads it. */
        return CX_TAG_OTHER;
    }
    /* Untagged, or a tag we do not know: as written. */
    return style == YAML_PLAIN_SCALAR_STYLE || style == YAML_ANY_SCALAR_STYLE ? CX_TAG_PLAIN
                                                                              : CX_TAG_STR;
}

static size_t anchor_len(const yaml_char_t *a)
{
    return a ? strlen((const char *)a) : 0;
}

static const char *anchor_str(const yaml_char_t *a)
{
    return (const char *)a;
}

/* Per-parser state of the event loop. */
typedef struct events {
    uint64_t depth;  /* open collections in the current document */
    bool doc_failed; /* the builder gave up on the current document */
    bool too_deep;   /* depth passed depth_cap */
    yaml_mark_t fail_mark;
    /* libyaml ends a document before it has read what follows; the end is passed on only
     * once the next event parses, so an error right after a document (a less indented
     * line, a stray `]`) drops that document like any error inside it. */
    bool end_held;
    bool end_explicit; /* the held end was a `...` line */
    yaml_mark_t end_mark;
} events;

static cx_rc feed(yaml_run *r, events *st, const yaml_event_t *ev, bool *end)
{
    cx_builder *b = r->b;
    cx_pos pos = mark_pos(r, ev->start_mark);
    cx_rc rc = CX_RC_OK;
    switch (ev->type) {
    case YAML_STREAM_END_EVENT:
        *end = true;
        break;
    case YAML_DOCUMENT_START_EVENT:
        st->depth = 0;
        rc = cx_builder_begin_document(b, pos);
        break;
    case YAML_DOCUMENT_END_EVENT:
        st->end_held = true;
        st->end_explicit = !ev->data.document_end.implicit;
        st->end_mark = ev->start_mark;
        break;
    case YAML_MAPPING_START_EVENT:
    case YAML_SEQUENCE_START_EVENT:
        if (++st->depth > r->depth_cap) {
            st->too_deep = true;
            st->fail_mark = ev->start_mark;
            break;
        }
        if (ev->type == YAML_MAPPING_START_EVENT)
            rc = cx_builder_begin_map(b, pos, anchor_str(ev->data.mapping_start.anchor),
                                      anchor_len(ev->data.mapping_start.anchor));
        else
            rc = cx_builder_begin_seq(b, pos, anchor_str(ev->data.sequence_start.anchor),
                                      anchor_len(ev->data.sequence_start.anchor));
        break;
    case YAML_MAPPING_END_EVENT:
        st->depth--;
        rc = cx_builder_end_map(b);
        break;
    case YAML_SEQUENCE_END_EVENT:
        st->depth--;
        rc = cx_builder_end_seq(b);
        break;
    case YAML_SCALAR_EVENT: {
        const yaml_char_t *tag = ev->data.scalar.tag;
        const yaml_char_t *anchor = ev->data.scalar.anchor;
        /* libyaml represents a document with no content (`---` alone) as an empty plain
         * scalar; the builder's empty document has no root. */
        if (st->depth == 0 && ev->data.scalar.length == 0 && !tag && !anchor &&
            ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
            break;
        rc = cx_builder_scalar(b, pos, scalar_tag(tag, ev->data.scalar.style),
                               (const char *)ev->data.scalar.value, ev->data.scalar.length,
                               anchor_str(anchor), anchor_len(anchor));
        break;
    }
    case YAML_ALIAS_EVENT:
        rc = cx_builder_alias(b, pos, anchor_str(ev->data.alias.anchor),
                              anchor_len(ev->data.alias.anchor));
        break;
    default:
        break;
    }
    if (rc == CX_RC_OK && !st->too_deep && cx_builder_in_document(b) && cx_builder_failed(b)) {
        /* Already reported; nothing more of this document will be used. */
        st->doc_failed = true;
        st->fail_mark = ev->start_mark;
    }
    return rc;
}

static outcome stop_outcome(cx_rc rc, outcome ok)
{
    return rc == CX_RC_NOMEM ? OUT_NOMEM : rc == CX_RC_STOP ? OUT_STOP : ok;
}

/* Reports a libyaml error (or a limit met in the read handler) and drops the document. */
static outcome on_error(yaml_run *r, const yaml_parser_t *p, events *st, yaml_mark_t last_end,
                        resume *next)
{
    char msg[400];
    const char *code;
    cx_pos pos;
    if (p->error == YAML_MEMORY_ERROR)
        return OUT_NOMEM;
    if (st->end_held && st->end_explicit) {
        /* The document was closed by `...`: it is complete, whatever follows. */
        st->end_held = false;
        cx_rc rc = cx_builder_end_document(r->b);
        if (rc != CX_RC_OK)
            return stop_outcome(rc, OUT_END);
        /* libyaml (YAML 1.1) wants `---` before any document after `...`; YAML 1.2 does not,
         * and the line after `...` is a document boundary anyway: start there afresh. */
        if (p->error == YAML_PARSER_ERROR && p->problem &&
            strcmp(p->problem, "did not find expected <document start>") == 0 &&
            p->problem_mark.line > st->end_mark.line) {
            next->line = r->chunk_line + st->end_mark.line + 1;
            return OUT_RESTART;
        }
    }
    if (p->error == YAML_READER_ERROR && r->src.hit_window) {
        code = "limit-scalar";
        pos = mark_pos(r, last_end);
        snprintf(msg, sizeof msg, "a scalar or comment longer than the limit of %llu bytes",
                 (unsigned long long)r->ctx->limits->v[CONTOUR_LIMIT_SCALAR_BYTES]);
    } else if (p->error == YAML_READER_ERROR) {
        /* Our validation stopped libyaml at a bad byte (or, should libyaml's own reader
         * object to something, at the offset it names). */
        size_t off = r->src.hit_bad ? r->src.bad : r->chunk_off + p->problem_offset;
        if (!r->src.hit_bad) {
            r->src.bad_cp = off < r->src.len ? r->src.data[off] : 0;
            r->src.bad_code = "invalid-utf8";
        }
        if (off > r->src.len)
            off = r->src.len;
        code = r->src.bad_code;
        /* A piece's reading does not know the documents before it: it assumes, and says
         * when the message depended on the assumption. */
        bool seen = cx_builder_manifest_seen(r->b);
        if (!seen)
            r->piece->manifest_used = true;
        bad_byte_message(&r->src, seen || r->piece->manifest_before, msg, sizeof msg);
        pos = offset_pos(r, off);
    } else {
        code = "yaml-syntax";
        pos = mark_pos(r, p->problem_mark);
        /* At the end of an input without a final line break, libyaml puts the end of the
         * stream on a line of its own that the input does not have: use the true end. */
        if (!cursor_to_line(&r->src, &r->cur, pos.line - 1))
            pos = offset_pos(r, r->src.len);
        const char *problem = p->problem ? p->problem : "invalid YAML";
        cx_pos ctx = mark_pos(r, p->context_mark);
        if (p->context && (ctx.line != pos.line || ctx.col != pos.col))
            snprintf(msg, sizeof msg, "%s (%s at line %u, column %u)", problem, p->context,
                     (unsigned)ctx.line, (unsigned)ctx.col);
        else
            snprintf(msg, sizeof msg, "%s", problem);
    }
    next->line = pos.line - 1;
    next->first_col = pos.col == 1;
    if (cx_builder_fail(r->b, code, pos, msg) != CX_RC_OK)
        return OUT_NOMEM;
    return stop_outcome(cx_builder_abandon_document(r->b), OUT_RESYNC);
}

/* Runs one libyaml parser from r->chunk_off until the input ends or an error. */
static outcome parse_chunk(yaml_run *r, resume *next)
{
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p))
        return OUT_NOMEM;
    yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);
    source_restart(&r->src, r->chunk_off);
    yaml_parser_set_input(&p, read_handler, &r->src);

    events st;
    memset(&st, 0, sizeof st);
    yaml_mark_t last_end = {0, 0, 0};
    outcome out = OUT_END;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            out = on_error(r, &p, &st, last_end, next);
            break;
        }
        r->src.window_start = r->src.pos;
        last_end = ev.end_mark;
        cx_rc rc = CX_RC_OK;
        if (at_piece_start_event(r, &ev)) {
            /* The document before ends here, as it does when this event is fed. */
            yaml_event_delete(&ev);
            if (st.end_held)
                rc = cx_builder_end_document(r->b);
            out = rc == CX_RC_NOMEM ? OUT_NOMEM : rc == CX_RC_STOP ? OUT_STOP : OUT_PIECE;
            break;
        }
        if (st.end_held) {
            st.end_held = false;
            rc = cx_builder_end_document(r->b);
        }
        bool end = false;
        if (rc == CX_RC_OK)
            rc = feed(r, &st, &ev, &end);
        yaml_event_delete(&ev);
        if (rc == CX_RC_NOMEM) {
            out = OUT_NOMEM;
            break;
        }
        if (rc == CX_RC_STOP) {
            /* The builder or the handler stopped this input; close what is open. */
            out = cx_builder_abandon_document(r->b) == CX_RC_NOMEM ? OUT_NOMEM : OUT_STOP;
            break;
        }
        if (st.too_deep) {
            /* Only reachable while the builder skips a failed List item: libyaml's stacks
             * would grow with the input, so the rest of the document goes unread. */
            char msg[200];
            snprintf(msg, sizeof msg,
                     "nesting deeper than %llu levels; the rest of this document is not read",
                     (unsigned long long)r->depth_cap);
            if (cx_builder_fail(r->b, "limit-depth", mark_pos(r, st.fail_mark), msg) != CX_RC_OK) {
                out = OUT_NOMEM;
                break;
            }
            st.doc_failed = true;
        }
        if (st.doc_failed) {
            /* Skip the rest of the document without parsing it. */
            cx_pos at = mark_pos(r, st.fail_mark);
            next->line = at.line - 1;
            next->first_col = at.col == 1;
            out = stop_outcome(cx_builder_abandon_document(r->b), OUT_RESYNC);
            break;
        }
        if (end)
            break;
    }
    yaml_parser_delete(&p);
    return out;
}

cx_rc cx_yaml_parse_piece(const cx_load_ctx *ctx, const char *data, size_t len,
                          cx_yaml_piece *piece)
{
    cx_builder *b = cx_builder_new(ctx->alloc, ctx->limits, ctx->file, ctx->sink, ctx->handler);
    if (!b)
        return CX_RC_NOMEM;
    cx_builder_set_document_count(b, piece->docs_before);
    yaml_run r;
    memset(&r, 0, sizeof r);
    r.ctx = ctx;
    r.b = b;
    r.piece = piece;
    piece->stopped_at = piece->nstops;
    piece->manifest_used = false;
    piece->input_stopped = false;
    piece->doubt = false;
    if (!data)
        data = ""; /* (NULL, 0): no arithmetic on a null pointer */
    r.src.data = (const unsigned char *)data;
    r.src.len = len;
    r.src.bad = SIZE_MAX;
    uint64_t slack = 2 * (uint64_t)READ_MAX;
    uint64_t scalar_limit = ctx->limits->v[CONTOUR_LIMIT_SCALAR_BYTES];
    r.src.window_max = scalar_limit > UINT64_MAX - slack ? UINT64_MAX : scalar_limit + slack;
    uint64_t depth_limit = ctx->limits->v[CONTOUR_LIMIT_DEPTH];
    r.depth_cap = depth_limit > UINT64_MAX - DEPTH_SLACK ? UINT64_MAX : depth_limit + DEPTH_SLACK;

    /* libyaml skips a byte-order mark only when it detects the encoding itself, which
     * would also let it read UTF-16; the encoding is forced and the BOM skipped here. */
    size_t start = piece->start;
    if (start == 0 && len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        start = 3;
    r.chunk_off = start;
    r.chunk_line = piece->start_line;
    r.cur.off = start;
    r.cur.line = piece->start_line;
    r.src.checked = start;

    cx_rc result = CX_RC_OK;
    for (;;) {
        resume next = {0, false};
        outcome out = parse_chunk(&r, &next);
        if (out == OUT_NOMEM) {
            result = CX_RC_NOMEM;
            break;
        }
        if (out == OUT_PIECE) {
            piece->stopped_at = r.next_stop;
            break;
        }
        if (out == OUT_STOP)
            piece->input_stopped = true;
        if (out == OUT_RESYNC && piece->start > 0 && r.chunk_off == piece->start &&
            next.first_col && next.line == piece->start_line) {
            /* An error at the first column of the piece's own `---` line: a parser that
             * began before that line would start again there, this one cannot. */
            piece->doubt = true;
        }
        if (out == OUT_RESTART) {
            if (!cursor_to_line(&r.src, &r.cur, next.line) || r.cur.off <= r.chunk_off)
                break;
        } else if (out != OUT_RESYNC || !find_boundary(&r, next.line, next.first_col)) {
            break;
        }
        r.chunk_off = r.cur.off;
        r.chunk_line = r.cur.line;
        if (at_piece_start(&r, r.chunk_off)) {
            piece->stopped_at = r.next_stop;
            break;
        }
    }
    piece->docs = cx_builder_document_count(b);
    piece->manifest_seen = cx_builder_manifest_seen(b);
    piece->window_peak = r.src.window_peak;
    cx_builder_free(b);
    return result;
}

cx_rc cx_yaml_parse(const cx_load_ctx *ctx, const char *data, size_t len)
{
    cx_yaml_piece whole;
    memset(&whole, 0, sizeof whole);
    return cx_yaml_parse_piece(ctx, data, len, &whole);
}

/* ---- splitting (cx_yaml_split) ---- */

/* Whether a line starts with `%`: a directive (or, inside a document, an error). */
static bool has_directive_line(const unsigned char *d, size_t len)
{
    size_t first = len >= 3 && memcmp(d, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    const unsigned char *p = memchr(d, '%', len);
    while (p) {
        size_t i = (size_t)(p - d);
        if (i == first)
            return true;
        /* Preceded by the last byte of a line break: CR, LF, NEL (C2 85), LS or PS
         * (E2 80 A8/A9). */
        unsigned char c = i ? d[i - 1] : 0;
        if (c == '\n' || c == '\r' || (c == 0x85 && i >= 2 && d[i - 2] == 0xC2) ||
            ((c == 0xA8 || c == 0xA9) && i >= 3 && d[i - 2] == 0x80 && d[i - 3] == 0xE2))
            return true;
        p = memchr(p + 1, '%', len - i - 1);
    }
    return false;
}

/* Line feeds in d[0..n), eight bytes at a time: the bulk of splitting a large input. */
static uint64_t count_newlines(const unsigned char *d, size_t n)
{
    const uint64_t ones = 0x0101010101010101u, low7 = 0x7F7F7F7F7F7F7F7Fu;
    const uint64_t lanes16 = 0x00FF00FF00FF00FFu;
    uint64_t count = 0;
    size_t i = 0;
    while (n - i >= 8) {
        /* Eight one-byte counters, at most 255 rounds before they are summed. */
        size_t words = (n - i) / 8;
        if (words > 255)
            words = 255;
        uint64_t acc = 0;
        for (size_t w = 0; w < words; w++, i += 8) {
            uint64_t v;
            memcpy(&v, d + i, 8);
            v ^= 0x0A * ones;
            /* 0x80 in exactly the bytes that are zero: no carry crosses a byte. */
            acc += ~(((v & low7) + low7) | v | low7) >> 7;
        }
        uint64_t pairs = (acc & lanes16) + ((acc >> 8) & lanes16); /* four 16-bit sums */
        count += (pairs * 0x0001000100010001u) >> 48;
    }
    for (; i < n; i++)
        count += d[i] == '\n';
    return count;
}

/* Whether d[0..len) has a line break but LF: CR, NEL (C2 85), LS or PS (E2 80 A8/A9).
 * Lead bytes are found with memchr (glibc's memmem took 6 instructions a byte). */
static bool other_breaks(const unsigned char *d, size_t len)
{
    if (memchr(d, '\r', len))
        return true;
    for (const unsigned char *p = memchr(d, 0xC2, len); p;
         p = memchr(p + 1, 0xC2, len - (size_t)(p + 1 - d))) {
        if ((size_t)(p - d) + 1 < len && p[1] == 0x85)
            return true;
    }
    for (const unsigned char *p = memchr(d, 0xE2, len); p;
         p = memchr(p + 1, 0xE2, len - (size_t)(p + 1 - d))) {
        if ((size_t)(p - d) + 2 < len && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9))
            return true;
    }
    return false;
}

/* Line breaks in d[from..to) as libyaml counts them (CR LF is one). */
static uint64_t count_breaks(const unsigned char *d, size_t len, size_t from, size_t to)
{
    uint64_t count = 0;
    size_t next;
    while (from < to && next_line(d, len, from, &next) && next <= to) {
        count++;
        from = next;
    }
    return count;
}

size_t cx_yaml_split(const char *data, size_t len, size_t want, size_t *starts, uint64_t *lines)
{
    const unsigned char *d = (const unsigned char *)data;
    if (!data || want < 2 || len == 0 || has_directive_line(d, len))
        return 0;
    /* With no break but LF, lines are counted eight bytes at a time. */
    bool lf_only = !other_breaks(d, len);
    size_t n = 0, prev = 0;
    uint64_t line = 0;
    for (size_t i = 1; i < want; i++) {
        /* len * i / want without overflow: i < want. */
        size_t target = len / want * i + len % want * i / want;
        size_t limit = len / want * (i + 1) + len % want * (i + 1) / want;
        if (target <= prev)
            target = prev + 1;
        size_t off;
        if (target >= len || !next_line(d, len, target - 1, &off))
            break;
        /* The first `---` line before the next piece's target. */
        bool found = false;
        while (off < limit && off < len) {
            if (is_marker(d, len, off, '-')) {
                found = true;
                break;
            }
            if (!next_line(d, len, off, &off))
                break;
        }
        if (!found)
            continue;
        line += lf_only ? count_newlines(d + prev, off - prev) : count_breaks(d, len, prev, off);
        starts[n] = off;
        lines[n] = line;
        n++;
        prev = off;
    }
    return n;
}

bool cx_looks_like_json(const char *data, size_t len)
{
    const unsigned char *p = (const unsigned char *)data;
    size_t i = 0;
    while (i < len) {
        unsigned char c = p[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            i++;
        } else if (c == 0xEF && len - i >= 3 && p[i + 1] == 0xBB && p[i + 2] == 0xBF) {
            i += 3;
        } else {
            return c == '{' || c == '[';
        }
    }
    return false;
}
