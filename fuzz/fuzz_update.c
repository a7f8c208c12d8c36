/* libFuzzer target: updating a snapshot gives what loading gives.
 *
 * Input: byte 0 picks options (fuzz_common.h). Byte 1 says how the rest, the content, is cut
 * into sets: bit 0 three sets instead of two; bit 1 at byte offsets (bytes 2 and 3, as
 * fractions of the content's length) instead of by documents (a document starts at a line
 * that begins with "---" or "{", and document i goes to set ((bytes 2-3 as a 16-bit mask) >>
 * 2 * (i % 8)) & 3, modulo the number of sets). Bytes 4.. are the content. Set i is loaded
 * as one buffer named "a", "b" or "c"; keys(X) are the (kind, namespace, name) of the objects
 * X stores when loaded alone. Every snapshot has the same config.
 *
 * "Equal" below: every field of every object and diagnostic of the snapshots read through
 * the public API (fuzz_walk_snapshot), every field of their resolved graphs
 * (fuzz_walk_graph), and their JSON renderings byte for byte up to the "diagnostics"
 * member — all of it when nothing is left out. The invariants, each a trap when broken:
 *
 *  1. Later wins. The sets loaded in order (S), and in reverse order (R), equal the same
 *     loads made quietly (Q, QR: before loading a set, remove the objects of its keys that
 *     are already there, the documented way to replace an object without a warning), except
 *     for the duplicate-object warnings "... replaces the one at F:line:col" whose F is
 *     another set. Q has none; S has one on each object that replaced an object of an
 *     earlier set, and as the object replaced goes with its own warnings, one for each key
 *     that more than one set has (the last set's object names the set before it).
 *  2. Order does not matter. When no two sets share a key, S and R are equal, all of the
 *     JSON included.
 *  3. Removing undoes loading. S after removing every object of keys(b) and keys(c) equals
 *     set a loaded alone after removing the same keys (the objects of a that a later set
 *     replaced are gone either way), except for the diagnostics of sets b and c that are
 *     about no stored object (a syntax error, a rejected document): contour_snapshot_remove
 *     drops an object and its diagnostics, and these are neither. There are exactly as many
 *     of them as b and c make when loaded alone; with none, the JSON is equal in full.
 *
 * FUZZ_UPDATE_DEBUG=1 (with the replay driver) prints how the input was cut and, when an
 * invariant breaks, writes both sides to fuzz_update.one and fuzz_update.other.
 */
#include "fuzz_common.h"

#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_SETS = 3 };
static const char set_name[MAX_SETS][2] = {"a", "b", "c"};

typedef struct key {
    contour_kind kind;
    char *ns, *name;
} key;

typedef struct set {
    char *data; /* the set's bytes */
    size_t len;
    contour_snapshot *alone; /* the set loaded alone */
    key *keys;               /* keys(set) */
    size_t nkeys;
    size_t loose_diags; /* its diagnostics about no stored object */
} set;

/* Which diagnostics a comparison leaves out. */
typedef enum skip_mode { SKIP_NONE, SKIP_CROSS_DUPLICATE, SKIP_NOT_SET_A } skip_mode;

/* What one snapshot gives: its record, its graph's record and its JSON. */
typedef struct outcome {
    fuzz_record snap, graph;
    char *json;
    size_t json_len, json_head; /* json_head: bytes before the "diagnostics" member */
    size_t skipped;             /* load diagnostics left out of the snapshot's record */
} outcome;

static int trace(void)
{
    static int on = -1;
    if (on < 0)
        on = getenv("FUZZ_UPDATE_DEBUG") != NULL;
    return on;
}

/* Writes a record as text, one field a line, and the JSON after it. */
static void dump(const char *path, const outcome *o)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return;
    const fuzz_record *recs[2] = {&o->snap, &o->graph};
    for (int r = 0; r < 2; r++) {
        fprintf(f, "=== %s\n", r ? "graph" : "snapshot");
        for (size_t i = 0; i < recs[r]->len;) {
            unsigned char tag = recs[r]->data[i++];
            size_t v = 0;
            if (tag != 'z') {
                memcpy(&v, recs[r]->data + i, sizeof v);
                i += sizeof v;
            }
            if (tag == 'n')
                fprintf(f, "%zu\n", v);
            else if (tag == 's')
                fprintf(f, "\"%.*s\"\n", (int)v, (const char *)recs[r]->data + i);
            else
                fprintf(f, "(null)\n");
            i += tag == 's' ? v : 0;
        }
    }
    fprintf(f, "=== JSON\n%.*s", (int)o->json_len, o->json);
    fclose(f);
}

