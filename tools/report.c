/* The check report: the policy, the counts, the text report and the JSON report
 * (docs/cli.md documents both, and the JSON schema). */
#include "report.h"

#include <string.h>

const char *fail_level_name(fail_level level)
{
    switch (level) {
    case FAIL_ON_ERROR:
        return "error";
    case FAIL_ON_INVALID:
        return "invalid";
    case FAIL_ON_WARNING:
        return "warning";
    }
    return "";
}

bool diag_fails(const check_report *r, const contour_diagnostic *d)
{
    contour_severity sev = contour_diagnostic_severity(d);
    return sev == CONTOUR_SEVERITY_ERROR ||
           (sev == CONTOUR_SEVERITY_WARNING && r->fail_on >= FAIL_ON_WARNING);
}

bool status_fails(const check_report *r, const contour_status *s)
{
    return contour_status_state(s) != CONTOUR_STATE_VALID && r->fail_on >= FAIL_ON_INVALID;
}

void count_report(check_report *r)
{
    check_counts *c = &r->counts;
    memset(c, 0, sizeof *c);
    for (size_t u = 0; u < r->unit_count; u++) {
        const contour_graph *g = r->units[u].graph;
        for (size_t i = 0; i < contour_graph_status_count(g); i++) {
            const contour_status *s = contour_graph_status_at(g, i);
            c->objects++;
            c->invalid += contour_status_state(s) == CONTOUR_STATE_INVALID;
            c->orphaned += contour_status_state(s) == CONTOUR_STATE_ORPHANED;
            c->failures += status_fails(r, s);
        }
        for (size_t i = 0; i < contour_graph_diagnostic_count(g); i++) {
            const contour_diagnostic *d = contour_graph_diagnostic_at(g, i);
            switch (contour_diagnostic_severity(d)) {
            case CONTOUR_SEVERITY_ERROR:
                c->errors++;
                break;
            case CONTOUR_SEVERITY_WARNING:
                c->warnings++;
                break;
            case CONTOUR_SEVERITY_INFO:
                c->infos++;
                break;
            }
            c->skipped += strcmp(contour_diagnostic_code(d), CODE_UNSUPPORTED_KIND) == 0;
            c->failures += diag_fails(r, d);
        }
    }
}

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

void put_summary(FILE *f, const check_report *r)
{
    const check_counts *c = &r->counts;
    fprintf(f, "%zu %s, %zu invalid, %zu orphaned, %zu %s, %zu %s", c->objects,
            plural(c->objects, "object", "objects"), c->invalid, c->orphaned, c->errors,
            plural(c->errors, "error", "errors"), c->warnings,
            plural(c->warnings, "warning", "warnings"));
    if (c->skipped)
        fprintf(f, ", %zu skipped", c->skipped);
    fputc('\n', f);
}

/* ---- text ---- */

/* The colour of a severity or state word (SGR), or NULL. */
static const char *word_color(const char *word)
{
    if (strcmp(word, "error") == 0 || strcmp(word, "invalid") == 0)
        return "\x1b[1;31m";
    if (strcmp(word, "warning") == 0)
        return "\x1b[1;33m";
    if (strcmp(word, "orphaned") == 0)
        return "\x1b[1;35m";
    if (strcmp(word, "info") == 0)
        return "\x1b[1;36m";
    return NULL;
}

/* "FILE:LINE:COL: WORD: " (parts that are unknown left out). */
static void put_head(FILE *f, const check_report *r, const char *file, uint32_t line, uint32_t col,
                     const char *word)
{
    if (file && *file) {
        put_esc(f, file, CONTOUR_ESCAPE_TEXT);
        if (line) {
            fprintf(f, ":%u", line);
            if (col)
                fprintf(f, ":%u", col);
        }
        fputs(": ", f);
    }
    const char *color = r->color ? word_color(word) : NULL;
    if (color)
        fprintf(f, "%s%s\x1b[0m: ", color, word);
    else
        fprintf(f, "%s: ", word);
}

static void put_object(FILE *f, const char *ns, const char *name)
{
    if (!name)
        return;
    fputs(" [", f);
    put_ref(f, ns, name);
    fputc(']', f);
}

void print_diagnostic(FILE *f, const check_report *r, const contour_diagnostic *d)
{
    put_head(f, r, contour_diagnostic_file(d), contour_diagnostic_line(d),
             contour_diagnostic_column(d), contour_severity_name(contour_diagnostic_severity(d)));
    put_esc(f, contour_diagnostic_message(d), CONTOUR_ESCAPE_TEXT);
    put_object(f, contour_diagnostic_object_namespace(d), contour_diagnostic_object_name(d));
    fputc('\n', f);
}

