/* The JUnit XML report (docs/cli.md), for CI systems that show test reports: one
 * <testsuite> per file, one <testcase> per object loaded from it (every kind), a
 * <failure> when the object is invalid or orphaned or has a diagnostic that fails the
 * check, <system-out> with its other diagnostics. Diagnostics about no loaded object (a
 * document that was rejected, a file that could not be read) make a testcase named after
 * the file; a skipped Contour kind is a <skipped/> testcase. */
#include "report.h"

#include <stdlib.h>
#include <string.h>

typedef struct tcase {
    const char *file;
    uint32_t line;
    contour_kind kind; /* NONE: the file's own testcase, or a skipped document */
    const char *ns, *name;
    const contour_diagnostic *skipped; /* an unsupported-kind diagnostic */
    const contour_status *status;
    const contour_diagnostic **diags; /* into the unit's array */
    size_t diag_count;
    bool fails;
} tcase;

static int cmp_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

/* By object identity, for attaching diagnostics. */
static int cmp_identity(const void *pa, const void *pb)
{
    const tcase *a = *(const tcase *const *)pa, *b = *(const tcase *const *)pb;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    int c = cmp_str(a->ns, b->ns);
    return c ? c : cmp_str(a->name, b->name);
}

/* By file, then position, for the report. */
static int cmp_place(const void *pa, const void *pb)
{
    const tcase *a = pa, *b = pb;
    int c = cmp_str(a->file, b->file);
    if (c)
        return c;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (a->kind != b->kind)
        return a->kind < b->kind ? -1 : 1;
    c = cmp_str(a->ns, b->ns);
    return c ? c : cmp_str(a->name, b->name);
}

typedef struct unit_cases {
    tcase *cases;
    size_t count;
    const contour_diagnostic **diags; /* grouped by testcase; in the block of `cases` */
} unit_cases;

static bool is_skip(const contour_diagnostic *d)
{
    return strcmp(contour_diagnostic_code(d), CODE_UNSUPPORTED_KIND) == 0;
}

/* The testcases of the loaded objects. */
static size_t object_cases(tcase *cases, const check_report *r, const check_unit *unit)
{
    size_t c = 0;
    for (int k = 1; k <= (int)contour_kind_count(); k++) {
        size_t n = contour_snapshot_object_count(unit->snapshot, (contour_kind)k);
        for (size_t i = 0; i < n; i++) {
            const contour_object *o =
                contour_snapshot_object_at(unit->snapshot, (contour_kind)k, i);
            tcase *t = &cases[c++];
            *t = (tcase){.file = contour_object_file(o),
                         .line = contour_object_line(o),
                         .kind = (contour_kind)k,
                         .ns = contour_object_namespace(o),
                         .name = contour_object_name(o)};
            if (k == CONTOUR_KIND_INGRESSROUTE) {
                const char *ns = t->ns ? t->ns : "", *name = t->name ? t->name : "";
                t->status =
                    contour_graph_find_status(unit->graph, ns, strlen(ns), name, strlen(name));
                t->fails = t->status && status_fails(r, t->status);
            }
        }
    }
    return c;
}

