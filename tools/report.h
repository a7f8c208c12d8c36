/* contourc's check report: what was checked (one or more resolved units), the policy that
 * decides what fails, and the writers of each report format. Uses the public API only. */
#ifndef CONTOURC_REPORT_H
#define CONTOURC_REPORT_H

#include <contour/contour.h>

#include <stdio.h>

/* What makes `check` fail (--fail-on; docs/cli.md). Ordered: each includes the one before. */
typedef enum fail_level {
    FAIL_ON_ERROR = 0,   /* error diagnostics */
    FAIL_ON_INVALID = 1, /* ... and invalid or orphaned IngressRoutes (the default) */
    FAIL_ON_WARNING = 2, /* ... and warning diagnostics: anything but info (--strict) */
} fail_level;

typedef enum check_format { CHECK_TEXT, CHECK_JSON, CHECK_SARIF, CHECK_JUNIT } check_format;

/* One snapshot and its graph: all PATHs together, or one file with --per-file. */
typedef struct check_unit {
    contour_snapshot *snapshot;
    contour_graph *graph;
} check_unit;

typedef struct check_counts {
    size_t objects; /* IngressRoute statuses */
    size_t invalid, orphaned;
    size_t errors, warnings, infos;
    size_t skipped; /* documents of Contour kinds the library does not model */
    size_t failures;
} check_counts;

typedef struct check_report {
    const check_unit *units;
    size_t unit_count;
    fail_level fail_on;
    bool quiet; /* text: only what fails */
    bool color; /* text: severity words in colour */
    check_counts counts;
} check_report;

/* The diagnostic code of a skipped Contour kind (docs/diagnostics.md). */
#define CODE_UNSUPPORTED_KIND "unsupported-kind"

const char *fail_level_name(fail_level level);
bool diag_fails(const check_report *r, const contour_diagnostic *d);
bool status_fails(const check_report *r, const contour_status *s);
/* Fills r->counts. */
void count_report(check_report *r);
/* The summary line ("3 objects, 1 invalid, ...") with its newline. */
void put_summary(FILE *f, const check_report *r);

/* One diagnostic as a line of the text report. */
void print_diagnostic(FILE *f, const check_report *r, const contour_diagnostic *d);

/* The writers; each returns false when the report could not be written whole (out of
 * memory). Write errors of `f` are the caller's to check. */
bool write_check_text(FILE *f, const check_report *r);
bool write_check_json(FILE *f, const check_report *r);
bool write_check_sarif(FILE *f, const check_report *r);
bool write_check_junit(FILE *f, const check_report *r);

/* ---- escaping (out.c): every string from the input goes through contour_escape() ---- */

/* Writes s as contour_escape() would. Out of memory: nothing written, out_of_memory set. */
void put_esc(FILE *f, const char *s, contour_escape_style style);
/* NS/NAME, each part as a name (CONTOUR_ESCAPE_NAME). ns NULL: the name alone. */
void put_ref(FILE *f, const char *ns, const char *name);
/* Text for XML character data and attribute values: escaped as prose, then & < > " '. */
void put_xml(FILE *f, const char *s);
/* A JSON string literal of prose escaped for people (messages shown by SARIF viewers). */
void put_json_prose(FILE *f, const char *s);
extern bool out_of_memory;

#endif
