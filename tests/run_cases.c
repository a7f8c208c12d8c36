/*
 * Golden cases: tests/cases/<case>/ holds input manifests, an optional `config`, an
 * optional `include` and `expected.json`, the exact bytes contour_graph_render() must
 * produce in JSON.
 *
 *   run_cases CASES_DIR [CASE...]
 *
 * Inputs: every *.yaml, *.yml and *.json file of the case directory except expected.json,
 * loaded in byte order of their names, named by their file name (so diagnostics do not
 * depend on where the tree is checked out). `include` lists paths relative to
 * $CONTOUR_SHARED_ROOT (files, or directories read recursively in byte order), one per
 * line, loaded first and named by that relative path. `config` has one option per line:
 *   root-namespaces a,b | ingress-class NAME | http-port N | https-port N |
 *   default-namespace NS | limit-routes N
 * Blank lines and lines starting with '#' are ignored in both.
 *
 * On a mismatch the actual output is written to $CONTOUR_BUILD_ROOT/cases-actual/<case>.json
 * (or /tmp) and the first differing line is shown. With CONTOUR_UPDATE_CASES=1 the
 * expected.json files are rewritten instead — review every one by hand.
 */
#include <contour/contour.h>

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct strlist {
    char **v;
    size_t n, cap;
} strlist;

static void die(const char *what)
{
    fprintf(stderr, "run_cases: %s: %s\n", what, strerror(errno));
    exit(2);
}

static char *xstrdup(const char *s)
{
    char *p = strdup(s);
    if (!p)
        die("strdup");
    return p;
}

static void push(strlist *l, char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        if (!l->v)
            die("realloc");
    }
    l->v[l->n++] = s;
}

static void release(strlist *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    if (!p)
        die("malloc");
    snprintf(p, n, "%s/%s", a, b);
    return p;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        die("malloc");
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            if (!buf)
                die("realloc");
        }
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static bool has_input_ext(const char *name)
{
    size_t n = strlen(name);
    const char *exts[] = {".yaml", ".yml", ".json"};
    for (int i = 0; i < 3; i++) {
        size_t e = strlen(exts[i]);
        if (n > e && strcmp(name + n - e, exts[i]) == 0)
            return true;
    }
    return false;
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Names in a directory (no dot entries), sorted. */
static strlist list_dir(const char *dir)
{
    strlist out = {0};
    DIR *d = opendir(dir);
    if (!d)
        return out;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        push(&out, xstrdup(e->d_name));
    }
    closedir(d);
    qsort(out.v, out.n, sizeof *out.v, cmp_str);
    return out;
}

/* Input files under rel (relative to root), recursively, as relative paths. */
static void collect(const char *root, const char *rel, strlist *out)
{
    char *full = join(root, rel);
    if (!is_dir(full)) {
        push(out, xstrdup(rel));
        free(full);
        return;
    }
    strlist names = list_dir(full);
    for (size_t i = 0; i < names.n; i++) {
        char *sub = join(rel, names.v[i]);
        char *subfull = join(root, sub);
        if (is_dir(subfull) || has_input_ext(names.v[i]))
            collect(root, sub, out);
        free(sub);
        free(subfull);
    }
    release(&names);
    free(full);
}

/* Lines of a small text file, trimmed, without blanks and comments. */
static strlist read_lines(const char *path)
{
    strlist out = {0};
    size_t len;
    char *text = read_all(path, &len);
    if (!text)
        return out;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        while (*line == ' ' || *line == '\t')
            line++;
        size_t n = strlen(line);
        while (n && (line[n - 1] == ' ' || line[n - 1] == '\t' || line[n - 1] == '\r'))
            line[--n] = '\0';
        if (n && line[0] != '#')
            push(&out, xstrdup(line));
    }
    free(text);
    return out;
}

