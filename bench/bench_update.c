/*
 * The per-change cost of a long-lived controller (issue 9, "Proof"): a snapshot fed one
 * object per source, as watch events would feed it, and a stream of changes applied one
 * at a time — each one set_source (or remove_source), contour_resolve_update() from the
 * previous graph, contour_diff_graphs() and a walk of the diff.
 *
 *   bench_update [--shape units|realistic] [--seed N] [N]      a generated cluster (100000)
 *   bench_update --cluster PATH... [options]                   files or directories
 *
 *   --changes N        changes to apply (10000)
 *   --mix SPEC         the change mix, e.g. ir=60,svc=15,ing=10,secret=5,del=5,new=5
 *   --verify-every K   every K changes, a full contour_resolve of the same snapshot must
 *                      render the same JSON bytes (100; 0: never)
 *   --keep K           graph versions kept alive (1: the previous one only)
 *   --out-dir DIR      where a mismatch's two JSON graphs go (.)
 *
 * Prints the load time, the time per change as a whole and per phase (median, p90, p99,
 * max), per kind of change, RSS and the library's own bytes (a counting allocator) every
 * 10% of the changes, what the diffs held, and the bytes each update added. bench/README.md
 * describes the mix and the results.
 */
#include "benchutil.h"
#include "cluster.h"
#include "shape.h"
#include "update.h"

#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- the change mix ------------------------------------------------------------------- */

enum { MIX_IR, MIX_SVC, MIX_ING, MIX_SECRET, MIX_DEL, MIX_NEW, MIX_COUNT };

static const char *const mix_names[MIX_COUNT] = {"ir", "svc", "ing", "secret", "del", "new"};
static const contour_kind mix_kinds[MIX_COUNT] = {
    CONTOUR_KIND_INGRESSROUTE, CONTOUR_KIND_SERVICE,      CONTOUR_KIND_INGRESS,
    CONTOUR_KIND_SECRET,       CONTOUR_KIND_INGRESSROUTE, CONTOUR_KIND_INGRESSROUTE};

/* New objects alive at once: past this, a "new" change deletes the oldest instead (a
 * twentieth of the objects loaded, 4 to 256, so the cluster keeps its size). */
#define NEW_CAP 256
/* Deleted IngressRoutes waiting to be created again: past this, "del" recreates (a
 * fiftieth of the objects loaded, 2 to 64). */
#define DELETED_CAP 64

static void parse_mix(const char *spec, double mix[MIX_COUNT])
{
    for (int k = 0; k < MIX_COUNT; k++)
        mix[k] = 0;
    const char *p = spec;
    while (*p) {
        int k = 0;
        size_t n = strcspn(p, "=");
        for (; k < MIX_COUNT; k++)
            if (strlen(mix_names[k]) == n && strncmp(p, mix_names[k], n) == 0)
                break;
        if (k == MIX_COUNT || p[n] != '=') {
            fprintf(stderr,
                    "--mix: \"%s\": expected NAME=SHARE,... with NAME among ir, svc, ing, "
                    "secret, del, new\n",
                    spec);
            exit(2);
        }
        char *end;
        mix[k] = strtod(p + n + 1, &end);
        if (end == p + n + 1 || mix[k] < 0 || (*end && *end != ',')) {
            fprintf(stderr, "--mix: bad share in \"%s\"\n", spec);
            exit(2);
        }
        p = *end ? end + 1 : end;
    }
}

/* ---- timing histograms ---------------------------------------------------------------- */

#define PER_DECADE 200
#define DECADES    13

/* Percentiles from a log histogram (1.2% wide buckets); exact min, max and mean. */
typedef struct hist {
    double lo; /* the smallest value told apart */
    uint64_t b[PER_DECADE * DECADES];
    uint64_t n;
    double min, max, sum;
} hist;

static void hist_init(hist *h, double lo)
{
    memset(h, 0, sizeof *h);
    h->lo = lo;
}

static void hist_add(hist *h, double v)
{
    long i = v > h->lo ? (long)(log10(v / h->lo) * PER_DECADE) : 0;
    if (i >= PER_DECADE * DECADES)
        i = PER_DECADE * DECADES - 1;
    h->b[i]++;
    if (!h->n || v < h->min)
        h->min = v;
    if (!h->n || v > h->max)
        h->max = v;
    h->n++;
    h->sum += v;
}

static double hist_pct(const hist *h, double p)
{
    if (!h->n)
        return 0;
    uint64_t rank = (uint64_t)ceil(p * (double)h->n), seen = 0;
    if (rank < 1)
        rank = 1;
    for (size_t i = 0; i < PER_DECADE * DECADES; i++) {
        seen += h->b[i];
        if (seen >= rank) {
            double v = h->lo * pow(10, ((double)i + 0.5) / PER_DECADE);
            return v < h->min ? h->min : v > h->max ? h->max : v;
        }
    }
    return h->max;
}

static void hist_print_ms(const char *what, const hist *h)
{
    if (!h->n) {
        printf("  %-34s %10s\n", what, "-");
        return;
    }
    printf("  %-34s %10.3f %9.3f %9.3f %9.3f %9.3f %9llu\n", what, hist_pct(h, 0.5) * 1e3,
           hist_pct(h, 0.9) * 1e3, hist_pct(h, 0.99) * 1e3, h->max * 1e3,
           h->sum / (double)h->n * 1e3, (unsigned long long)h->n);
}

/* ---- memory and load -------------------------------------------------------------------- */

static void proc_status(long *rss_kb, long *hwm_kb)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    *rss_kb = *hwm_kb = -1;
    while (f && fgets(line, sizeof line, f)) {
        if (sscanf(line, "VmRSS: %ld kB", rss_kb) == 1)
            continue;
        sscanf(line, "VmHWM: %ld kB", hwm_kb);
    }
    if (f)
        fclose(f);
}

static void loadavg(char *out, size_t size)
{
    FILE *f = fopen("/proc/loadavg", "r");
    double a = -1, b = -1, c = -1;
    if (f) {
        if (fscanf(f, "%lf %lf %lf", &a, &b, &c) != 3)
            a = b = c = -1;
        fclose(f);
    }
    snprintf(out, size, "%.2f %.2f %.2f", a, b, c);
}

static void memory_line(const char *when, const bench_counter *lib)
{
    long rss, hwm;
    char la[64];
    proc_status(&rss, &hwm);
    loadavg(la, sizeof la);
    printf("  %-22s RSS %8.1f MB  peak %8.1f MB  library %8.1f MB  (load %s)\n", when,
           (double)rss / 1024, (double)hwm / 1024, (double)lib->live / 1e6, la);
    fflush(stdout);
}