/* Traps; with FUZZ_UPDATE_DEBUG set, first writes both sides to fuzz_update.{one,other}. */
static void differ(const char *what, const outcome *x, const outcome *y)
{
    if (trace()) {
        fprintf(stderr, "fuzz_update: %s differ: see fuzz_update.one, fuzz_update.other\n", what);
        dump("fuzz_update.one", x);
        dump("fuzz_update.other", y);
    }
    __builtin_trap();
}

/* "duplicate K ns/name: this definition replaces the one at F:L:C", F another set. */
static int cross_duplicate(const contour_diagnostic *d)
{
    static const char at[] = " replaces the one at ";
    const char *msg = contour_diagnostic_message(d), *file = contour_diagnostic_file(d);
    if (strcmp(contour_diagnostic_code(d), "duplicate-object") != 0 || !file)
        return 0;
    const char *p = NULL;
    for (const char *q = strstr(msg, at); q; q = strstr(q + 1, at))
        p = q + sizeof at - 1;
    FUZZ_CHECK(p != NULL);
    const char *colon = strchr(p, ':');
    FUZZ_CHECK(colon != NULL);
    return (size_t)(colon - p) != strlen(file) || memcmp(p, file, strlen(file)) != 0;
}

static int skip_diag(const contour_diagnostic *d, void *ud)
{
    const char *file = contour_diagnostic_file(d);
    switch (*(const skip_mode *)ud) {
    case SKIP_CROSS_DUPLICATE:
        return cross_duplicate(d);
    case SKIP_NOT_SET_A:
        return file && (strcmp(file, "b") == 0 || strcmp(file, "c") == 0);
    default:
        return 0;
    }
}

static contour_snapshot *new_snapshot(const contour_config *cfg)
{
    contour_snapshot *s = NULL;
    FUZZ_CHECK(contour_snapshot_new(&s, cfg) == CONTOUR_OK);
    return s;
}

static void load(contour_snapshot *s, int i, const set *x)
{
    contour_result st =
        contour_snapshot_load_buffer(s, set_name[i], 1, x->data, x->len, CONTOUR_FORMAT_AUTO);
    FUZZ_CHECK(st == CONTOUR_OK || st == CONTOUR_ERR_LIMIT);
}

static const contour_object *find(const contour_snapshot *s, const key *k)
{
    return contour_snapshot_find(s, k->kind, k->ns, strlen(k->ns), k->name, strlen(k->name));
}

/* Removes the objects of x's keys that s holds. */
static void remove_keys(contour_snapshot *s, const set *x)
{
    for (size_t k = 0; k < x->nkeys; k++) {
        const key *kk = &x->keys[k];
        int present = find(s, kk) != NULL;
        contour_result st = contour_snapshot_remove(s, kk->kind, kk->ns, strlen(kk->ns), kk->name,
                                                    strlen(kk->name));
        FUZZ_CHECK(st == (present ? CONTOUR_OK : CONTOUR_ERR_NOT_FOUND));
        FUZZ_CHECK(find(s, kk) == NULL);
    }
}

/* Loads x alone: its keys and its diagnostics about no stored object. */
static void survey(set *x, int i, const contour_config *cfg)
{
    contour_snapshot *s = x->alone = new_snapshot(cfg);
    load(s, i, x);
    size_t object_diags = 0, count = 0;
    for (int k = 1; k <= (int)contour_kind_count(); k++)
        count += contour_snapshot_object_count(s, (contour_kind)k);
    x->keys = calloc(count ? count : 1, sizeof *x->keys);
    FUZZ_CHECK(x->keys != NULL);
    for (int k = 1; k <= (int)contour_kind_count(); k++) {
        for (size_t j = 0; j < contour_snapshot_object_count(s, (contour_kind)k); j++) {
            const contour_object *o = contour_snapshot_object_at(s, (contour_kind)k, j);
            key *kk = &x->keys[x->nkeys++];
            kk->kind = (contour_kind)k;
            kk->ns = strdup(contour_object_namespace(o));
            kk->name = strdup(contour_object_name(o));
            FUZZ_CHECK(kk->ns && kk->name);
            object_diags += contour_object_diagnostic_count(o);
        }
    }
    FUZZ_CHECK(contour_snapshot_diagnostic_count(s) >= object_diags);
    x->loose_diags = contour_snapshot_diagnostic_count(s) - object_diags;
}