static bool apply_config(contour_config *cfg, const char *line, char *err, size_t errlen)
{
    const char *sp = strchr(line, ' ');
    if (!sp) {
        snprintf(err, errlen, "config line without value: %s", line);
        return false;
    }
    size_t klen = (size_t)(sp - line);
    const char *v = sp + 1;
    contour_result st = CONTOUR_ERR_INVALID;
    if (klen == 15 && strncmp(line, "root-namespaces", klen) == 0) {
        st = CONTOUR_OK;
        const char *p = v;
        while (*p && st == CONTOUR_OK) {
            const char *comma = strchr(p, ',');
            size_t n = comma ? (size_t)(comma - p) : strlen(p);
            st = contour_config_add_root_namespace(cfg, p, n);
            p = comma ? comma + 1 : p + n;
        }
    } else if (klen == 13 && strncmp(line, "ingress-class", klen) == 0) {
        const char *val = strcmp(v, "\"\"") == 0 ? "" : v;
        st = contour_config_set_ingress_class(cfg, val, strlen(val));
    } else if (klen == 17 && strncmp(line, "default-namespace", klen) == 0) {
        st = contour_config_set_default_namespace(cfg, v, strlen(v));
    } else if (klen == 12 && strncmp(line, "limit-routes", klen) == 0) {
        st = contour_config_set_limit(cfg, CONTOUR_LIMIT_ROUTES, strtoull(v, NULL, 10));
    }
    if (st != CONTOUR_OK) {
        snprintf(err, errlen, "bad config line: %s", line);
        return false;
    }
    return true;
}

/* Reads `config` into a new config. */
static contour_config *case_config(const char *dir, char *err, size_t errlen)
{
    contour_config *cfg = NULL;
    if (contour_config_new(&cfg) != CONTOUR_OK)
        die("contour_config_new");
    char *path = join(dir, "config");
    strlist lines = read_lines(path);
    free(path);
    uint32_t http = 80, https = 443;
    bool ports = false, ok = true;
    for (size_t i = 0; i < lines.n && ok; i++) {
        const char *l = lines.v[i];
        if (strncmp(l, "http-port ", 10) == 0) {
            http = (uint32_t)strtoul(l + 10, NULL, 10);
            ports = true;
        } else if (strncmp(l, "https-port ", 11) == 0) {
            https = (uint32_t)strtoul(l + 11, NULL, 10);
            ports = true;
        } else {
            ok = apply_config(cfg, l, err, errlen);
        }
    }
    release(&lines);
    if (ok && ports && contour_config_set_ports(cfg, http, https) != CONTOUR_OK) {
        snprintf(err, errlen, "bad ports %u %u", http, https);
        ok = false;
    }
    if (!ok) {
        contour_config_free(cfg);
        return NULL;
    }
    return cfg;
}

static bool load_file(contour_snapshot *s, const char *path, const char *name, char *err,
                      size_t errlen)
{
    size_t len;
    char *text = read_all(path, &len);
    if (!text) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return false;
    }
    contour_result st =
        contour_snapshot_load_buffer(s, name, strlen(name), text, len, CONTOUR_FORMAT_AUTO);
    free(text);
    if (st != CONTOUR_OK) {
        snprintf(err, errlen, "loading %s: %s", name, contour_result_str(st));
        return false;
    }
    return true;
}

/* Loads, resolves and renders one case; returns the JSON (malloc'd) or NULL with err. */
static char *run_case(const char *dir, const char *shared, char *err, size_t errlen)
{
    contour_config *cfg = case_config(dir, err, errlen);
    if (!cfg)
        return NULL;
    contour_snapshot *s = NULL;
    if (contour_snapshot_new(&s, cfg) != CONTOUR_OK)
        die("contour_snapshot_new");
    bool ok = true;

    char *inc = join(dir, "include");
    strlist includes = read_lines(inc);
    free(inc);
    for (size_t i = 0; i < includes.n && ok; i++) {
        strlist files = {0};
        collect(shared, includes.v[i], &files);
        for (size_t k = 0; k < files.n && ok; k++) {
            char *full = join(shared, files.v[k]);
            ok = load_file(s, full, files.v[k], err, errlen);
            free(full);
        }
        release(&files);
    }
    release(&includes);

    strlist names = list_dir(dir);
    for (size_t i = 0; i < names.n && ok; i++) {
        if (!has_input_ext(names.v[i]) || strcmp(names.v[i], "expected.json") == 0)
            continue;
        char *full = join(dir, names.v[i]);
        ok = load_file(s, full, names.v[i], err, errlen);
        free(full);
    }
    release(&names);

    char *out = NULL;
    if (ok) {
        contour_graph *g = NULL;
        contour_buffer *b = NULL;
        if (contour_resolve(&g, s, cfg) != CONTOUR_OK) {
            snprintf(err, errlen, "contour_resolve failed");
        } else if (contour_graph_render(&b, g, CONTOUR_OUTPUT_JSON) != CONTOUR_OK) {
            snprintf(err, errlen, "contour_graph_render failed");
        } else {
            out = malloc(contour_buffer_size(b) + 1);
            if (!out)
                die("malloc");
            memcpy(out, contour_buffer_data(b), contour_buffer_size(b) + 1);
        }
        contour_buffer_free(b);
        contour_graph_free(g);
    }
    contour_snapshot_free(s);
    contour_config_free(cfg);
    return out;
}