/* ---- the library's memory by block size ---------------------------------------------- */

/* Size classes of the library's live blocks: [2^k, 2^(k+1)) bytes. */
#define CLASSES 48

/* benchutil.c's counting allocator, and the live blocks and bytes in each size class: a
 * resolution's records are carved from slabs of 4 KiB to 256 KiB (lib/arena.c), so the
 * classes show how much of a graph sits in slabs. Atomic: loading may use several
 * threads. */
typedef struct lib_mem {
    bench_counter c;
    size_t blocks[CLASSES], bytes[CLASSES];
} lib_mem;

#define MEM_HDR 16

static int size_class(size_t n)
{
    int k = 0;
    while (k < CLASSES - 1 && ((size_t)2 << k) <= n)
        k++;
    return k;
}

static void mem_count(lib_mem *m, size_t n, int sign)
{
    size_t live = sign > 0 ? __atomic_add_fetch(&m->c.live, n, __ATOMIC_RELAXED)
                           : __atomic_sub_fetch(&m->c.live, n, __ATOMIC_RELAXED);
    size_t peak = __atomic_load_n(&m->c.peak, __ATOMIC_RELAXED);
    while (live > peak && !__atomic_compare_exchange_n(&m->c.peak, &peak, live, 1, __ATOMIC_RELAXED,
                                                       __ATOMIC_RELAXED))
        ;
    int k = size_class(n);
    if (sign > 0) {
        __atomic_add_fetch(&m->blocks[k], 1, __ATOMIC_RELAXED);
        __atomic_add_fetch(&m->bytes[k], n, __ATOMIC_RELAXED);
    } else {
        __atomic_sub_fetch(&m->blocks[k], 1, __ATOMIC_RELAXED);
        __atomic_sub_fetch(&m->bytes[k], n, __ATOMIC_RELAXED);
    }
}

static void *mem_malloc(size_t n, void *ud)
{
    unsigned char *p = malloc(n + MEM_HDR);
    if (!p)
        return NULL;
    memcpy(p, &n, sizeof n);
    mem_count(ud, n, 1);
    return p + MEM_HDR;
}

static void mem_free(void *ptr, void *ud)
{
    unsigned char *p = (unsigned char *)ptr - MEM_HDR;
    size_t n;
    memcpy(&n, p, sizeof n);
    mem_count(ud, n, -1);
    free(p);
}

static void *mem_realloc(void *ptr, size_t n, void *ud)
{
    unsigned char *p = (unsigned char *)ptr - MEM_HDR;
    size_t old;
    memcpy(&old, p, sizeof old);
    unsigned char *q = realloc(p, n + MEM_HDR);
    if (!q)
        return NULL;
    memcpy(q, &n, sizeof n);
    mem_count(ud, old, -1);
    mem_count(ud, n, 1);
    return q + MEM_HDR;
}

typedef struct mem_classes {
    size_t blocks[CLASSES], bytes[CLASSES];
} mem_classes;

static void mem_classes_get(const lib_mem *m, mem_classes *out)
{
    memcpy(out->blocks, m->blocks, sizeof out->blocks);
    memcpy(out->bytes, m->bytes, sizeof out->bytes);
}

/* ---- the cluster, one object per source ------------------------------------------------- */

typedef struct state {
    lib_mem mem;
    contour_config *cfg;
    contour_snapshot *snap;
    upd_cluster c;
    upd_rng rng;
    upd_ids deleted;                            /* IngressRoutes deleted, to be created again */
    size_t fresh[NEW_CAP], fresh_head, fresh_n; /* new objects, oldest first (a ring) */
    size_t new_cap, deleted_cap;
    size_t unmodelled; /* sources of kinds the library skips */
} state;

static void fail(const char *what, contour_result st)
{
    fprintf(stderr, "bench_update: %s failed: %s\n", what, contour_result_str(st));
    exit(1);
}

static int loaded(const state *s, const upd_obj *o)
{
    return contour_snapshot_find(s->snap, o->kind, o->ns, strlen(o->ns), o->name,
                                 strlen(o->name)) != NULL;
}

/* How the cluster goes into the snapshot, one source per object either way. */
typedef enum load_mode {
    LOAD_EACH, /* contour_snapshot_set_source() per document, as watch events would add them */
    LOAD_DIR   /* one file per document under a directory, one contour_snapshot_load_path() */
} load_mode;

static int write_file(const char *path, const char *data, size_t len);

/* --load dir: the directory the documents are written to (created; it must not exist),
 * or a new one under $TMPDIR. */
static char *make_load_dir(const char *want)
{
    if (want) {
        if (mkdir(want, 0700) != 0) {
            fprintf(stderr, "bench_update: --load-dir %s: %s (it must not exist)\n", want,
                    strerror(errno));
            exit(2);
        }
        return strdup(want);
    }
    const char *tmp = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/bench_update-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(path)) {
        perror(path);
        exit(2);
    }
    return strdup(path);
}

/* Creates the directories above `path` (its last component is a file). */
static int make_parents(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = strchr(buf + 1, '/'); p; p = strchr(p + 1, '/')) {
        *p = 0;
        if (mkdir(buf, 0700) != 0 && errno != EEXIST) {
            perror(buf);
            return -1;
        }
        *p = '/';
    }
    return 0;
}

/* nftw: removes what --load dir wrote, the directory last. */
static int remove_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    if ((type == FTW_DP ? rmdir(path) : unlink(path)) != 0)
        perror(path);
    return 0;
}

/* Splits the inputs, indexes the objects (a later definition of one kind, namespace and
 * name replaces an earlier one, as loading them in order would) and loads every document
 * under a source of its own: with set_source one at a time (LOAD_EACH), or written to a
 * file each and loaded with one contour_snapshot_load_path() (LOAD_DIR; the files are
 * removed afterwards, the sources keep their names). */
