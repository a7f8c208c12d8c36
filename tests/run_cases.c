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
#include "case_load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Loads, resolves and renders one case; returns the JSON (malloc'd) or NULL with err. */
static char *run_case(const char *dir, const char *shared, char *err, size_t errlen)
{
    contour_config *cfg = tc_case_config(dir, err, errlen);
    if (!cfg)
        return NULL;
    contour_snapshot *s = NULL;
    if (contour_snapshot_new(&s, cfg) != CONTOUR_OK)
        tc_die("contour_snapshot_new");
    bool ok = tc_case_load(s, dir, shared, err, errlen);

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
                tc_die("malloc");
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
        tc_die(path);
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
    char *actual_dir = tc_join(build ? build : "/tmp", "cases-actual");
    mkdir(actual_dir, 0777);

    tc_strlist cases = {0};
    if (argc > 2) {
        for (int i = 2; i < argc; i++)
            tc_push(&cases, tc_strdup(argv[i]));
    } else {
        cases = tc_list_cases(root);
    }
    if (!cases.n) {
        fprintf(stderr, "run_cases: no cases under %s\n", root);
        return 1;
    }
    int failed = 0, updated = 0;
    for (size_t i = 0; i < cases.n; i++) {
        const char *name = cases.v[i];
        char *dir = tc_join(root, name);
        char err[1024] = "";
        char *got = run_case(dir, shared, err, sizeof err);
        char *exp_path = tc_join(dir, "expected.json");
        if (!got) {
            fprintf(stderr, "FAIL %s: %s\n", name, err);
            failed++;
        } else {
            size_t len;
            char *want = tc_read_all(exp_path, &len);
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
    tc_release(&cases);
    free(actual_dir);
    return failed ? 1 : 0;
}