/* Builds one unit's testcases, each with its diagnostics. False on OOM. */
static bool build(unit_cases *uc, const check_report *r, const check_unit *unit)
{
    const contour_graph *g = unit->graph;
    size_t nd = contour_graph_diagnostic_count(g), n = nd;
    for (int k = 1; k <= (int)contour_kind_count(); k++)
        n += contour_snapshot_object_count(unit->snapshot, (contour_kind)k);
    /* At most one more testcase per diagnostic: a skipped document or a file's own. */
    /* One block: the testcases, then the diagnostics they point into. */
    uc->cases = n < SIZE_MAX / (sizeof(tcase) + sizeof *uc->diags)
                    ? calloc(1, n * sizeof(tcase) + nd * sizeof *uc->diags + 1)
                    : NULL;
    uc->diags = uc->cases ? (const contour_diagnostic **)(void *)(uc->cases + n) : NULL;
    tcase **by_id = calloc(n ? n : 1, sizeof *by_id);
    size_t *owner = calloc(nd ? nd : 1, sizeof *owner);
    bool ok = uc->cases && by_id && owner;
    if (ok) {
        size_t objects = object_cases(uc->cases, r, unit), c = objects;
        for (size_t i = 0; i < objects; i++)
            by_id[i] = &uc->cases[i];
        qsort(by_id, objects, sizeof *by_id, cmp_identity);
        /* Each diagnostic's testcase: its object's; else (a rejected document, a file that
         * could not be read) its file's, made once per file since diagnostics come sorted
         * by file; a skipped document is a testcase of its own. */
        size_t file_case = SIZE_MAX;
        for (size_t i = 0; i < nd; i++) {
            const contour_diagnostic *d = contour_graph_diagnostic_at(g, i);
            tcase key = {.kind = contour_diagnostic_object_kind(d),
                         .ns = contour_diagnostic_object_namespace(d),
                         .name = contour_diagnostic_object_name(d)};
            const tcase *kp = &key;
            tcase **hit = key.kind && objects
                              ? bsearch(&kp, by_id, objects, sizeof *by_id, cmp_identity)
                              : NULL;
            if (is_skip(d)) {
                uc->cases[c] = (tcase){.file = contour_diagnostic_file(d),
                                       .line = contour_diagnostic_line(d),
                                       .skipped = d};
                owner[i] = SIZE_MAX; /* shown as <skipped/>, not as a diagnostic */
                c++;
                continue;
            }
            if (hit) {
                owner[i] = (size_t)(*hit - uc->cases);
                continue;
            }
            if (file_case == SIZE_MAX ||
                cmp_str(uc->cases[file_case].file, contour_diagnostic_file(d)) != 0) {
                file_case = c++;
                uc->cases[file_case] = (tcase){.file = contour_diagnostic_file(d)};
            }
            owner[i] = file_case;
        }
        /* Slices of uc->diags, in graph order within each testcase. */
        for (size_t i = 0; i < nd; i++)
            if (owner[i] != SIZE_MAX)
                uc->cases[owner[i]].diag_count++;
        size_t at = 0;
        for (size_t i = 0; i < c; i++) {
            uc->cases[i].diags = uc->diags + at;
            at += uc->cases[i].diag_count;
            uc->cases[i].diag_count = 0;
        }
        for (size_t i = 0; i < nd; i++) {
            if (owner[i] == SIZE_MAX)
                continue;
            tcase *t = &uc->cases[owner[i]];
            const contour_diagnostic *d = contour_graph_diagnostic_at(g, i);
            t->diags[t->diag_count++] = d;
            t->fails = t->fails || diag_fails(r, d);
        }
        qsort(uc->cases, c, sizeof *uc->cases, cmp_place);
        uc->count = c;
    }
    free(by_id);
    free(owner);
    if (!ok) { /* all or nothing */
        free(uc->cases);
        *uc = (unit_cases){0};
    }
    return ok;
}

static void put_line(FILE *f, const char *file, uint32_t line, uint32_t col, const char *word,
                     const char *text, const char *ns, const char *name)
{
    put_xml(f, file);
    if (line) {
        fprintf(f, ":%u", line);
        if (col)
            fprintf(f, ":%u", col);
    }
    fprintf(f, ": %s: ", word);
    put_xml(f, text);
    if (name) {
        char *ref = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&ref, &len);
        if (m)
            put_ref(m, ns, name);
        if (!m || fclose(m) != 0 || !ref)
            out_of_memory = true;
        fputs(" [", f);
        put_xml(f, ref);
        fputc(']', f);
        free(ref);
    }
    fputc('\n', f);
}

static void put_diag_line(FILE *f, const contour_diagnostic *d)
{
    put_line(f, contour_diagnostic_file(d), contour_diagnostic_line(d),
             contour_diagnostic_column(d), contour_severity_name(contour_diagnostic_severity(d)),
             contour_diagnostic_message(d), contour_diagnostic_object_namespace(d),
             contour_diagnostic_object_name(d));
}