static void load(state *s, bench_input *in, size_t count, load_mode mode, const char *want_dir)
{
    upd_docs docs;
    memset(&docs, 0, sizeof docs);
    for (size_t i = 0; i < count; i++) {
        if (upd_split_input(&docs, &in[i]) != 0)
            exit(2);
        free(in[i].data);
        in[i].data = NULL;
    }
    const char *defns = contour_config_default_namespace(s->cfg);
    size_t dups = 0, unnamed = 0;
    /* doc i is loaded as object obj_of[i], or as a source of its own (SIZE_MAX) */
    size_t *obj_of = calloc(docs.n ? docs.n : 1, sizeof *obj_of);
    if (!obj_of)
        abort();
    for (size_t i = 0; i < docs.n; i++) {
        upd_doc *d = &docs.v[i];
        obj_of[i] = SIZE_MAX;
        if (d->kind == CONTOUR_KIND_NONE || !d->name || !d->name[0]) {
            unnamed += d->kind != CONTOUR_KIND_NONE;
            s->unmodelled += d->kind == CONTOUR_KIND_NONE;
            continue;
        }
        const char *ns = d->ns && d->ns[0] ? d->ns : defns;
        size_t id = upd_find(&s->c, d->kind, ns, d->name);
        if (id != SIZE_MAX) {
            dups++;
            free(s->c.obj[id].orig);
            s->c.obj[id].orig = d->text;
            for (size_t k = 0; k < i; k++)
                if (obj_of[k] == id)
                    obj_of[k] = SIZE_MAX - 1; /* superseded: not loaded */
        } else {
            id = upd_add(&s->c, d->kind, ns, d->name, d->text);
        }
        d->text = NULL;
        obj_of[i] = id;
    }

    char name[4096];
    size_t sources = 0;
    double load_s, write_s = 0;
    if (mode == LOAD_DIR) {
        char *dir = make_load_dir(want_dir);
        double t0 = bench_now();
        for (size_t i = 0; i < docs.n; i++) {
            if (obj_of[i] == SIZE_MAX - 1)
                continue;
            int w;
            if (obj_of[i] == SIZE_MAX) {
                snprintf(name, sizeof name, "%s/_other/%08zu.yaml", dir, i);
                w = make_parents(name) || write_file(name, docs.v[i].text, docs.v[i].len);
            } else {
                upd_obj *o = &s->c.obj[obj_of[i]];
                /* named as the source is in LOAD_EACH, under the directory */
                snprintf(name, sizeof name, "%s/%s.yaml", dir, o->source);
                w = make_parents(name) || write_file(name, o->orig, strlen(o->orig));
                o->file = strdup(name);
                o->file_len = strlen(name);
            }
            if (w != 0)
                exit(2);
            sources++;
        }
        write_s = bench_now() - t0;
        t0 = bench_now();
        contour_result st = contour_snapshot_load_path(s->snap, dir, CONTOUR_FORMAT_AUTO);
        load_s = bench_now() - t0;
        if (st != CONTOUR_OK)
            fail("contour_snapshot_load_path", st);
        if (nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
            perror(dir);
        free(dir);
    } else {
        double t0 = bench_now(), tick = t0;
        size_t step = docs.n >= 10 ? docs.n / 10 : 1;
        for (size_t i = 0; i < docs.n; i++) {
            contour_result st;
            if (i && i % step == 0 && docs.n >= 10000) {
                double now = bench_now();
                printf("  loading: %zu documents in %.1f s; the last %zu: %.1f us each\n", i,
                       now - t0, step, (now - tick) / (double)step * 1e6);
                fflush(stdout);
                tick = now;
            }
            if (obj_of[i] == SIZE_MAX - 1)
                continue;
            if (obj_of[i] == SIZE_MAX) {
                snprintf(name, sizeof name, "%s#%zu", docs.v[i].file, docs.v[i].position + 1);
                st = contour_snapshot_set_source(s->snap, name, strlen(name), docs.v[i].text,
                                                 docs.v[i].len, CONTOUR_FORMAT_YAML);
            } else {
                upd_obj *o = &s->c.obj[obj_of[i]];
                st = contour_snapshot_set_source(s->snap, o->source, o->source_len, o->orig,
                                                 strlen(o->orig), CONTOUR_FORMAT_YAML);
            }
            if (st != CONTOUR_OK)
                fail("contour_snapshot_set_source", st);
            sources++;
        }
        load_s = bench_now() - t0;
    }

    size_t missing = 0;
    for (size_t i = 0; i < s->c.nobj; i++) {
        s->c.obj[i].alive = loaded(s, &s->c.obj[i]);
        if (!s->c.obj[i].alive && missing++ < 3)
            fprintf(stderr, "note: %s did not load (a bad document); never changed\n",
                    s->c.obj[i].source);
    }
    printf("documents: %zu (%zu JSON List items converted to block YAML; %zu empty, %zu kind: "
           "List skipped)\n",
           docs.n, docs.json_items, docs.empty, docs.lists);
    printf("sources: %zu, one per object: %zu objects (%zu did not load), %zu of kinds the "
           "library skips, %zu without a name; %zu later definitions replaced earlier ones\n",
           sources, s->c.nobj, missing, s->unmodelled, unnamed, dups);
    if (mode == LOAD_DIR)
        printf("load, one file per document (written in %.2f s), one load_path: %.2f s (%.1f us "
               "per source)\n",
               write_s, load_s, load_s / (double)(sources ? sources : 1) * 1e6);
    else
        printf("load, one set_source per document: %.2f s (%.1f us per source)\n", load_s,
               load_s / (double)(sources ? sources : 1) * 1e6);
    s->new_cap = s->c.nobj / 20 < 4 ? 4 : s->c.nobj / 20 > NEW_CAP ? NEW_CAP : s->c.nobj / 20;
    s->deleted_cap = s->c.nobj / 50 < 2             ? 2
                     : s->c.nobj / 50 > DELETED_CAP ? DELETED_CAP
                                                    : s->c.nobj / 50;
    free(obj_of);
    upd_docs_free(&docs);
}

/* ---- one change ------------------------------------------------------------------------ */

typedef struct change {
    int mix;
    upd_edit what;
    size_t id;
    char *text;   /* the new text (owned), or NULL to delete */
    int recreate; /* text is the object's current text, not owned */
} change;

typedef char *(*edit_fn)(upd_cluster *, size_t, upd_rng *, upd_edit *);

static int draw_edit(state *s, int mix, change *ch)
{
    static const edit_fn fns[] = {upd_edit_ingressroute, upd_edit_service, upd_edit_ingress,
                                  upd_edit_secret};
    for (int tries = 0; tries < 8; tries++) {
        size_t id = upd_pick(&s->c, &s->rng, mix_kinds[mix], SIZE_MAX, SIZE_MAX);
        if (id == SIZE_MAX)
            return 0;
        ch->text = fns[mix](&s->c, id, &s->rng, &ch->what);
        if (ch->text) {
            ch->id = id;
            return 1;
        }
    }
    return 0;
}

static int draw_delete(state *s, change *ch)
{
    if (s->deleted.n && (s->deleted.n >= s->deleted_cap || upd_chance(&s->rng, 50))) {
        size_t k = upd_below(&s->rng, s->deleted.n);
        ch->id = s->deleted.v[k];
        s->deleted.v[k] = s->deleted.v[--s->deleted.n];
        ch->text = (char *)upd_text(&s->c.obj[ch->id]);
        ch->recreate = 1;
        ch->what = ED_RECREATE;
        return 1;
    }
    for (int tries = 0; tries < 16; tries++) {
        size_t id = upd_pick(&s->c, &s->rng, CONTOUR_KIND_INGRESSROUTE, SIZE_MAX, SIZE_MAX);
        if (id != SIZE_MAX && !s->c.obj[id].created) {
            upd_ids_push(&s->deleted, id);
            ch->id = id;
            ch->what = ED_DELETE;
            return 1;
        }
    }
    return 0;
}

static int draw_new(state *s, change *ch)
{
    if (s->fresh_n == s->new_cap) {
        ch->id = s->fresh[s->fresh_head];
        s->fresh_head = (s->fresh_head + 1) % NEW_CAP;
        s->fresh_n--;
        ch->what = ED_RETIRE;
        return 1;
    }
    size_t near = upd_pick(&s->c, &s->rng, CONTOUR_KIND_INGRESSROUTE, SIZE_MAX, SIZE_MAX);
    if (near == SIZE_MAX)
        return 0;
    int root = upd_chance(&s->rng, 50);
    char *name;
    char *text = upd_new_ingressroute(&s->c, near, &s->rng, root, &name);
    size_t ns = s->c.obj[near].ns_id;
    ch->id = upd_add(&s->c, CONTOUR_KIND_INGRESSROUTE, s->c.ns[ns].name, name, text);
    free(name);
    s->c.obj[ch->id].created = 1;
    s->fresh[(s->fresh_head + s->fresh_n++) % NEW_CAP] = ch->id;
    ch->text = text;
    ch->recreate = 1; /* the text is the object's orig */
    ch->what = root ? ED_NEW_ROOT : ED_NEW_CHILD;
    return 1;
}

static int pick_mix(state *s, const double mix[MIX_COUNT])
{
    double total = 0;
    for (int k = 0; k < MIX_COUNT; k++)
        total += mix[k];
    double x = (double)(upd_rand(&s->rng) >> 11) / 9007199254740992.0 * total;
    for (int k = 0; k < MIX_COUNT; k++) {
        if (x < mix[k])
            return k;
        x -= mix[k];
    }
    return MIX_IR;
}

static void draw(state *s, const double mix[MIX_COUNT], change *ch)
{
    for (int tries = 0; tries < 1000; tries++) {
        memset(ch, 0, sizeof *ch);
        ch->mix = pick_mix(s, mix);
        int ok = ch->mix == MIX_DEL   ? draw_delete(s, ch)
                 : ch->mix == MIX_NEW ? draw_new(s, ch)
                                      : draw_edit(s, ch->mix, ch);
        if (ok)
            return;
    }
    fprintf(stderr, "bench_update: no change of the mix applies to this cluster\n");
    exit(2);
}

/* ---- the diff, read as a controller would ------------------------------------------------ */

typedef struct diff_totals {
    uint64_t vhosts[3], routes[3], statuses[3], tls, diags_added, diags_resolved, empty;
    uint64_t bytes; /* of the strings read, so the walk is not optimised away */
} diff_totals;

static void walk(const contour_diff *d, diff_totals *t)
{
    t->empty += contour_diff_is_empty(d);
    size_t nv = contour_diff_vhost_count(d);
    for (size_t i = 0; i < nv; i++) {
        const contour_vhost_change *vc = contour_diff_vhost_at(d, i);
        t->vhosts[contour_vhost_change_kind(vc)]++;
        t->bytes += strlen(contour_vhost_change_fqdn(vc)) + contour_vhost_change_port(vc);
        t->tls += contour_vhost_change_tls_changed(vc);
        size_t nr = contour_vhost_change_route_count(vc);
        for (size_t j = 0; j < nr; j++) {
            const contour_route_change *rc = contour_vhost_change_route_at(vc, j);
            t->routes[contour_route_change_kind(rc)]++;
            const contour_route *r = contour_route_change_new(rc);
            t->bytes +=
                strlen(contour_route_change_path(rc)) + (r ? contour_route_cluster_count(r) : 0);
        }
    }
    size_t ns = contour_diff_status_count(d);
    for (size_t i = 0; i < ns; i++) {
        const contour_status_change *sc = contour_diff_status_at(d, i);
        t->statuses[contour_status_change_kind(sc)]++;
        const contour_status *st = contour_status_change_new(sc);
        if (st)
            t->bytes += (uint64_t)contour_status_state(st) + strlen(contour_status_name(st));
    }
    size_t na = contour_diff_added_diagnostic_count(d);
    for (size_t i = 0; i < na; i++)
        t->bytes += strlen(contour_diagnostic_code(contour_diff_added_diagnostic_at(d, i)));
    t->diags_added += na;
    t->diags_resolved += contour_diff_resolved_diagnostic_count(d);
}

/* ---- verification ------------------------------------------------------------------------ */

static contour_buffer *render(const contour_graph *g)
{
    contour_buffer *b;
    contour_result st = contour_graph_render(&b, g, CONTOUR_OUTPUT_JSON);
    if (st != CONTOUR_OK)
        fail("contour_graph_render", st);
    return b;
}

static int write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    int ok = f && fwrite(data, 1, len, f) == len;
    if (f && fclose(f) != 0)
        ok = 0;
    if (!ok)
        perror(path);
    return ok ? 0 : -1;
}

