/* The SARIF 2.1.0 report (docs/cli.md): one run of contourc whose rules are every
 * diagnostic code and the two statuses, described by docs/diagnostics.md (rules.h is
 * generated from it at build time), and one result per diagnostic and per IngressRoute
 * that is not valid. Shaped for GitHub code scanning: relative artifact URIs against
 * %SRCROOT%, a region with startLine on every result, partialFingerprints that do not
 * depend on line numbers. */
#include "report.h"
#include "rules.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef PROJECT_URL /* meson.build passes project_url */
#define PROJECT_URL "https://github.com/libcontour/libcontour"
#endif
#define HELP_URL PROJECT_URL "/blob/main/docs/diagnostics.md"

enum { DOC_RULES = sizeof rules / sizeof rules[0] };

/* The rules of this report: those of the docs, then any code the docs do not describe
 * (a library newer than its docs must still produce a valid report). */
typedef struct rule_set {
    const char **extra; /* codes, sorted, unique */
    size_t extra_count;
} rule_set;

static int cmp_code(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static long doc_rule(const char *code)
{
    for (size_t i = 0; i < DOC_RULES; i++)
        if (strcmp(rules[i].id, code) == 0)
            return (long)i;
    return -1;
}

static bool collect_extra(rule_set *rs, const check_report *r)
{
    size_t n = 0;
    rs->extra = NULL;
    rs->extra_count = 0;
    for (size_t u = 0; u < r->unit_count; u++)
        n += contour_graph_diagnostic_count(r->units[u].graph);
    if (n == 0)
        return true;
    if (!(rs->extra = calloc(n, sizeof *rs->extra)))
        return false;
    for (size_t u = 0; u < r->unit_count; u++) {
        const contour_graph *g = r->units[u].graph;
        for (size_t i = 0; i < contour_graph_diagnostic_count(g) && rs->extra_count < n; i++) {
            const char *code = contour_diagnostic_code(contour_graph_diagnostic_at(g, i));
            if (doc_rule(code) < 0)
                rs->extra[rs->extra_count++] = code;
        }
    }
    if (rs->extra_count)
        qsort(rs->extra, rs->extra_count, sizeof *rs->extra, cmp_code);
    size_t out = 0;
    for (size_t i = 0; i < rs->extra_count; i++)
        if (!out || strcmp(rs->extra[out - 1], rs->extra[i]) != 0)
            rs->extra[out++] = rs->extra[i];
    rs->extra_count = out;
    return true;
}

static size_t rule_index(const rule_set *rs, const char *code)
{
    long i = doc_rule(code);
    if (i >= 0)
        return (size_t)i;
    const char **hit =
        rs->extra ? bsearch(&code, rs->extra, rs->extra_count, sizeof *rs->extra, cmp_code) : NULL;
    return hit ? DOC_RULES + (size_t)(hit - rs->extra) : 0; /* every code was collected */
}

static void json_str(FILE *f, const char *s)
{
    put_esc(f, s ? s : "", CONTOUR_ESCAPE_JSON);
}

/* "unknown-field" -> "UnknownField": the rule's name. */
static void put_rule_name(FILE *f, const char *id)
{
    fputc('"', f);
    bool upper = true;
    for (const char *p = id; *p; p++) {
        if (*p == '-') {
            upper = true;
            continue;
        }
        fputc(upper && *p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p, f);
        upper = false;
    }
    fputc('"', f);
}

/* The first clause of a description, for shortDescription. */
static void put_short(FILE *f, const char *text)
{
    size_t n = strcspn(text, ";:(");
    while (n > 0 && text[n - 1] == ' ')
        n--;
    char *s = strndup(text, n);
    if (!s) {
        out_of_memory = true;
        return;
    }
    json_str(f, s);
    free(s);
}

static void write_rule(FILE *f, const struct rule *rule, const char *id, bool first)
{
    fputs(first ? "\n" : ",\n", f);
    fputs("          {\"id\": ", f);
    json_str(f, id);
    fputs(", \"name\": ", f);
    put_rule_name(f, id);
    if (rule) {
        fputs(", \"shortDescription\": {\"text\": ", f);
        put_short(f, rule->text);
        fputs("}, \"fullDescription\": {\"text\": ", f);
        json_str(f, rule->text);
        fputs("}, \"help\": {\"text\": ", f);
        json_str(f, rule->text);
        fputs(", \"markdown\": ", f);
        json_str(f, rule->markdown);
        fputs("}", f);
        if (rule->level)
            fprintf(f, ", \"defaultConfiguration\": {\"level\": \"%s\"}", rule->level);
        fputs(", \"properties\": {\"tags\": [\"contour\", ", f);
        json_str(f, rule->section);
        fputs("]}", f);
    } else {
        fputs(", \"shortDescription\": {\"text\": \"diagnostic ", f);
        put_esc(f, id, CONTOUR_ESCAPE_TEXT);
        fputs(" (not described in this version's docs/diagnostics.md)\"}", f);
    }
    fputs(", \"helpUri\": \"" HELP_URL "\"}", f);
}

/* Percent-encodes a path for a URI reference (RFC 3986: unreserved characters and '/'
 * stay). */
static void put_uri_path(FILE *f, const char *p)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *s = (const unsigned char *)p; *s; s++) {
        unsigned char c = *s;
        bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
        if (keep)
            fputc(c, f);
        else
            fprintf(f, "%%%c%c", hex[c >> 4], hex[c & 0xF]);
    }
}