bool write_check_text(FILE *f, const check_report *r)
{
    for (size_t u = 0; u < r->unit_count; u++) {
        const contour_graph *g = r->units[u].graph;
        for (size_t i = 0; i < contour_graph_diagnostic_count(g); i++) {
            const contour_diagnostic *d = contour_graph_diagnostic_at(g, i);
            if (!r->quiet || diag_fails(r, d))
                print_diagnostic(f, r, d);
        }
        for (size_t i = 0; i < contour_graph_status_count(g); i++) {
            const contour_status *s = contour_graph_status_at(g, i);
            contour_state state = contour_status_state(s);
            if (state == CONTOUR_STATE_VALID || (r->quiet && !status_fails(r, s)))
                continue;
            put_head(f, r, contour_status_file(s), contour_status_line(s), contour_status_column(s),
                     contour_state_name(state));
            put_esc(f, contour_status_description(s), CONTOUR_ESCAPE_TEXT);
            put_object(f, contour_status_namespace(s), contour_status_name(s));
            fputc('\n', f);
        }
    }
    return !out_of_memory;
}

/* ---- JSON ---- */

static void json_str(FILE *f, const char *s)
{
    put_esc(f, s ? s : "", CONTOUR_ESCAPE_JSON);
}

static void json_key(FILE *f, const char *key)
{
    fprintf(f, "\"%s\": ", key);
}

static void json_kv(FILE *f, const char *key, const char *s)
{
    json_key(f, key);
    json_str(f, s);
    fputs(", ", f);
}

static void json_position(FILE *f, const char *file, uint32_t line, uint32_t col)
{
    json_kv(f, "file", file);
    fprintf(f, "\"line\": %u, \"column\": %u", line, col);
}

static void json_diagnostic(FILE *f, const check_report *r, const contour_diagnostic *d)
{
    fputs("    {", f);
    json_kv(f, "severity", contour_severity_name(contour_diagnostic_severity(d)));
    json_kv(f, "code", contour_diagnostic_code(d));
    json_kv(f, "message", contour_diagnostic_message(d));
    json_position(f, contour_diagnostic_file(d), contour_diagnostic_line(d),
                  contour_diagnostic_column(d));
    if (contour_diagnostic_object_kind(d) != CONTOUR_KIND_NONE) {
        fputs(", \"object\": {", f);
        json_kv(f, "kind", contour_kind_name(contour_diagnostic_object_kind(d)));
        json_kv(f, "namespace", contour_diagnostic_object_namespace(d));
        json_key(f, "name");
        json_str(f, contour_diagnostic_object_name(d));
        fputc('}', f);
    }
    if (contour_diagnostic_field(d)) {
        fputs(", ", f);
        json_key(f, "field");
        json_str(f, contour_diagnostic_field(d));
    }
    fprintf(f, ", \"fails\": %s}", diag_fails(r, d) ? "true" : "false");
}

static void json_status(FILE *f, const check_report *r, const contour_status *s)
{
    fputs("    {", f);
    json_kv(f, "kind", contour_kind_name(contour_status_kind(s)));
    json_kv(f, "namespace", contour_status_namespace(s));
    json_kv(f, "name", contour_status_name(s));
    json_kv(f, "status", contour_state_name(contour_status_state(s)));
    json_kv(f, "description", contour_status_description(s));
    fputs("\"vhosts\": [", f);
    for (size_t i = 0; i < contour_status_vhost_count(s); i++) {
        if (i)
            fputs(", ", f);
        json_str(f, contour_status_vhost_at(s, i));
    }
    fputs("], ", f);
    json_position(f, contour_status_file(s), contour_status_line(s), contour_status_column(s));
    fprintf(f, ", \"fails\": %s}", status_fails(r, s) ? "true" : "false");
}

/* "KEY": [...] of every unit's diagnostics or statuses, one entry per line. */
static void json_array(FILE *f, const check_report *r, const char *key, bool statuses)
{
    const char *sep = "";
    fprintf(f, "  \"%s\": [", key);
    for (size_t u = 0; u < r->unit_count; u++) {
        const contour_graph *g = r->units[u].graph;
        size_t n = statuses ? contour_graph_status_count(g) : contour_graph_diagnostic_count(g);
        for (size_t i = 0; i < n; i++) {
            fprintf(f, "%s\n", sep);
            if (statuses)
                json_status(f, r, contour_graph_status_at(g, i));
            else
                json_diagnostic(f, r, contour_graph_diagnostic_at(g, i));
            sep = ",";
        }
    }
    fputs(*sep ? "\n  ]" : "]", f);
}

bool write_check_json(FILE *f, const check_report *r)
{
    const check_counts *c = &r->counts;
    fputs("{\n  \"schema\": \"contourc-check/1\",\n  \"tool\": {\"name\": \"contourc\", ", f);
    fprintf(f, "\"version\": \"%s\"},\n", contour_version_string());
    fprintf(f, "  \"fail_on\": \"%s\",\n  \"passed\": %s,\n", fail_level_name(r->fail_on),
            c->failures ? "false" : "true");
    fprintf(f,
            "  \"summary\": {\"objects\": %zu, \"valid\": %zu, \"invalid\": %zu, \"orphaned\": "
            "%zu, \"errors\": %zu, \"warnings\": %zu, \"infos\": %zu, \"skipped\": %zu, "
            "\"failures\": %zu},\n",
            c->objects, c->objects - c->invalid - c->orphaned, c->invalid, c->orphaned, c->errors,
            c->warnings, c->infos, c->skipped, c->failures);
    json_array(f, r, "diagnostics", false);
    fputs(",\n", f);
    json_array(f, r, "statuses", true);
    fputs("\n}\n", f);
    return !out_of_memory;
}