/* A full resolve of the snapshot must render the bytes the incremental graph renders. */
static void verify(state *s, const contour_graph *inc, size_t index, const change *ch,
                   const char *out_dir, size_t *checks)
{
    contour_graph *full;
    contour_result st = contour_resolve(&full, s->snap, NULL);
    if (st != CONTOUR_OK)
        fail("contour_resolve", st);
    contour_buffer *a = render(inc), *b = render(full);
    size_t na = contour_buffer_size(a), nb = contour_buffer_size(b);
    if (na != nb || memcmp(contour_buffer_data(a), contour_buffer_data(b), na) != 0) {
        char p1[4096], p2[4096];
        snprintf(p1, sizeof p1, "%s/bench_update-%zu-incremental.json", out_dir, index);
        snprintf(p2, sizeof p2, "%s/bench_update-%zu-full.json", out_dir, index);
        write_file(p1, contour_buffer_data(a), na);
        write_file(p2, contour_buffer_data(b), nb);
        fprintf(stderr,
                "MISMATCH after change %zu (%s on %s): the incremental graph (%zu bytes) differs "
                "from a full resolve (%zu bytes); written to %s and %s\n",
                index, upd_edit_names[ch->what], s->c.obj[ch->id].source, na, nb, p1, p2);
        exit(1);
    }
    contour_buffer_free(a);
    contour_buffer_free(b);
    contour_graph_free(full);
    (*checks)++;
}

