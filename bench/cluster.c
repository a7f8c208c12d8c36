#include "cluster.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void bench_source_init(bench_source *src)
{
    memset(src, 0, sizeof *src);
    src->shape = gen_shape_units;
}

void bench_source_free(bench_source *src)
{
    free(src->paths);
    src->paths = NULL;
    src->npaths = 0;
}

static const char *option_value(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        fprintf(stderr, "%s needs a value\n", argv[*i]);
        exit(2);
    }
    return argv[++*i];
}

int bench_source_option(bench_source *src, int argc, char **argv, int *i)
{
    const char *opt = argv[*i];
    if (strcmp(opt, "--shape") == 0) {
        const char *name = option_value(argc, argv, i);
        const gen_shape *s = gen_shape_find(name);
        if (!s) {
            fprintf(stderr, "unknown shape \"%s\" (units, realistic)\n", name);
            exit(2);
        }
        uint64_t seed = src->shape.seed;
        src->shape = *s;
        if (seed)
            src->shape.seed = seed;
    } else if (strcmp(opt, "--seed") == 0) {
        src->shape.seed = strtoull(option_value(argc, argv, i), NULL, 10);
    } else if (strcmp(opt, "--cluster") == 0) {
        const char *path = option_value(argc, argv, i);
        src->paths = realloc(src->paths, (src->npaths + 1) * sizeof *src->paths);
        if (!src->paths)
            abort();
        src->paths[src->npaths++] = path;
    } else {
        return 0;
    }
    return 1;
}

typedef struct names {
    char **v;
    size_t n, cap;
} names;

static void names_push(names *l, char *s)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->v = realloc(l->v, l->cap * sizeof *l->v);
        if (!l->v)
            abort();
    }
    l->v[l->n++] = s;
}

static char *copy(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (!p)
        abort();
    return memcpy(p, s, n);
}

static char *join(const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name);
    char *p = malloc(dl + nl + 2);
    if (!p)
        abort();
    memcpy(p, dir, dl);
    size_t at = dl;
    if (dl && dir[dl - 1] != '/')
        p[at++] = '/';
    memcpy(p + at, name, nl + 1);
    return p;
}

static int wanted(const char *name)
{
    size_t n = strlen(name);
    return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
           (n > 4 && strcmp(name + n - 4, ".yml") == 0) ||
           (n > 5 && strcmp(name + n - 5, ".json") == 0);
}

static void collect(const char *path, names *files)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        perror(path);
        exit(2);
    }
    if (!S_ISDIR(sb.st_mode)) {
        names_push(files, copy(path));
        return;
    }
    DIR *d = opendir(path);
    if (!d) {
        perror(path);
        exit(2);
    }
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        if (ent->d_name[0] == '.')
            continue;
        char *sub = join(path, ent->d_name);
        struct stat st;
        if (lstat(sub, &st) == 0 && S_ISDIR(st.st_mode))
            collect(sub, files);
        else if (wanted(ent->d_name) && stat(sub, &st) == 0 && S_ISREG(st.st_mode)) {
            names_push(files, sub);
            continue;
        }
        free(sub);
    }
    closedir(d);
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int looks_json(const char *data, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = data[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
            continue;
        return c == '{' || c == '[';
    }
    return 0;
}

static bench_input read_file(char *path)
{
    bench_input in = {path, NULL, 0, 0};
    FILE *f = fopen(path, "rb");
    if (!f || fseek(f, 0, SEEK_END) != 0) {
        perror(path);
        exit(2);
    }
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    in.data = malloc((size_t)n + 1);
    if (!in.data)
        abort();
    if (n < 0 || fread(in.data, 1, (size_t)n, f) != (size_t)n) {
        perror(path);
        exit(2);
    }
    fclose(f);
    in.data[n] = 0;
    in.len = (size_t)n;
    in.json = looks_json(in.data, in.len);
    return in;
}

size_t bench_read_paths(const bench_source *src, bench_input **out)
{
    names files = {NULL, 0, 0};
    for (size_t i = 0; i < src->npaths; i++) {
        size_t first = files.n;
        collect(src->paths[i], &files);
        qsort(files.v + first, files.n - first, sizeof *files.v, compare_names);
    }
    bench_input *in = calloc(files.n ? files.n : 1, sizeof *in);
    if (!in)
        abort();
    for (size_t i = 0; i < files.n; i++)
        in[i] = read_file(files.v[i]);
    free(files.v);
    *out = in;
    return files.n;
}

bench_input bench_generate(const bench_source *src, size_t n, gen_format format)
{
    bench_input in;
    in.name = copy("generated");
    in.data = gen_cluster_shape(n, &src->shape, format, &in.len);
    in.json = format == GEN_JSON_LIST;
    return in;
}

size_t bench_get_inputs(const bench_source *src, size_t n, bench_input **out)
{
    if (src->npaths)
        return bench_read_paths(src, out);
    *out = malloc(sizeof **out);
    if (!*out)
        abort();
    (*out)[0] = bench_generate(src, n, GEN_YAML);
    return 1;
}

void bench_inputs_free(bench_input *in, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(in[i].name);
        free(in[i].data);
    }
}

void bench_source_describe(FILE *f, const bench_source *src, size_t n, const bench_input *in,
                           size_t count)
{
    size_t bytes = 0, json = 0;
    for (size_t i = 0; i < count; i++) {
        bytes += in[i].len;
        json += in[i].json;
    }
    if (src->npaths == 0) {
        fprintf(f, "cluster: generated, shape %s", src->shape.name);
        if (src->shape.kind == GEN_SHAPE_REALISTIC)
            fprintf(f, " (seed %llu)", (unsigned long long)src->shape.seed);
        fprintf(f, ", %zu objects asked, %.1f MB %s\n", n, (double)bytes / 1e6,
                json ? "JSON" : "YAML");
        return;
    }
    fprintf(f, "cluster: %zu file%s (%zu JSON) from", count, count == 1 ? "" : "s", json);
    for (size_t i = 0; i < src->npaths; i++)
        fprintf(f, " %s", src->paths[i]);
    fprintf(f, ", %.1f MB\n", (double)bytes / 1e6);
}

contour_config *bench_config_new(void)
{
    contour_config *c;
    if (contour_config_new(&c) != CONTOUR_OK)
        abort();
    contour_config_set_limit(c, CONTOUR_LIMIT_INPUT_BYTES, (uint64_t)8 << 30);
    contour_config_set_limit(c, CONTOUR_LIMIT_DOCUMENTS, (uint64_t)1 << 40);
    return c;
}

contour_result bench_load_inputs(contour_snapshot *s, const bench_input *in, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        contour_result st = contour_snapshot_load_buffer(
            s, in[i].name, strlen(in[i].name), in[i].data, in[i].len, CONTOUR_FORMAT_AUTO);
        if (st != CONTOUR_OK)
            return st;
    }
    return CONTOUR_OK;
}