/* Whether a set in order[from..to) holds k. */
static int held(const set *sets, const int *order, int from, int to, const key *k)
{
    for (int j = from; j < to; j++)
        if (find(sets[order[j]].alone, k))
            return 1;
    return 0;
}

/* How many keys more than one set has. */
static size_t keys_in_several_sets(const set *sets, const int *order, int n)
{
    size_t count = 0;
    for (int j = 0; j < n; j++) {
        const set *x = &sets[order[j]];
        for (size_t k = 0; k < x->nkeys; k++) /* counted at its last set */
            count +=
                held(sets, order, 0, j, &x->keys[k]) && !held(sets, order, j + 1, n, &x->keys[k]);
    }
    return count;
}

/* Records s and the graph resolved from it, leaving out the diagnostics `mode` selects. */
static void take(outcome *out, const contour_snapshot *s, skip_mode mode)
{
    static const char marker[] = "\n  \"diagnostics\": [";
    memset(out, 0, sizeof *out);
    out->snap.skip = out->graph.skip = skip_diag;
    out->snap.ud = out->graph.ud = &mode;
    for (size_t i = 0; i < contour_snapshot_diagnostic_count(s); i++)
        out->skipped += (size_t)skip_diag(contour_snapshot_diagnostic_at(s, i), &mode);

    fuzz_rec = &out->snap;
    (void)fuzz_walk_snapshot(s);
    contour_graph *g = NULL;
    FUZZ_CHECK(contour_resolve(&g, s, NULL) == CONTOUR_OK);
    fuzz_rec = &out->graph;
    (void)fuzz_walk_graph(g);
    fuzz_rec = NULL;

    contour_buffer *b = NULL;
    FUZZ_CHECK(contour_graph_render(&b, g, CONTOUR_OUTPUT_JSON) == CONTOUR_OK);
    out->json_len = contour_buffer_size(b);
    out->json = malloc(out->json_len + 1);
    FUZZ_CHECK(out->json != NULL);
    memcpy(out->json, contour_buffer_data(b), out->json_len + 1);
    const char *head = memmem(out->json, out->json_len, marker, sizeof marker - 1);
    FUZZ_CHECK(head != NULL);
    out->json_head = (size_t)(head - out->json);
    contour_buffer_free(b);
    contour_graph_free(g);
}

static void release(outcome *o)
{
    free(o->snap.data);
    free(o->graph.data);
    free(o->json);
}

static int same_record(const fuzz_record *x, const fuzz_record *y)
{
    return x->len == y->len && (x->len == 0 || memcmp(x->data, y->data, x->len) == 0);
}

/* x and y are equal: the records, and the JSON up to "diagnostics" (all of it if `whole`). */
static void check_equal(const outcome *x, const outcome *y, int whole)
{
    if (!same_record(&x->snap, &y->snap))
        differ("snapshots", x, y);
    if (!same_record(&x->graph, &y->graph))
        differ("graphs", x, y);
    if (x->json_head != y->json_head || memcmp(x->json, y->json, x->json_head) != 0)
        differ("JSON renderings", x, y);
    if (whole && (x->json_len != y->json_len || memcmp(x->json, y->json, x->json_len) != 0))
        differ("JSON diagnostics", x, y);
}

/* Loads the sets in `order`, loudly or quietly. */
static contour_snapshot *load_all(const contour_config *cfg, const set *sets, const int *order,
                                  int n, int quiet)
{
    contour_snapshot *s = new_snapshot(cfg);
    for (int j = 0; j < n; j++) {
        if (quiet)
            remove_keys(s, &sets[order[j]]);
        load(s, order[j], &sets[order[j]]);
    }
    return s;
}

/* x equals y (which leaves nothing out), but for the `expect` load diagnostics `mode` leaves
 * out of x; the JSON is compared in full when there are none. */
static void compare(const contour_snapshot *x, const contour_snapshot *y, skip_mode mode,
                    size_t expect, const char *what)
{
    outcome ox, oy;
    take(&ox, x, mode);
    take(&oy, y, mode);
    FUZZ_CHECK(oy.skipped == 0);
    if (ox.skipped != expect)
        differ(what, &ox, &oy);
    check_equal(&ox, &oy, expect == 0);
    release(&ox);
    release(&oy);
}