/* ---- the run ------------------------------------------------------------------------------ */

typedef struct options {
    size_t changes, rounds, verify_every, keep, rss_every;
    double mix[MIX_COUNT];
    const char *out_dir, *load_dir;
    load_mode load;
    uint32_t threads;
    uint64_t seed;
} options;

enum { PH_SET, PH_UPDATE, PH_DIFF, PH_WALK, PH_CHANGE, PH_FREE, PH_COUNT };
static const char *const phase_names[PH_COUNT] = {
    "  set_source / remove_source",  "  contour_resolve_update",
    "  contour_diff_graphs",         "  walk the diff",
    "change (set+update+diff+walk)", "free (oldest graph + diff)"};

/* CPU time of the process (every thread: the library's workers too, with --threads > 1):
 * beside a phase's wall time, it tells the work from the time the scheduler gave others. */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* What one read of each clock costs (the median of 1001), in seconds. */
static void clock_costs(double *wall, double *cpu)
{
    double v[1001], w[1001];
    for (int i = 0; i < 1001; i++) {
        double a = bench_now();
        (void)bench_now();
        double b = bench_now();
        (void)cpu_now();
        double c = bench_now();
        v[i] = b - a;
        w[i] = c - b;
    }
    *wall = bench_median(v, 1001) / 2;
    *cpu = bench_median(w, 1001) - *wall;
}