static void write_case(FILE *f, const check_report *r, const tcase *t)
{
    fputs("    <testcase classname=\"", f);
    if (t->skipped) {
        fputs("skipped\" name=\"", f);
        put_xml(f, contour_diagnostic_message(t->skipped));
    } else if (t->kind == CONTOUR_KIND_NONE) {
        fputs("file\" name=\"", f);
        put_xml(f, t->file);
    } else {
        fprintf(f, "%s\" name=\"", contour_kind_name(t->kind));
        char *ref = NULL;
        size_t len = 0;
        FILE *m = open_memstream(&ref, &len);
        if (m)
            put_ref(m, t->ns, t->name);
        if (!m || fclose(m) != 0 || !ref)
            out_of_memory = true;
        put_xml(f, ref);
        free(ref);
    }
    fputs("\" file=\"", f);
    put_xml(f, t->file);
    fprintf(f, "\" line=\"%u\">\n", t->line);
    if (t->skipped) {
        fputs("      <skipped message=\"", f);
        put_xml(f, contour_diagnostic_message(t->skipped));
        fputs("\"/>\n", f);
    }
    if (t->fails) {
        /* One <failure> (what JUnit schemas allow): the first reason as its message, all
         * of them in its body. */
        const char *type = NULL, *message = NULL;
        if (t->status && status_fails(r, t->status)) {
            type = contour_state_name(contour_status_state(t->status));
            message = contour_status_description(t->status);
        }
        for (size_t i = 0; !type && i < t->diag_count; i++) {
            if (diag_fails(r, t->diags[i])) {
                type = contour_diagnostic_code(t->diags[i]);
                message = contour_diagnostic_message(t->diags[i]);
            }
        }
        fputs("      <failure type=\"", f);
        put_xml(f, type);
        fputs("\" message=\"", f);
        put_xml(f, message);
        fputs("\">", f);
        for (size_t i = 0; i < t->diag_count; i++)
            if (diag_fails(r, t->diags[i]))
                put_diag_line(f, t->diags[i]);
        if (t->status && status_fails(r, t->status)) {
            const contour_status *s = t->status;
            put_line(f, contour_status_file(s), contour_status_line(s), contour_status_column(s),
                     contour_state_name(contour_status_state(s)), contour_status_description(s),
                     contour_status_namespace(s), contour_status_name(s));
        }
        fputs("</failure>\n", f);
    }
    bool out = false;
    for (size_t i = 0; i < t->diag_count; i++) {
        if (diag_fails(r, t->diags[i]))
            continue;
        if (!out)
            fputs("      <system-out>", f);
        out = true;
        put_diag_line(f, t->diags[i]);
    }
    if (out)
        fputs("</system-out>\n", f);
    fputs("    </testcase>\n", f);
}

bool write_check_junit(FILE *f, const check_report *r)
{
    const size_t units = r->unit_count; /* read once: the cleanup frees what was built */
    unit_cases *all = calloc(units ? units : 1, sizeof *all);
    bool ok = all != NULL;
    size_t tests = 0, failures = 0, skipped = 0;
    for (size_t u = 0; ok && u < units; u++) {
        ok = build(&all[u], r, &r->units[u]);
        for (size_t i = 0; i < all[u].count; i++) {
            tests++;
            failures += all[u].cases[i].fails;
            skipped += all[u].cases[i].skipped != NULL;
        }
    }
    if (ok) {
        fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
        fprintf(f,
                "<testsuites name=\"contourc check\" tests=\"%zu\" failures=\"%zu\" "
                "errors=\"0\" skipped=\"%zu\">\n",
                tests, failures, skipped);
        for (size_t u = 0; u < units; u++) {
            const unit_cases *uc = &all[u];
            for (size_t i = 0; i < uc->count;) {
                /* One suite per file: the cases are sorted by file. */
                size_t end = i, nf = 0, ns = 0;
                while (end < uc->count && cmp_str(uc->cases[end].file, uc->cases[i].file) == 0) {
                    nf += uc->cases[end].fails;
                    ns += uc->cases[end].skipped != NULL;
                    end++;
                }
                fputs("  <testsuite name=\"", f);
                put_xml(f, uc->cases[i].file);
                fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\">\n",
                        end - i, nf, ns);
                for (; i < end; i++)
                    write_case(f, r, &uc->cases[i]);
                fputs("  </testsuite>\n", f);
            }
        }
        fputs("</testsuites>\n", f);
    }
    for (size_t u = 0; all && u < units; u++) {
        free(all[u].cases); /* the diagnostics too */
    }
    free(all);
    if (!ok)
        out_of_memory = true;
    return ok && !out_of_memory;
}