static void show_difference(const char *name, const char *want, const char *got)
{
    size_t line = 1;
    const char *w = want, *g = got;
    while (*w && *w == *g) {
        if (*w == '\n')
            line++;
        w++;
        g++;
    }
    /* Back up to the start of the line. */
    while (w > want && w[-1] != '\n') {
        w--;
        g--;
    }
    int wl = (int)strcspn(w, "\n"), gl = (int)strcspn(g, "\n");
    fprintf(stderr, "FAIL %s: first difference at line %zu\n  expected: %.*s\n  actual:   %.*s\n",
            name, line, wl, w, gl, g);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(text, 1, strlen(text), f) != strlen(text) || fclose(f) != 0)
        die(path);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: run_cases CASES_DIR [CASE...]\n");
        return 2;
    }
    const char *root = argv[1];
    const char *shared = getenv("CONTOUR_SHARED_ROOT");
    if (!shared)
        shared = "../shared";
    const char *build = getenv("CONTOUR_BUILD_ROOT");
    const char *upd = getenv("CONTOUR_UPDATE_CASES");
    bool update = upd && strcmp(upd, "1") == 0;
    char *actual_dir = join(build ? build : "/tmp", "cases-actual");
    mkdir(actual_dir, 0777);

    strlist cases = {0};
    if (argc > 2) {
        for (int i = 2; i < argc; i++)
            push(&cases, xstrdup(argv[i]));
    } else {
        strlist all = list_dir(root);
        for (size_t i = 0; i < all.n; i++) {
            char *p = join(root, all.v[i]);
            if (is_dir(p))
                push(&cases, xstrdup(all.v[i]));
            free(p);
        }
        release(&all);
    }
    if (!cases.n) {
        fprintf(stderr, "run_cases: no cases under %s\n", root);
        return 1;
    }
    int failed = 0, updated = 0;
    for (size_t i = 0; i < cases.n; i++) {
        const char *name = cases.v[i];
        char *dir = join(root, name);
        char err[1024] = "";
        char *got = run_case(dir, shared, err, sizeof err);
        char *exp_path = join(dir, "expected.json");
        if (!got) {
            fprintf(stderr, "FAIL %s: %s\n", name, err);
            failed++;
        } else {
            size_t len;
            char *want = read_all(exp_path, &len);
            if (want && strcmp(want, got) == 0) {
                printf("ok   %s\n", name);
            } else if (update) {
                write_file(exp_path, got);
                printf("UPDATED %s (review %s)\n", name, exp_path);
                updated++;
            } else {
                char file[4096];
                snprintf(file, sizeof file, "%s/%s.json", actual_dir, name);
                write_file(file, got);
                if (want)
                    show_difference(name, want, got);
                else
                    fprintf(stderr, "FAIL %s: no expected.json\n", name);
                fprintf(stderr, "  actual output: %s\n  diff -u %s %s\n", file, exp_path, file);
                failed++;
            }
            free(want);
        }
        free(got);
        free(exp_path);
        free(dir);
    }
    printf("%zu cases, %d failed%s\n", cases.n, failed, updated ? ", some updated" : "");
    release(&cases);
    free(actual_dir);
    return failed ? 1 : 0;
}