static double rusage_cpu(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

#define RING 4096

/* Memory and load over a round, from its rows. */
typedef struct trend {
    size_t rows;
    double rss_first, rss_last, rss_min, rss_max; /* MB */
    double lib_first, lib_last, lib_max;          /* MB */
    double load_min, load_max, load_sum;
} trend;

/* The graphs kept alive, oldest first, and what one round of changes measured. */
typedef struct runner {
    contour_graph *ring[RING];
    size_t head, n;
    size_t full_graph; /* bytes of the first, full resolve */
    double mix[MIX_COUNT];
    size_t checks; /* verifications passed */
    hist wall[PH_COUNT], cpu[PH_COUNT], by_mix[MIX_COUNT], added;
    hist row_wall, row_cpu; /* the changes since the last memory row */
    uint64_t edits[ED_COUNT], drawn[MIX_COUNT], unloaded, looked_full;
    diff_totals dt;
    trend tr;
    change last; /* the last change applied (its text is not kept) */
} runner;

static contour_graph *newest(const runner *r)
{
    return r->ring[(r->head + r->n - 1) % RING];
}

static void drop_oldest(runner *r)
{
    contour_graph_free(r->ring[r->head]);
    r->head = (r->head + 1) % RING;
    r->n--;
}

static void print_mix(const char *what, const double mix[MIX_COUNT])
{
    double total = 0;
    for (int k = 0; k < MIX_COUNT; k++)
        total += mix[k];
    printf("%s", what);
    for (int k = 0; k < MIX_COUNT; k++)
        printf("%s%s=%.1f%%", k ? "," : " ", mix_names[k], total ? mix[k] / total * 100 : 0);
    printf("\n");
}

/* The mix, less what the cluster has nothing for; the first, full resolve. */
static void start(state *s, runner *r, const options *opt)
{
    memcpy(r->mix, opt->mix, sizeof r->mix);
    for (int k = 0; k < MIX_COUNT; k++)
        if (r->mix[k] > 0 && k != MIX_NEW &&
            upd_pick(&s->c, &s->rng, mix_kinds[k], SIZE_MAX, SIZE_MAX) == SIZE_MAX) {
            printf("mix: no %s object to change; its share %.0f is dropped\n",
                   contour_kind_name(mix_kinds[k]), r->mix[k]);
            r->mix[k] = 0;
        }
    print_mix("mix:", r->mix);
    printf("  (new: at most %zu new objects alive, then the oldest is deleted; del: at most %zu "
           "deleted IngressRoutes waiting to be created again)\n",
           s->new_cap, s->deleted_cap);

    size_t before = s->mem.c.live;
    double t0 = bench_now(), c0 = cpu_now();
    contour_result st = contour_resolve(&r->ring[0], s->snap, NULL);
    if (st != CONTOUR_OK)
        fail("contour_resolve", st);
    double resolve_s = bench_now() - t0, resolve_cpu = cpu_now() - c0;
    r->head = 0;
    r->n = 1;
    r->full_graph = s->mem.c.live - before;
    bench_shape shape;
    bench_shape_measure(&shape, s->snap);
    bench_shape_add_statuses(&shape, r->ring[0]);
    bench_shape_print_summary(stdout, &shape);
    char la[64];
    loadavg(la, sizeof la);
    printf("full resolve: %.1f ms (CPU %.1f ms), graph %.1f MB (counting allocator); snapshot "
           "%.1f MB  (load %s)\n",
           resolve_s * 1e3, resolve_cpu * 1e3, (double)r->full_graph / 1e6, (double)before / 1e6,
           la);
    memory_line("after the first resolve", &s->mem.c);
}

/* One change, timed: the snapshot, the new graph, the diff, the walk; then the oldest
 * graph kept and the diff are freed. Each phase's wall time leaves out the CPU clock reads
 * between phases; its CPU time includes about one. */
static void apply(state *s, runner *r, const options *opt, size_t index)
{
    change ch;
    draw(s, r->mix, &ch);
    upd_obj *o = &s->c.obj[ch.id];
    size_t src_len;
    const char *src = upd_source(o, &src_len);
    contour_graph *prev = newest(r), *next;
    contour_diff *d;
    contour_result st;
    double w[PH_COUNT], c[PH_COUNT + 1], t;

    c[0] = cpu_now();
    t = bench_now();
    if (ch.text)
        st = contour_snapshot_set_source(s->snap, src, src_len, ch.text, strlen(ch.text),
                                         CONTOUR_FORMAT_YAML);
    else
        st = contour_snapshot_remove_source(s->snap, src, src_len);
    w[PH_SET] = bench_now() - t;
    c[1] = cpu_now();
    if (st != CONTOUR_OK)
        fail(ch.text ? "contour_snapshot_set_source" : "contour_snapshot_remove_source", st);
    size_t live = s->mem.c.live;
    t = bench_now();
    st = contour_resolve_update(&next, s->snap, prev, NULL);
    w[PH_UPDATE] = bench_now() - t;
    c[2] = cpu_now();
    if (st != CONTOUR_OK)
        fail("contour_resolve_update", st);
    size_t added = s->mem.c.live > live ? s->mem.c.live - live : 0;
    t = bench_now();
    st = contour_diff_graphs(&d, prev, next);
    w[PH_DIFF] = bench_now() - t;
    c[3] = cpu_now();
    if (st != CONTOUR_OK)
        fail("contour_diff_graphs", st);
    t = bench_now();
    walk(d, &r->dt);
    w[PH_WALK] = bench_now() - t;
    c[4] = cpu_now();
    t = bench_now();
    r->ring[(r->head + r->n++) % RING] = next;
    contour_diff_free(d);
    if (r->n > opt->keep)
        drop_oldest(r);
    w[PH_FREE] = bench_now() - t;
    c[5] = cpu_now();

    w[PH_CHANGE] = w[PH_SET] + w[PH_UPDATE] + w[PH_DIFF] + w[PH_WALK];
    double cpu[PH_COUNT] = {c[1] - c[0], c[2] - c[1], c[3] - c[2],
                            c[4] - c[3], c[4] - c[0], c[5] - c[4]};
    for (int k = 0; k < PH_COUNT; k++) {
        hist_add(&r->wall[k], w[k]);
        hist_add(&r->cpu[k], cpu[k]);
    }
    hist_add(&r->row_wall, w[PH_CHANGE]);
    hist_add(&r->row_cpu, cpu[PH_CHANGE]);
    hist_add(&r->by_mix[ch.mix], w[PH_CHANGE]);
    hist_add(&r->added, (double)added);
    r->looked_full += added > r->full_graph / 2;
    r->edits[ch.what]++;
    r->drawn[ch.mix]++;

    /* the model follows; a changed document must still load */
    o->alive = ch.text != NULL;
    if (ch.text && !ch.recreate)
        upd_set_text(o, ch.text);
    if (ch.text && !loaded(s, o) && r->unloaded++ < 3)
        fprintf(stderr, "note: change %zu (%s) left %s unloadable:\n%s\n", index,
                upd_edit_names[ch.what], src, upd_text(o));
    r->last = ch;
    r->last.text = NULL;
    if (opt->verify_every && (index + 1) % opt->verify_every == 0)
        verify(s, next, index, &ch, opt->out_dir, &r->checks);
}

static void row_header(void)
{
    printf("  %10s %7s %9s %9s %10s  %9s %9s %9s %9s  %s\n", "changes", "s", "RSS MB", "peak MB",
           "library MB", "wall med", "wall p99", "CPU med", "CPU p99", "load (1, 5, 15 min)");
}

/* A memory row: RSS, peak RSS, the library's bytes, and the changes since the last row. */
static void row(runner *r, const bench_counter *lib, size_t done, double elapsed)
{
    long rss_kb, hwm_kb;
    char la[64];
    proc_status(&rss_kb, &hwm_kb);
    loadavg(la, sizeof la);
    double rss = (double)rss_kb / 1024, libmb = (double)lib->live / 1e6, l1 = strtod(la, NULL);
    printf("  %10zu %7.0f %9.1f %9.1f %10.1f  %9.3f %9.3f %9.3f %9.3f  %s\n", done, elapsed, rss,
           (double)hwm_kb / 1024, libmb, hist_pct(&r->row_wall, 0.5) * 1e3,
           hist_pct(&r->row_wall, 0.99) * 1e3, hist_pct(&r->row_cpu, 0.5) * 1e3,
           hist_pct(&r->row_cpu, 0.99) * 1e3, la);
    fflush(stdout);
    hist_init(&r->row_wall, 1e-8);
    hist_init(&r->row_cpu, 1e-8);
    trend *t = &r->tr;
    if (!t->rows++) {
        t->rss_first = t->rss_min = t->rss_max = rss;
        t->lib_first = t->lib_max = libmb;
        t->load_min = t->load_max = l1;
    }
    t->rss_last = rss;
    t->rss_min = rss < t->rss_min ? rss : t->rss_min;
    t->rss_max = rss > t->rss_max ? rss : t->rss_max;
    t->lib_last = libmb;
    t->lib_max = libmb > t->lib_max ? libmb : t->lib_max;
    t->load_min = l1 < t->load_min ? l1 : t->load_min;
    t->load_max = l1 > t->load_max ? l1 : t->load_max;
    t->load_sum += l1;
}

static void print_pair(const char *what, const hist *w, const hist *c)
{
    if (!w->n) {
        printf("  %-32s %9s\n", what, "-");
        return;
    }
    printf("  %-32s %9.3f %9.3f  %9.3f %9.3f  %9.3f %9.3f  %9.3f %9.3f\n", what,
           hist_pct(w, 0.5) * 1e3, hist_pct(c, 0.5) * 1e3, hist_pct(w, 0.9) * 1e3,
           hist_pct(c, 0.9) * 1e3, hist_pct(w, 0.99) * 1e3, hist_pct(c, 0.99) * 1e3, w->max * 1e3,
           c->max * 1e3);
}

static void report(const runner *r, const options *opt, size_t round, double round_wall,
                   double round_cpu)
{
    double dm[MIX_COUNT];
    for (int k = 0; k < MIX_COUNT; k++)
        dm[k] = (double)r->drawn[k];
    print_mix("drawn:", dm);
    printf("edits made:\n");
    for (int k = 0; k < ED_COUNT; k++)
        if (r->edits[k])
            printf("  %-36s %9llu\n", upd_edit_names[k], (unsigned long long)r->edits[k]);
    if (r->unloaded)
        printf("changed documents that did not load: %llu\n", (unsigned long long)r->unloaded);

    char la[64];
    loadavg(la, sizeof la);
    printf("\nround %zu: time per change, ms, wall and CPU (load %s)\n", round + 1, la);
    printf("  %-32s %9s %9s  %9s %9s  %9s %9s  %9s %9s\n", "", "median", "CPU", "p90", "CPU", "p99",
           "CPU", "max", "CPU");
    for (int k = 0; k < PH_COUNT; k++)
        print_pair(phase_names[k], &r->wall[k], &r->cpu[k]);
    const hist *cw = &r->wall[PH_CHANGE], *cc = &r->cpu[PH_CHANGE];
    printf("  mean: change %.3f ms wall, %.3f ms CPU; timed changes: %.1f s wall, %.1f s CPU\n",
           cw->sum / (double)cw->n * 1e3, cc->sum / (double)cc->n * 1e3, cw->sum, cc->sum);
    printf("  the round (changes, frees, verification): %.1f s wall, %.1f s CPU (%.0f%%)\n",
           round_wall, round_cpu, round_wall > 0 ? round_cpu / round_wall * 100 : 0);
    printf("change time by kind of change (wall):  median       p90       p99       max      "
           "mean     count\n");
    for (int k = 0; k < MIX_COUNT; k++) {
        char what[64];
        snprintf(what, sizeof what, "  %s", mix_names[k]);
        hist_print_ms(what, &r->by_mix[k]);
    }
    double med = hist_pct(cw, 0.5), p99 = hist_pct(cw, 0.99);
    double cmed = hist_pct(cc, 0.5), cp99 = hist_pct(cc, 0.99);
    printf("targets (issue 9), wall: median <= 1 ms: %s (%.3f); p99 <= 5 ms: %s (%.3f)\n",
           med <= 1e-3 ? "met" : "NOT met", med * 1e3, p99 <= 5e-3 ? "met" : "NOT met", p99 * 1e3);
    printf("targets (issue 9), CPU:  median <= 1 ms: %s (%.3f); p99 <= 5 ms: %s (%.3f)\n",
           cmed <= 1e-3 ? "met" : "NOT met", cmed * 1e3, cp99 <= 5e-3 ? "met" : "NOT met",
           cp99 * 1e3);

    const trend *t = &r->tr;
    if (t->rows)
        printf("\nmemory over the round (%zu rows): RSS first %.1f MB, last %.1f MB, min %.1f, max "
               "%.1f; library first %.1f MB, last %.1f MB, max %.1f; load (1 min) %.2f to %.2f, "
               "mean %.2f\n",
               t->rows, t->rss_first, t->rss_last, t->rss_min, t->rss_max, t->lib_first,
               t->lib_last, t->lib_max, t->load_min, t->load_max, t->load_sum / (double)t->rows);
    printf("bytes each update added while the previous graph was alive: median %.0f, p90 %.0f, "
           "p99 %.0f, max %.0f (a full graph: %zu); %llu update%s added more than half a full "
           "graph\n",
           hist_pct(&r->added, 0.5), hist_pct(&r->added, 0.9), hist_pct(&r->added, 0.99),
           r->added.max, r->full_graph, (unsigned long long)r->looked_full,
           r->looked_full == 1 ? "" : "s");
    const diff_totals *d = &r->dt;
    printf("diffs: vhosts +%llu -%llu ~%llu (TLS %llu); routes +%llu -%llu ~%llu; statuses +%llu "
           "-%llu ~%llu; diagnostics +%llu -%llu; %llu empty of %zu\n",
           (unsigned long long)d->vhosts[0], (unsigned long long)d->vhosts[1],
           (unsigned long long)d->vhosts[2], (unsigned long long)d->tls,
           (unsigned long long)d->routes[0], (unsigned long long)d->routes[1],
           (unsigned long long)d->routes[2], (unsigned long long)d->statuses[0],
           (unsigned long long)d->statuses[1], (unsigned long long)d->statuses[2],
           (unsigned long long)d->diags_added, (unsigned long long)d->diags_resolved,
           (unsigned long long)d->empty, opt->changes);
    if (opt->verify_every)
        printf("verification: %zu full resolves rendered the same JSON bytes as the incremental "
               "graph\n",
               r->checks);
}

static void print_classes(const mem_classes *newest, const mem_classes *fresh)
{
    printf("  %-22s %12s %12s   %12s %12s\n", "block size", "newest: blocks", "MB", "fresh: blocks",
           "MB");
    for (int k = 0; k < CLASSES; k++) {
        if (!newest->blocks[k] && !fresh->blocks[k])
            continue;
        char what[64];
        snprintf(what, sizeof what, "%zu - %zu B", (size_t)1 << k, ((size_t)2 << k) - 1);
        printf("  %-22s %12zu %12.2f   %12zu %12.2f\n", what, newest->blocks[k],
               (double)newest->bytes[k] / 1e6, fresh->blocks[k], (double)fresh->bytes[k] / 1e6);
    }
}

/* What the library holds with the graphs kept, with the newest only, and with none; the
 * newest graph against a fresh, full resolve of the same snapshot, by block size. */
static void finish(state *s, runner *r, const options *opt)
{
    size_t with = s->mem.c.live;
    while (r->n > 1)
        drop_oldest(r);
    size_t one = s->mem.c.live;
    mem_classes c_one, c_fresh, c_snap, newest, fresh;
    mem_classes_get(&s->mem, &c_one);
    contour_graph *full;
    contour_result st = contour_resolve(&full, s->snap, NULL);
    if (st != CONTOUR_OK)
        fail("contour_resolve", st);
    size_t full_bytes = s->mem.c.live - one;
    mem_classes_get(&s->mem, &c_fresh);
    contour_graph_free(full);
    drop_oldest(r);
    size_t snap = s->mem.c.live;
    mem_classes_get(&s->mem, &c_snap);
    for (int k = 0; k < CLASSES; k++) {
        newest.blocks[k] = c_one.blocks[k] - c_snap.blocks[k];
        newest.bytes[k] = c_one.bytes[k] - c_snap.bytes[k];
        fresh.blocks[k] = c_fresh.blocks[k] - c_one.blocks[k];
        fresh.bytes[k] = c_fresh.bytes[k] - c_one.bytes[k];
    }
    printf("\nlibrary bytes at the end: snapshot %.1f MB; with the newest graph %.1f MB (graph "
           "%.1f MB; the first, full one: %.1f MB; a full resolve of the snapshot now: %.1f MB)",
           (double)snap / 1e6, (double)one / 1e6, (double)(one - snap) / 1e6,
           (double)r->full_graph / 1e6, (double)full_bytes / 1e6);
    if (opt->keep > 1)
        printf("; with the last %zu graphs %.1f MB (%.1f KB more per version kept)", opt->keep,
               (double)with / 1e6, (double)(with - one) / (double)(opt->keep - 1) / 1e3);
    printf("\nthe newest graph's blocks against a fresh resolve's, by size (graph records come "
           "from slabs of 4 KiB to 256 KiB):\n");
    print_classes(&newest, &fresh);
    memory_line("at the end (no graph)", &s->mem.c);
}

static void run(state *s, const options *opt)
{
    static runner r; /* large: the histograms */
    start(s, &r, opt);
    size_t step = opt->rss_every ? opt->rss_every : opt->changes >= 10 ? opt->changes / 10 : 1;
    size_t index = 0;
    for (size_t round = 0; round < opt->rounds; round++) {
        for (int k = 0; k < PH_COUNT; k++) {
            hist_init(&r.wall[k], 1e-8);
            hist_init(&r.cpu[k], 1e-8);
        }
        for (int k = 0; k < MIX_COUNT; k++)
            hist_init(&r.by_mix[k], 1e-8);
        hist_init(&r.added, 1);
        hist_init(&r.row_wall, 1e-8);
        hist_init(&r.row_cpu, 1e-8);
        memset(r.edits, 0, sizeof r.edits);
        memset(r.drawn, 0, sizeof r.drawn);
        memset(&r.dt, 0, sizeof r.dt);
        memset(&r.tr, 0, sizeof r.tr);
        r.unloaded = r.looked_full = r.checks = 0;
        printf("\nround %zu of %zu: %zu changes; a row every %zu changes (library: bytes held "
               "through the counting allocator, %zu graph version%s kept; times: the changes "
               "since the previous row, ms)\n",
               round + 1, opt->rounds, opt->changes, step, opt->keep, opt->keep == 1 ? "" : "s");
        row_header();
        row(&r, &s->mem.c, 0, 0);
        double t0 = bench_now(), c0 = rusage_cpu();
        for (size_t i = 0; i < opt->changes; i++, index++) {
            apply(s, &r, opt, index);
            if ((i + 1) % step == 0 || i + 1 == opt->changes)
                row(&r, &s->mem.c, i + 1, bench_now() - t0);
        }
        if (opt->verify_every && index % opt->verify_every)
            verify(s, newest(&r), index - 1, &r.last, opt->out_dir, &r.checks);
        double wall = bench_now() - t0, cpu = rusage_cpu() - c0;
        printf("round %zu: %zu changes in %.1f s (verification included; it is outside the "
               "timings)\n",
               round + 1, opt->changes, wall);
        report(&r, opt, round, wall, cpu);
    }
    finish(s, &r, opt);
}

static void usage(void)
{
    fprintf(stderr,
            "usage: bench_update [options] [N]\n%s"
            "  --changes N               changes to apply (10000)\n"
            "  --mix SPEC                shares, e.g. ir=60,svc=15,ing=10,secret=5,del=5,new=5\n"
            "  --verify-every K          compare with a full resolve every K changes (100; 0: "
            "never)\n"
            "  --rss-every M             a row of RSS, library bytes and times every M changes "
            "(10%% of them)\n"
            "  --rounds R                measure R rounds of N changes after one load (1)\n"
            "  --keep K                  graph versions kept alive (1 to 4096; 1)\n"
            "  --threads T               contour_config_set_threads (1; 0: the online CPUs)\n"
            "  --load each|dir           one set_source per object (each), or one file per "
            "object\n"
            "                            loaded by one contour_snapshot_load_path (dir) (each)\n"
            "  --load-dir DIR            the directory --load dir writes (a new one in $TMPDIR)\n"
            "  --out-dir DIR             where a mismatch's JSON graphs go (.)\n",
            BENCH_SOURCE_USAGE);
    exit(2);
}

int main(int argc, char **argv)
{
    bench_source src;
    bench_source_init(&src);
    options opt = {10000, 1, 100, 1, 0, {60, 15, 10, 5, 5, 5}, ".", NULL, LOAD_EACH, 1, 20261201};
    size_t n = 100000, threads = 1;
    const struct {
        const char *name;
        size_t *to;
    } counts[] = {{"--changes", &opt.changes},           {"--rounds", &opt.rounds},
                  {"--verify-every", &opt.verify_every}, {"--keep", &opt.keep},
                  {"--rss-every", &opt.rss_every},       {"--threads", &threads}};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
            opt.seed = strtoull(argv[i + 1], NULL, 10);
        if (bench_source_option(&src, argc, argv, &i))
            continue;
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        size_t k = 0;
        while (k < sizeof counts / sizeof counts[0] && strcmp(argv[i], counts[k].name) != 0)
            k++;
        if (k < sizeof counts / sizeof counts[0] && v) {
            char *end;
            *counts[k].to = (size_t)strtoull(v, &end, 10);
            if (end == v || *end)
                usage();
            i++;
        } else if (strcmp(argv[i], "--mix") == 0 && v) {
            parse_mix(v, opt.mix);
            i++;
        } else if (strcmp(argv[i], "--load") == 0 && v &&
                   (strcmp(v, "each") == 0 || strcmp(v, "dir") == 0)) {
            opt.load = strcmp(v, "dir") == 0 ? LOAD_DIR : LOAD_EACH;
            i++;
        } else if (strcmp(argv[i], "--load-dir") == 0 && v) {
            opt.load_dir = v;
            opt.load = LOAD_DIR;
            i++;
        } else if (strcmp(argv[i], "--out-dir") == 0 && v) {
            opt.out_dir = v;
            i++;
        } else if (argv[i][0] != '-' && (n = (size_t)strtoull(argv[i], NULL, 10)) > 0) {
            continue;
        } else {
            usage();
        }
    }
    if (opt.keep < 1 || opt.keep > RING || opt.rounds < 1 || opt.changes < 1 || threads > 64) {
        fprintf(stderr,
                "--keep: 1 to %d; --rounds and --changes: 1 or more; --threads: 0 to "
                "64\n",
                RING);
        return 2;
    }

    state s;
    memset(&s, 0, sizeof s);
    s.rng.s = opt.seed;
    s.cfg = bench_config_new();
    contour_config_set_allocator(s.cfg, mem_malloc, mem_realloc, mem_free, &s.mem);
    if (contour_config_set_threads(s.cfg, (uint32_t)threads) != CONTOUR_OK)
        fail("contour_config_set_threads", CONTOUR_ERR_INVALID);
    opt.threads = contour_config_threads(s.cfg);
    if (contour_snapshot_new(&s.snap, s.cfg) != CONTOUR_OK)
        fail("contour_snapshot_new", CONTOUR_ERR_NOMEM);
    char la[64];
    loadavg(la, sizeof la);
    double wall_read, cpu_read;
    clock_costs(&wall_read, &cpu_read);
    printf("bench_update: %zu round%s of %zu changes, verify every %zu, keep %zu, threads %u, "
           "load %s, seed %llu (load %s; %ld online CPUs)\n",
           opt.rounds, opt.rounds == 1 ? "" : "s", opt.changes, opt.verify_every, opt.keep,
           opt.threads, opt.load == LOAD_DIR ? "dir" : "each", (unsigned long long)opt.seed, la,
           sysconf(_SC_NPROCESSORS_ONLN));
    printf("clock reads: wall %.0f ns, process CPU %.0f ns (a phase's CPU time includes about "
           "one CPU read; its wall time none)\n",
           wall_read * 1e9, cpu_read * 1e9);
    memory_line("at start", &s.mem.c);

    bench_input *in;
    size_t count = bench_get_inputs(&src, n, &in);
    bench_source_describe(stdout, &src, n, in, count);
    load(&s, in, count, opt.load, opt.load_dir);
    bench_inputs_free(in, count);
    free(in);
    memory_line("after load", &s.mem.c);

    run(&s, &opt);

    contour_snapshot_free(s.snap);
    contour_config_free(s.cfg);
    upd_cluster_free(&s.c);
    free(s.deleted.v);
    bench_source_free(&src);
    return 0;
}