/* artifactLocation: a relative path against %SRCROOT% (the directory contourc ran in, the
 * root of the checkout in CI); an absolute path under the working directory is made
 * relative, any other absolute path becomes a file:// URI. */
static void put_artifact(FILE *f, const char *file, const char *cwd)
{
    const char *rel = file ? file : "";
    size_t cwd_len = cwd ? strlen(cwd) : 0;
    if (rel[0] == '/' && cwd_len && strncmp(rel, cwd, cwd_len) == 0 && rel[cwd_len] == '/')
        rel += cwd_len + 1;
    while (rel[0] == '.' && rel[1] == '/')
        rel += 2;
    fputs("\"artifactLocation\": {\"uri\": \"", f);
    if (rel[0] == '/') {
        fputs("file://", f);
        put_uri_path(f, rel);
        fputs("\"}", f);
    } else {
        put_uri_path(f, rel);
        fputs("\", \"uriBaseId\": \"%SRCROOT%\"}", f);
    }
}

/* FNV-1a over the parts (each ended by a 0 byte): a fingerprint that survives the result
 * moving to another line. */
static uint64_t fingerprint(const char *const *parts, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        for (const unsigned char *p = (const unsigned char *)(parts[i] ? parts[i] : ""); *p; p++)
            h = (h ^ *p) * 0x100000001b3ull;
        h *= 0x100000001b3ull;
    }
    return h;
}

typedef struct result {
    const char *rule;
    size_t rule_index;
    const char *level;
    const char *file;
    uint32_t line, col;
    contour_kind kind;
    const char *ns, *name, *field;
    const char *message; /* diagnostic message or status description */
    const char *state;   /* for statuses: "invalid", "orphaned"; else NULL */
    bool fails;
} result;

static void write_message(FILE *f, const result *res)
{
    /* Composed as the text report shows it (names quoted, prose escaped for people), then
     * JSON-escaped: viewers show message text to people. */
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m) {
        out_of_memory = true;
        return;
    }
    if (res->state) {
        fprintf(m, "%s ", contour_kind_name(res->kind));
        put_ref(m, res->ns, res->name);
        fprintf(m, " is %s: ", res->state);
        put_esc(m, res->message, CONTOUR_ESCAPE_TEXT);
    } else {
        put_esc(m, res->message, CONTOUR_ESCAPE_TEXT);
        if (res->name) {
            fputs(" [", m);
            put_ref(m, res->ns, res->name);
            fputc(']', m);
        }
    }
    if (fclose(m) != 0 || !text) {
        out_of_memory = true;
        free(text);
        return;
    }
    json_str(f, text);
    free(text);
}