/* Invariant 1 for one order; returns S's outcome, everything kept (the caller releases it). */
static outcome later_wins(const contour_config *cfg, const set *sets, const int *order, int n)
{
    contour_snapshot *loud = load_all(cfg, sets, order, n, 0);
    contour_snapshot *quiet = load_all(cfg, sets, order, n, 1);
    compare(loud, quiet, SKIP_CROSS_DUPLICATE, keys_in_several_sets(sets, order, n),
            "duplicate-object warning counts");
    outcome l;
    take(&l, loud, SKIP_NONE);
    contour_snapshot_free(quiet);
    contour_snapshot_free(loud);
    return l;
}

/* Cuts the content into n sets. */
static void split(set *sets, int n, uint8_t how, uint16_t mask, const char *p, size_t len)
{
    for (int i = 0; i < n; i++) {
        sets[i].data = malloc(len + 1);
        FUZZ_CHECK(sets[i].data != NULL);
    }
    if (how & 2) {
        size_t lo = (size_t)(mask & 0xff) * len / 256, hi = (size_t)(mask >> 8) * len / 256;
        if (lo > hi) {
            size_t t = lo;
            lo = hi;
            hi = t;
        }
        size_t from[MAX_SETS] = {0, lo, hi}, to[MAX_SETS] = {lo, n == 2 ? len : hi, len};
        for (int i = 0; i < n; i++) {
            sets[i].len = to[i] - from[i];
            memcpy(sets[i].data, p + from[i], sets[i].len);
        }
        return;
    }
    size_t doc = 0, start = 0;
    for (size_t i = 1; i <= len; i++) {
        int boundary =
            i == len ||
            (p[i - 1] == '\n' && ((len - i >= 3 && memcmp(p + i, "---", 3) == 0) || p[i] == '{'));
        if (!boundary)
            continue;
        set *x = &sets[((mask >> (2 * (doc % 8))) & 3) % (unsigned)n];
        memcpy(x->data + x->len, p + start, i - start);
        x->len += i - start;
        start = i;
        doc++;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    contour_config *cfg = fuzz_config(data[0]);
    FUZZ_CHECK(cfg != NULL);
    int n = (data[1] & 1) ? 3 : 2;
    set sets[MAX_SETS];
    memset(sets, 0, sizeof sets);
    split(sets, n, data[1], (uint16_t)(data[2] | data[3] << 8), (const char *)data + 4, size - 4);
    for (int i = 0; i < n; i++)
        survey(&sets[i], i, cfg);

    /* 1. Later wins, in both orders. */
    static const int forward[MAX_SETS] = {0, 1, 2}, backward[2][MAX_SETS] = {{1, 0}, {2, 1, 0}};
    outcome fwd = later_wins(cfg, sets, forward, n);
    outcome bwd = later_wins(cfg, sets, backward[n - 2], n);

    /* 2. Without shared keys, the order does not matter. */
    size_t shared = keys_in_several_sets(sets, forward, n);
    if (trace())
        fprintf(stderr,
                "fuzz_update: %d sets of %zu %zu %zu keys, %zu %zu %zu loose diagnostics, %zu keys "
                "in several\n",
                n, sets[0].nkeys, sets[1].nkeys, sets[2].nkeys, sets[0].loose_diags,
                sets[1].loose_diags, sets[2].loose_diags, shared);
    if (shared == 0)
        check_equal(&fwd, &bwd, 1);
    release(&fwd);
    release(&bwd);

    /* 3. Removing every object of b and c leaves what a alone gives, less those keys. */
    size_t loose = 0;
    contour_snapshot *s = load_all(cfg, sets, forward, n, 0);
    contour_snapshot *a = sets[0].alone;
    for (int i = 1; i < n; i++) {
        remove_keys(s, &sets[i]);
        remove_keys(a, &sets[i]);
        loose += sets[i].loose_diags;
    }
    compare(s, a, SKIP_NOT_SET_A, loose, "diagnostics about no object");
    contour_snapshot_free(s);

    for (int i = 0; i < n; i++) {
        for (size_t k = 0; k < sets[i].nkeys; k++) {
            free(sets[i].keys[k].ns);
            free(sets[i].keys[k].name);
        }
        free(sets[i].keys);
        free(sets[i].data);
        contour_snapshot_free(sets[i].alone);
    }
    contour_config_free(cfg);
    return 0;
}
