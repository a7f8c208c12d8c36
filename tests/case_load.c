/* Golden cases: reading one (case_load.h). */
#include "case_load.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void tc_die(const char *what)
{
    fprintf(stderr, "golden cases: %s: %s\n", what, strerror(errno));
    exit(2);
}

char *tc_strdup(const char *s)
{
    char *p = strdup(s);
    if (!p)
        tc_die("strdup");
    return p;
}

void tc_push(tc_strlist *l, char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        if (!l->v)
            tc_die("realloc");
    }
    l->v[l->n++] = s;
}

void tc_release(tc_strlist *l)
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

char *tc_join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    if (!p)
        tc_die("malloc");
    snprintf(p, n, "%s/%s", a, b);
    return p;
}

char *tc_read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        tc_die("malloc");
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            if (!buf)
                tc_die("realloc");
        }
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static bool tc_has_input_ext(const char *name)
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

bool tc_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Names in a directory (no dot entries), sorted. */
tc_strlist tc_list_dir(const char *dir)
{
    tc_strlist out = {0};
    DIR *d = opendir(dir);
    if (!d)
        return out;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        tc_push(&out, tc_strdup(e->d_name));
    }
    closedir(d);
    qsort(out.v, out.n, sizeof *out.v, cmp_str);
    return out;
}

/* Input files under rel (relative to root), recursively, as relative paths. */
static void collect(const char *root, const char *rel, tc_strlist *out)
{
    char *full = tc_join(root, rel);
    if (!tc_is_dir(full)) {
        tc_push(out, tc_strdup(rel));
        free(full);
        return;
    }
    tc_strlist names = tc_list_dir(full);
    for (size_t i = 0; i < names.n; i++) {
        char *sub = tc_join(rel, names.v[i]);
        char *subfull = tc_join(root, sub);
        if (tc_is_dir(subfull) || tc_has_input_ext(names.v[i]))
            collect(root, sub, out);
        free(sub);
        free(subfull);
    }
    tc_release(&names);
    free(full);
}

/* Lines of a small text file, trimmed, without blanks and comments. */
static tc_strlist read_lines(const char *path)
{
    tc_strlist out = {0};
    size_t len;
    char *text = tc_read_all(path, &len);
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
            tc_push(&out, tc_strdup(line));
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
contour_config *tc_case_config(const char *dir, char *err, size_t errlen)
{
    contour_config *cfg = NULL;
    if (contour_config_new(&cfg) != CONTOUR_OK)
        tc_die("contour_config_new");
    char *path = tc_join(dir, "config");
    tc_strlist lines = read_lines(path);
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
    tc_release(&lines);
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
    char *text = tc_read_all(path, &len);
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

bool tc_case_load(contour_snapshot *s, const char *dir, const char *shared, char *err,
                  size_t errlen)
{
    bool ok = true;
    char *inc = tc_join(dir, "include");
    tc_strlist includes = read_lines(inc);
    free(inc);
    for (size_t i = 0; i < includes.n && ok; i++) {
        tc_strlist files = {0};
        collect(shared, includes.v[i], &files);
        for (size_t k = 0; k < files.n && ok; k++) {
            char *full = tc_join(shared, files.v[k]);
            ok = load_file(s, full, files.v[k], err, errlen);
            free(full);
        }
        tc_release(&files);
    }
    tc_release(&includes);

    tc_strlist names = tc_list_dir(dir);
    for (size_t i = 0; i < names.n && ok; i++) {
        if (!tc_has_input_ext(names.v[i]) || strcmp(names.v[i], "expected.json") == 0)
            continue;
        char *full = tc_join(dir, names.v[i]);
        ok = load_file(s, full, names.v[i], err, errlen);
        free(full);
    }
    tc_release(&names);
    return ok;
}

tc_strlist tc_list_cases(const char *root)
{
    tc_strlist cases = {0};
    tc_strlist all = tc_list_dir(root);
    for (size_t i = 0; i < all.n; i++) {
        char *p = tc_join(root, all.v[i]);
        if (tc_is_dir(p))
            tc_push(&cases, tc_strdup(all.v[i]));
        free(p);
    }
    tc_release(&all);
    return cases;
}