static void write_result(FILE *f, const result *res, const char *cwd, bool first)
{
    fputs(first ? "\n" : ",\n", f);
    fputs("        {\"ruleId\": ", f);
    json_str(f, res->rule);
    fprintf(f, ", \"ruleIndex\": %zu, \"level\": \"%s\", \"message\": {\"text\": ", res->rule_index,
            res->level);
    write_message(f, res);
    fputs("},\n         \"locations\": [{\"physicalLocation\": {", f);
    put_artifact(f, res->file, cwd);
    /* Code scanning needs a line; a diagnostic about a whole file points at its first. */
    fprintf(f, ", \"region\": {\"startLine\": %u", res->line ? res->line : 1);
    if (res->line && res->col)
        fprintf(f, ", \"startColumn\": %u", res->col);
    fputs("}}", f);
    if (res->name) {
        fputs(", \"logicalLocations\": [{\"name\": ", f);
        json_str(f, res->name);
        fputs(", \"fullyQualifiedName\": ", f);
        char *fq = NULL;
        size_t fq_len = 0;
        FILE *m = open_memstream(&fq, &fq_len);
        if (m) {
            fprintf(m, "%s ", contour_kind_name(res->kind));
            put_ref(m, res->ns, res->name);
        }
        if (!m || fclose(m) != 0 || !fq)
            out_of_memory = true;
        json_str(f, fq ? fq : "");
        free(fq);
        fputs(", \"kind\": \"resource\"}]", f);
    }
    const char *parts[] = {res->rule, res->file,  contour_kind_name(res->kind),   res->ns,
                           res->name, res->field, res->name ? NULL : res->message};
    fprintf(f, "}],\n         \"partialFingerprints\": {\"contourcResult/v1\": \"%016llx\"}, ",
            (unsigned long long)fingerprint(parts, sizeof parts / sizeof parts[0]));
    fprintf(f, "\"properties\": {\"fails\": %s}}", res->fails ? "true" : "false");
}

static const char *severity_level(contour_severity sev)
{
    return sev == CONTOUR_SEVERITY_ERROR     ? "error"
           : sev == CONTOUR_SEVERITY_WARNING ? "warning"
                                             : "note";
}

bool write_check_sarif(FILE *f, const check_report *r)
{
    rule_set rs;
    if (!collect_extra(&rs, r)) {
        out_of_memory = true;
        return false;
    }
    char *cwd = getcwd(NULL, 0); /* NULL: absolute paths stay absolute */
    const char *v = contour_version_string();
    fputs("{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n"
          "  \"version\": \"2.1.0\",\n  \"runs\": [\n    {\n      \"tool\": {\n"
          "        \"driver\": {\n          \"name\": \"contourc\",\n",
          f);
    fprintf(f, "          \"version\": \"%s\",\n          \"semanticVersion\": \"%s\",\n", v, v);
    fputs("          \"informationUri\": \"" PROJECT_URL "\",\n          \"rules\": [", f);
    for (size_t i = 0; i < DOC_RULES; i++)
        write_rule(f, &rules[i], rules[i].id, i == 0);
    for (size_t i = 0; i < rs.extra_count; i++)
        write_rule(f, NULL, rs.extra[i], false);
    fputs("\n          ]\n        }\n      },\n"
          "      \"columnKind\": \"unicodeCodePoints\",\n      \"results\": [",
          f);

    bool first = true;
    for (size_t u = 0; u < r->unit_count; u++) {
        const contour_graph *g = r->units[u].graph;
        for (size_t i = 0; i < contour_graph_diagnostic_count(g); i++) {
            const contour_diagnostic *d = contour_graph_diagnostic_at(g, i);
            result res = {
                .rule = contour_diagnostic_code(d),
                .rule_index = rule_index(&rs, contour_diagnostic_code(d)),
                .level = severity_level(contour_diagnostic_severity(d)),
                .file = contour_diagnostic_file(d),
                .line = contour_diagnostic_line(d),
                .col = contour_diagnostic_column(d),
                .kind = contour_diagnostic_object_kind(d),
                .ns = contour_diagnostic_object_namespace(d),
                .name = contour_diagnostic_object_name(d),
                .field = contour_diagnostic_field(d),
                .message = contour_diagnostic_message(d),
                .fails = diag_fails(r, d),
            };
            write_result(f, &res, cwd, first);
            first = false;
        }
        for (size_t i = 0; i < contour_graph_status_count(g); i++) {
            const contour_status *s = contour_graph_status_at(g, i);
            contour_state state = contour_status_state(s);
            if (state == CONTOUR_STATE_VALID)
                continue;
            const char *id = contour_state_name(state);
            long idx = doc_rule(id);
            result res = {
                .rule = id,
                .rule_index = idx >= 0 ? (size_t)idx : 0,
                .level = idx >= 0 && rules[idx].level ? rules[idx].level : "error",
                .file = contour_status_file(s),
                .line = contour_status_line(s),
                .col = contour_status_column(s),
                .kind = contour_status_kind(s),
                .ns = contour_status_namespace(s),
                .name = contour_status_name(s),
                .message = contour_status_description(s),
                .state = id,
                .fails = status_fails(r, s),
            };
            write_result(f, &res, cwd, first);
            first = false;
        }
    }
    fputs(first ? "]\n    }\n  ]\n}\n" : "\n      ]\n    }\n  ]\n}\n", f);
    free(cwd);
    free(rs.extra);
    return !out_of_memory;
}
