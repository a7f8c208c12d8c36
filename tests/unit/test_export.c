/*
 * Bulk copy-out (contour/export.h) against its documentation and the accessors.
 *
 * docs/export.md is the only description of the layout, so this test reads it: every
 * table's number, name and record size, and every field's word, type and target table,
 * come from its headings and rows. Exports of the golden cases (and of a manifest that
 * sets every field) are decoded with those offsets, and every field of every record is
 * compared with the accessor of the same name, walking the graph and the objects through
 * the public API. The test also checks that every documented field was compared and seen
 * with a value other than its default, that every record is reached exactly once through
 * its parent's ref or range, and that an export fails cleanly at each allocation.
 */
#include "testutil.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------------------------ */
/* The layout, as docs/export.md describes it                                                 */
/* ------------------------------------------------------------------------------------------ */

#define MAX_TABLES 32
#define MAX_FIELDS 24
#define KIND_TABLE (-2) /* `ref KIND`: the table of the object's kind */

typedef enum ftype { F_INT, F_BOOL, F_ENUM, F_STR, F_REF, F_RANGE } ftype;

typedef struct field {
    char name[64];
    int word;
    ftype type;
    int target; /* ref/range: table number, or KIND_TABLE */
    bool compared;
    bool nondefault; /* seen with a value other than 0 / NULL / -1 / an empty range */
} field;

typedef struct table {
    char name[64];
    int words;
    field f[MAX_FIELDS];
    int nf;
} table;

static table doc[MAX_TABLES];
static int ndoc;

static int doc_table(const char *name)
{
    for (int t = 0; t < ndoc; t++) {
        if (strcmp(doc[t].name, name) == 0)
            return t;
    }
    return -1;
}

static int field_width(ftype t)
{
    return t == F_STR || t == F_RANGE ? 2 : 1;
}

/* Reads the tables and fields of docs/export.md. Targets are resolved once all tables are
 * known (a field may point at a later table). */
static void parse_doc(void)
{
    if (ndoc)
        return;
    char *text = tu_read_file(tu_path(tu_source_root(), "docs/export.md"), NULL);
    char targets[MAX_TABLES][MAX_FIELDS][64];
    memset(targets, 0, sizeof targets);
    table *cur = NULL;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        int num, words;
        char name[64];
        if (sscanf(line, "### Table %d: `%63[^`]` (%d words)", &num, name, &words) == 3) {
            assert_int_equal(num, ndoc); /* tables in number order, none missing */
            assert_true(ndoc < MAX_TABLES);
            cur = &doc[ndoc++];
            snprintf(cur->name, sizeof cur->name, "%s", name);
            cur->words = words;
            continue;
        }
        if (strncmp(line, "## ", 3) == 0 || strncmp(line, "### ", 4) == 0) {
            cur = NULL;
            continue;
        }
        int word;
        char fname[64], type[128];
        if (!cur || sscanf(line, "| %d | `%63[^`]` | %127[^|]|", &word, fname, type) != 3)
            continue;
        assert_true(cur->nf < MAX_FIELDS);
        field *f = &cur->f[cur->nf];
        snprintf(f->name, sizeof f->name, "%s", fname);
        f->word = word;
        char kw[32] = "", arg[64] = "";
        assert_true(sscanf(type, "%31s %63s", kw, arg) >= 1);
        if (strcmp(kw, "int") == 0)
            f->type = F_INT;
        else if (strcmp(kw, "bool") == 0)
            f->type = F_BOOL;
        else if (strcmp(kw, "enum") == 0)
            f->type = F_ENUM;
        else if (strcmp(kw, "str") == 0)
            f->type = F_STR;
        else if (strcmp(kw, "ref") == 0)
            f->type = F_REF;
        else if (strcmp(kw, "range") == 0)
            f->type = F_RANGE;
        else
            fail_msg("docs/export.md: table %s field %s: unknown type '%s'", cur->name, fname,
                     type);
        if (f->type == F_REF || f->type == F_RANGE)
            snprintf(targets[cur - doc][cur->nf], 64, "%s", arg);
        cur->nf++;
    }
    free(text);
    assert_int_equal(ndoc, 25);
    for (int t = 0; t < ndoc; t++) {
        /* Fields are consecutive and fill the record exactly. */
        int next = 0;
        for (int i = 0; i < doc[t].nf; i++) {
            field *f = &doc[t].f[i];
            if (f->word != next)
                fail_msg("docs/export.md: %s.%s is at word %d, expected %d", doc[t].name, f->name,
                         f->word, next);
            next += field_width(f->type);
            if (f->type == F_REF || f->type == F_RANGE) {
                const char *target = targets[t][i];
                f->target = strcmp(target, "KIND") == 0 ? KIND_TABLE : doc_table(target);
                if (f->target == -1)
                    fail_msg("docs/export.md: %s.%s points at unknown table '%s'", doc[t].name,
                             f->name, target);
            }
        }
        if (next != doc[t].words)
            fail_msg("docs/export.md: table %s has %d words of fields, says %d", doc[t].name, next,
                     doc[t].words);
    }
}

/* ------------------------------------------------------------------------------------------ */
/* A decoder driven by the document                                                           */
/* ------------------------------------------------------------------------------------------ */

typedef struct dec {
    const contour_export *e;
    const int64_t *w;
    size_t nw;
    const char *pool;
    size_t np;
    size_t start[MAX_TABLES], count[MAX_TABLES], size[MAX_TABLES];
    unsigned char *reached[MAX_TABLES]; /* per row: reached through its parent */
} dec;

static void dec_open(dec *d, const contour_export *e, uint32_t parts)
{
    parse_doc();
    memset(d, 0, sizeof *d);
    d->e = e;
    d->w = contour_export_words(e);
    d->nw = contour_export_word_count(e);
    d->pool = contour_export_strings(e);
    d->np = contour_export_string_size(e);
    assert_non_null(d->w);
    assert_non_null(d->pool);
    assert_true(d->nw >= 3);
    assert_int_equal(d->w[0], contour_export_layout_version());
    assert_int_equal(d->w[0], 1);
    assert_int_equal(d->w[1], parts);
    assert_int_equal(d->w[2], ndoc);
    size_t next = 3 + 3 * (size_t)ndoc;
    assert_true(d->nw >= next);
    for (int t = 0; t < ndoc; t++) {
        d->start[t] = (size_t)d->w[3 + 3 * t];
        d->count[t] = (size_t)d->w[4 + 3 * t];
        d->size[t] = (size_t)d->w[5 + 3 * t];
        /* In order, without gaps, each record the documented size. */
        assert_int_equal(d->start[t], next);
        assert_int_equal(d->size[t], doc[t].words);
        assert_string_equal(contour_export_table_name((contour_export_table)t), doc[t].name);
        next += d->count[t] * d->size[t];
        d->reached[t] = calloc(d->count[t] + 1, 1);
        assert_non_null(d->reached[t]);
    }
    assert_int_equal(next, d->nw);
    /* The pool: strings each followed by a NUL, an empty pool one NUL. */
    assert_int_equal(d->pool[d->np ? d->np - 1 : 0], '\0');
}

/* Checks that every record was reached exactly once, then releases the decoder. */
static void dec_close(dec *d)
{
    for (int t = 0; t < ndoc; t++) {
        for (size_t r = 0; r < d->count[t]; r++) {
            if (d->reached[t][r] != 1)
                fail_msg("%s row %zu reached %d times", doc[t].name, r, d->reached[t][r]);
        }
        free(d->reached[t]);
    }
}

/* Marks a row reached (top-level rows are reached by the test's own loop). */
static void reach(dec *d, int t, size_t row)
{
    assert_true(row < d->count[t]);
    d->reached[t][row]++;
}

static field *find_field(int t, const char *name)
{
    for (int i = 0; i < doc[t].nf; i++) {
        if (strcmp(doc[t].f[i].name, name) == 0) {
            doc[t].f[i].compared = true;
            return &doc[t].f[i];
        }
    }
    fail_msg("docs/export.md: table %s has no field '%s'", doc[t].name, name);
    return NULL;
}

static const int64_t *word_of(const dec *d, int t, size_t row, const field *f)
{
    assert_true(row < d->count[t]);
    return d->w + d->start[t] + row * d->size[t] + f->word;
}

static void expect_int(dec *d, int t, size_t row, const char *name, int64_t want)
{
    field *f = find_field(t, name);
    assert_true(f->type == F_INT || f->type == F_BOOL || f->type == F_ENUM);
    int64_t got = *word_of(d, t, row, f);
    if (got != want)
        fail_msg("%s[%zu].%s = %lld, accessor says %lld", doc[t].name, row, name, (long long)got,
                 (long long)want);
    if (f->type == F_BOOL)
        assert_true(got == 0 || got == 1);
    f->nondefault |= want != 0;
}

static void expect_str(dec *d, int t, size_t row, const char *name, const char *want)
{
    field *f = find_field(t, name);
    assert_int_equal(f->type, F_STR);
    const int64_t *w = word_of(d, t, row, f);
    if (w[0] == -1) {
        assert_int_equal(w[1], 0);
        if (want)
            fail_msg("%s[%zu].%s is NULL, accessor says \"%s\"", doc[t].name, row, name, want);
        return;
    }
    assert_true(w[0] >= 0 && w[1] >= 0 && (size_t)w[0] + (size_t)w[1] < d->np);
    const char *got = d->pool + w[0];
    assert_int_equal(got[w[1]], '\0');
    assert_int_equal(strlen(got), (size_t)w[1]);
    if (!want)
        fail_msg("%s[%zu].%s is \"%s\", accessor says NULL", doc[t].name, row, name, got);
    if (strcmp(got, want) != 0)
        fail_msg("%s[%zu].%s is \"%s\", accessor says \"%s\"", doc[t].name, row, name, got, want);
    f->nondefault = true;
}

/* A ref: returns the row it points at (reached), or SIZE_MAX for none. `target` names the
 * table for `ref KIND`. */
static size_t expect_ref(dec *d, int t, size_t row, const char *name, bool present, int target)
{
    field *f = find_field(t, name);
    assert_int_equal(f->type, F_REF);
    if (f->target != KIND_TABLE)
        assert_int_equal(f->target, target);
    int64_t v = *word_of(d, t, row, f);
    if (!present) {
        assert_int_equal(v, -1);
        return SIZE_MAX;
    }
    assert_true(v >= 0);
    f->nondefault = true;
    reach(d, target, (size_t)v);
    return (size_t)v;
}

/* A range: checks its length and returns its first row (each row reached). */
static size_t expect_range(dec *d, int t, size_t row, const char *name, size_t want)
{
    field *f = find_field(t, name);
    assert_int_equal(f->type, F_RANGE);
    const int64_t *w = word_of(d, t, row, f);
    assert_true(w[0] >= 0 && w[1] >= 0);
    size_t first = (size_t)w[0], n = (size_t)w[1];
    if (n != want)
        fail_msg("%s[%zu].%s has %zu records, accessor says %zu", doc[t].name, row, name, n, want);
    assert_true(first + n <= d->count[f->target]);
    for (size_t i = 0; i < n; i++)
        reach(d, f->target, first + i);
    f->nondefault |= n > 0;
    return first;
}

/* ------------------------------------------------------------------------------------------ */
/* Every record against its accessors                                                         */
/* ------------------------------------------------------------------------------------------ */

enum {
    LISTENER = CONTOUR_EXPORT_TABLE_LISTENER,
    VHOST = CONTOUR_EXPORT_TABLE_VHOST,
    ROUTE = CONTOUR_EXPORT_TABLE_ROUTE,
    CLUSTER = CONTOUR_EXPORT_TABLE_CLUSTER,
    HEALTH_CHECK = CONTOUR_EXPORT_TABLE_HEALTH_CHECK,
    STATUS = CONTOUR_EXPORT_TABLE_STATUS,
    STRING = CONTOUR_EXPORT_TABLE_STRING,
    DIAGNOSTIC = CONTOUR_EXPORT_TABLE_DIAGNOSTIC,
    OBJECT = CONTOUR_EXPORT_TABLE_OBJECT,
    OBJECT_DIAGNOSTIC = CONTOUR_EXPORT_TABLE_OBJECT_DIAGNOSTIC,
    ANNOTATION = CONTOUR_EXPORT_TABLE_ANNOTATION,
    IR = CONTOUR_EXPORT_TABLE_INGRESSROUTE,
    IR_ROUTE = CONTOUR_EXPORT_TABLE_INGRESSROUTE_ROUTE,
    IR_SERVICE = CONTOUR_EXPORT_TABLE_INGRESSROUTE_SERVICE,
    TD = CONTOUR_EXPORT_TABLE_TLSCERTIFICATEDELEGATION,
    TD_DELEGATION = CONTOUR_EXPORT_TABLE_TLSCERTIFICATEDELEGATION_DELEGATION,
    INGRESS = CONTOUR_EXPORT_TABLE_INGRESS,
    ING_RULE = CONTOUR_EXPORT_TABLE_INGRESS_RULE,
    ING_PATH = CONTOUR_EXPORT_TABLE_INGRESS_PATH,
    ING_BACKEND = CONTOUR_EXPORT_TABLE_INGRESS_BACKEND,
    ING_TLS = CONTOUR_EXPORT_TABLE_INGRESS_TLS,
    SERVICE = CONTOUR_EXPORT_TABLE_SERVICE,
    SERVICE_PORT = CONTOUR_EXPORT_TABLE_SERVICE_PORT,
    SECRET = CONTOUR_EXPORT_TABLE_SECRET,
    SECRET_KEY = CONTOUR_EXPORT_TABLE_SECRET_KEY,
};

static void check_health_check(dec *d, int t, size_t row, const contour_health_check *h)
{
    size_t r = expect_ref(d, t, row, "health_check", h != NULL, HEALTH_CHECK);
    if (!h)
        return;
    expect_str(d, HEALTH_CHECK, r, "path", contour_health_check_path(h));
    expect_str(d, HEALTH_CHECK, r, "host", contour_health_check_host(h));
    expect_int(d, HEALTH_CHECK, r, "interval_s", contour_health_check_interval_s(h));
    expect_int(d, HEALTH_CHECK, r, "timeout_s", contour_health_check_timeout_s(h));
    expect_int(d, HEALTH_CHECK, r, "unhealthy_threshold",
               contour_health_check_unhealthy_threshold(h));
    expect_int(d, HEALTH_CHECK, r, "healthy_threshold", contour_health_check_healthy_threshold(h));
}

static void check_cluster(dec *d, size_t row, const contour_cluster *c)
{
    expect_str(d, CLUSTER, row, "namespace", contour_cluster_namespace(c));
    expect_str(d, CLUSTER, row, "service", contour_cluster_service(c));
    expect_int(d, CLUSTER, row, "port", contour_cluster_port(c));
    expect_str(d, CLUSTER, row, "port_name", contour_cluster_port_name(c));
    expect_int(d, CLUSTER, row, "weight", contour_cluster_weight(c));
    expect_str(d, CLUSTER, row, "strategy", contour_cluster_strategy(c));
    expect_str(d, CLUSTER, row, "protocol", contour_cluster_protocol(c));
    check_health_check(d, CLUSTER, row, contour_cluster_health_check(c));
    expect_int(d, CLUSTER, row, "max_connections", contour_cluster_max_connections(c));
    expect_int(d, CLUSTER, row, "max_pending_requests", contour_cluster_max_pending_requests(c));
    expect_int(d, CLUSTER, row, "max_requests", contour_cluster_max_requests(c));
    expect_int(d, CLUSTER, row, "max_retries", contour_cluster_max_retries(c));
}

static void check_route(dec *d, size_t row, const contour_route *r)
{
    expect_int(d, ROUTE, row, "match_type", contour_route_match_type(r));
    expect_str(d, ROUTE, row, "path", contour_route_path(r));
    expect_int(d, ROUTE, row, "https_redirect", contour_route_https_redirect(r));
    expect_int(d, ROUTE, row, "websocket", contour_route_websocket(r));
    expect_str(d, ROUTE, row, "prefix_rewrite", contour_route_prefix_rewrite(r));
    expect_int(d, ROUTE, row, "has_timeout", contour_route_has_timeout(r));
    expect_int(d, ROUTE, row, "timeout_ms", contour_route_timeout_ms(r));
    expect_int(d, ROUTE, row, "has_retry", contour_route_has_retry(r));
    expect_str(d, ROUTE, row, "retry_on", contour_route_retry_on(r));
    expect_int(d, ROUTE, row, "retry_num_retries", contour_route_retry_num_retries(r));
    expect_int(d, ROUTE, row, "retry_per_try_timeout_ms",
               contour_route_retry_per_try_timeout_ms(r));
    expect_int(d, ROUTE, row, "source_kind", contour_route_source_kind(r));
    expect_str(d, ROUTE, row, "source_namespace", contour_route_source_namespace(r));
    expect_str(d, ROUTE, row, "source_name", contour_route_source_name(r));
    size_t n = contour_route_cluster_count(r);
    size_t first = expect_range(d, ROUTE, row, "clusters", n);
    for (size_t i = 0; i < n; i++)
        check_cluster(d, first + i, contour_route_cluster_at(r, i));
}

static void check_vhost(dec *d, size_t row, const contour_vhost *v)
{
    expect_str(d, VHOST, row, "fqdn", contour_vhost_fqdn(v));
    expect_int(d, VHOST, row, "has_tls", contour_vhost_has_tls(v));
    expect_str(d, VHOST, row, "tls_secret_namespace", contour_vhost_tls_secret_namespace(v));
    expect_str(d, VHOST, row, "tls_secret_name", contour_vhost_tls_secret_name(v));
    expect_str(d, VHOST, row, "tls_min_protocol_version",
               contour_vhost_tls_min_protocol_version(v));
    expect_int(d, VHOST, row, "tls_passthrough", contour_vhost_tls_passthrough(v));
    size_t n = contour_vhost_route_count(v);
    size_t first = expect_range(d, VHOST, row, "routes", n);
    for (size_t i = 0; i < n; i++)
        check_route(d, first + i, contour_vhost_route_at(v, i));
    expect_int(d, VHOST, row, "has_tcpproxy", contour_vhost_has_tcpproxy(v));
    n = contour_vhost_tcpproxy_cluster_count(v);
    first = expect_range(d, VHOST, row, "tcpproxy_clusters", n);
    for (size_t i = 0; i < n; i++)
        check_cluster(d, first + i, contour_vhost_tcpproxy_cluster_at(v, i));
}

static void check_listener(dec *d, size_t row, const contour_listener *l)
{
    reach(d, LISTENER, row);
    expect_str(d, LISTENER, row, "name", contour_listener_name(l));
    expect_int(d, LISTENER, row, "port", contour_listener_port(l));
    expect_int(d, LISTENER, row, "is_secure", contour_listener_is_secure(l));
    size_t n = contour_listener_vhost_count(l);
    size_t first = expect_range(d, LISTENER, row, "vhosts", n);
    for (size_t i = 0; i < n; i++)
        check_vhost(d, first + i, contour_listener_vhost_at(l, i));
}

static void check_status(dec *d, size_t row, const contour_status *s)
{
    reach(d, STATUS, row);
    expect_int(d, STATUS, row, "kind", contour_status_kind(s));
    expect_str(d, STATUS, row, "namespace", contour_status_namespace(s));
    expect_str(d, STATUS, row, "name", contour_status_name(s));
    expect_int(d, STATUS, row, "state", contour_status_state(s));
    expect_str(d, STATUS, row, "description", contour_status_description(s));
    size_t n = contour_status_vhost_count(s);
    size_t first = expect_range(d, STATUS, row, "vhosts", n);
    for (size_t i = 0; i < n; i++)
        expect_str(d, STRING, first + i, "value", contour_status_vhost_at(s, i));
    expect_str(d, STATUS, row, "file", contour_status_file(s));
    expect_int(d, STATUS, row, "line", contour_status_line(s));
    expect_int(d, STATUS, row, "column", contour_status_column(s));
}

static void check_diagnostic(dec *d, int t, size_t row, const contour_diagnostic *g)
{
    expect_int(d, t, row, "severity", contour_diagnostic_severity(g));
    expect_str(d, t, row, "code", contour_diagnostic_code(g));
    expect_str(d, t, row, "message", contour_diagnostic_message(g));
    expect_str(d, t, row, "file", contour_diagnostic_file(g));
    expect_int(d, t, row, "line", contour_diagnostic_line(g));
    expect_int(d, t, row, "column", contour_diagnostic_column(g));
    expect_str(d, t, row, "field", contour_diagnostic_field(g));
    expect_int(d, t, row, "object_kind", contour_diagnostic_object_kind(g));
    expect_str(d, t, row, "object_namespace", contour_diagnostic_object_namespace(g));
    expect_str(d, t, row, "object_name", contour_diagnostic_object_name(g));
}

static void check_ir_service(dec *d, size_t row, const contour_ingressroute_service *s)
{
    expect_str(d, IR_SERVICE, row, "name", contour_ingressroute_service_name(s));
    expect_int(d, IR_SERVICE, row, "port", contour_ingressroute_service_port(s));
    expect_int(d, IR_SERVICE, row, "weight", contour_ingressroute_service_weight(s));
    expect_str(d, IR_SERVICE, row, "strategy", contour_ingressroute_service_strategy(s));
    check_health_check(d, IR_SERVICE, row, contour_ingressroute_service_health_check(s));
}

static void check_ir_route(dec *d, size_t row, const contour_ingressroute_route *r)
{
    expect_str(d, IR_ROUTE, row, "match", contour_ingressroute_route_match(r));
    size_t n = contour_ingressroute_route_service_count(r);
    size_t first = expect_range(d, IR_ROUTE, row, "services", n);
    for (size_t i = 0; i < n; i++)
        check_ir_service(d, first + i, contour_ingressroute_route_service_at(r, i));
    expect_int(d, IR_ROUTE, row, "has_delegate", contour_ingressroute_route_has_delegate(r));
    expect_str(d, IR_ROUTE, row, "delegate_name", contour_ingressroute_route_delegate_name(r));
    expect_str(d, IR_ROUTE, row, "delegate_namespace",
               contour_ingressroute_route_delegate_namespace(r));
    expect_int(d, IR_ROUTE, row, "enable_websockets",
               contour_ingressroute_route_enable_websockets(r));
    expect_int(d, IR_ROUTE, row, "permit_insecure", contour_ingressroute_route_permit_insecure(r));
    expect_str(d, IR_ROUTE, row, "prefix_rewrite", contour_ingressroute_route_prefix_rewrite(r));
    expect_int(d, IR_ROUTE, row, "has_timeout_policy",
               contour_ingressroute_route_has_timeout_policy(r));
    expect_str(d, IR_ROUTE, row, "timeout_policy_request",
               contour_ingressroute_route_timeout_policy_request(r));
    expect_int(d, IR_ROUTE, row, "has_retry_policy",
               contour_ingressroute_route_has_retry_policy(r));
    expect_int(d, IR_ROUTE, row, "retry_policy_count",
               contour_ingressroute_route_retry_policy_count(r));
    expect_str(d, IR_ROUTE, row, "retry_policy_per_try_timeout",
               contour_ingressroute_route_retry_policy_per_try_timeout(r));
}

static void check_ingressroute(dec *d, size_t row, const contour_object *o)
{
    expect_int(d, IR, row, "has_virtualhost", contour_ingressroute_has_virtualhost(o));
    expect_str(d, IR, row, "fqdn", contour_ingressroute_fqdn(o));
    expect_int(d, IR, row, "has_tls", contour_ingressroute_has_tls(o));
    expect_str(d, IR, row, "tls_secret_name", contour_ingressroute_tls_secret_name(o));
    expect_str(d, IR, row, "tls_min_protocol_version",
               contour_ingressroute_tls_min_protocol_version(o));
    expect_int(d, IR, row, "tls_passthrough", contour_ingressroute_tls_passthrough(o));
    size_t n = contour_ingressroute_route_count(o);
    size_t first = expect_range(d, IR, row, "routes", n);
    for (size_t i = 0; i < n; i++)
        check_ir_route(d, first + i, contour_ingressroute_route_at(o, i));
    expect_int(d, IR, row, "has_tcpproxy", contour_ingressroute_has_tcpproxy(o));
    n = contour_ingressroute_tcpproxy_service_count(o);
    first = expect_range(d, IR, row, "tcpproxy_services", n);
    for (size_t i = 0; i < n; i++)
        check_ir_service(d, first + i, contour_ingressroute_tcpproxy_service_at(o, i));
    expect_int(d, IR, row, "tcpproxy_has_delegate", contour_ingressroute_tcpproxy_has_delegate(o));
    expect_str(d, IR, row, "tcpproxy_delegate_name",
               contour_ingressroute_tcpproxy_delegate_name(o));
    expect_str(d, IR, row, "tcpproxy_delegate_namespace",
               contour_ingressroute_tcpproxy_delegate_namespace(o));
}

static void check_tlscertificatedelegation(dec *d, size_t row, const contour_object *o)
{
    size_t n = contour_tlscertificatedelegation_delegation_count(o);
    size_t first = expect_range(d, TD, row, "delegations", n);
    for (size_t i = 0; i < n; i++) {
        const contour_tlscertificatedelegation_delegation *g =
            contour_tlscertificatedelegation_delegation_at(o, i);
        expect_str(d, TD_DELEGATION, first + i, "secret_name",
                   contour_tlscertificatedelegation_delegation_secret_name(g));
        size_t m = contour_tlscertificatedelegation_delegation_target_namespace_count(g);
        size_t f2 = expect_range(d, TD_DELEGATION, first + i, "target_namespaces", m);
        for (size_t j = 0; j < m; j++)
            expect_str(d, STRING, f2 + j, "value",
                       contour_tlscertificatedelegation_delegation_target_namespace_at(g, j));
    }
}

static void check_backend(dec *d, int t, size_t row, const char *name,
                          const contour_ingress_backend *b)
{
    size_t r = expect_ref(d, t, row, name, b != NULL, ING_BACKEND);
    if (!b)
        return;
    expect_str(d, ING_BACKEND, r, "service_name", contour_ingress_backend_service_name(b));
    expect_int(d, ING_BACKEND, r, "port", contour_ingress_backend_port(b));
    expect_str(d, ING_BACKEND, r, "port_name", contour_ingress_backend_port_name(b));
    expect_int(d, ING_BACKEND, r, "is_resource", contour_ingress_backend_is_resource(b));
}

static void check_ingress(dec *d, size_t row, const contour_object *o)
{
    expect_str(d, INGRESS, row, "class_name", contour_ingress_class_name(o));
    check_backend(d, INGRESS, row, "default_backend", contour_ingress_default_backend(o));
    size_t n = contour_ingress_rule_count(o);
    size_t first = expect_range(d, INGRESS, row, "rules", n);
    for (size_t i = 0; i < n; i++) {
        const contour_ingress_rule *r = contour_ingress_rule_at(o, i);
        expect_str(d, ING_RULE, first + i, "host", contour_ingress_rule_host(r));
        expect_int(d, ING_RULE, first + i, "has_http", contour_ingress_rule_has_http(r));
        size_t m = contour_ingress_rule_path_count(r);
        size_t f2 = expect_range(d, ING_RULE, first + i, "paths", m);
        for (size_t j = 0; j < m; j++) {
            const contour_ingress_path *p = contour_ingress_rule_path_at(r, j);
            expect_str(d, ING_PATH, f2 + j, "path", contour_ingress_path_path(p));
            expect_str(d, ING_PATH, f2 + j, "path_type", contour_ingress_path_path_type(p));
            check_backend(d, ING_PATH, f2 + j, "backend", contour_ingress_path_backend(p));
        }
    }
    n = contour_ingress_tls_count(o);
    first = expect_range(d, INGRESS, row, "tls", n);
    for (size_t i = 0; i < n; i++) {
        const contour_ingress_tls *t = contour_ingress_tls_at(o, i);
        expect_str(d, ING_TLS, first + i, "secret_name", contour_ingress_tls_secret_name(t));
        size_t m = contour_ingress_tls_host_count(t);
        size_t f2 = expect_range(d, ING_TLS, first + i, "hosts", m);
        for (size_t j = 0; j < m; j++)
            expect_str(d, STRING, f2 + j, "value", contour_ingress_tls_host_at(t, j));
    }
}

static void check_service(dec *d, size_t row, const contour_object *o)
{
    size_t n = contour_service_port_count(o);
    size_t first = expect_range(d, SERVICE, row, "ports", n);
    for (size_t i = 0; i < n; i++) {
        const contour_service_port *p = contour_service_port_at(o, i);
        expect_str(d, SERVICE_PORT, first + i, "name", contour_service_port_name(p));
        expect_int(d, SERVICE_PORT, first + i, "port", contour_service_port_port(p));
    }
}

static void check_secret(dec *d, size_t row, const contour_object *o)
{
    expect_str(d, SECRET, row, "type", contour_secret_type(o));
    size_t n = contour_secret_key_count(o);
    size_t first = expect_range(d, SECRET, row, "keys", n);
    for (size_t i = 0; i < n; i++) {
        const contour_secret_key *k = contour_secret_key_at(o, i);
        expect_str(d, SECRET_KEY, first + i, "name", contour_secret_key_name(k));
        expect_int(d, SECRET_KEY, first + i, "has_value", contour_secret_key_has_value(k));
    }
    expect_int(d, SECRET, row, "is_tls", contour_secret_is_tls(o));
}

static const int kind_table[] = {-1, IR, TD, INGRESS, SERVICE, SECRET};

static void check_object(dec *d, size_t row, const contour_object *o)
{
    reach(d, OBJECT, row);
    contour_kind k = contour_object_kind(o);
    expect_int(d, OBJECT, row, "kind", k);
    expect_str(d, OBJECT, row, "api_version", contour_object_api_version(o));
    expect_str(d, OBJECT, row, "namespace", contour_object_namespace(o));
    expect_str(d, OBJECT, row, "name", contour_object_name(o));
    expect_str(d, OBJECT, row, "file", contour_object_file(o));
    expect_int(d, OBJECT, row, "line", contour_object_line(o));
    expect_int(d, OBJECT, row, "column", contour_object_column(o));
    size_t n = contour_object_annotation_count(o);
    size_t first = expect_range(d, OBJECT, row, "annotations", n);
    for (size_t i = 0; i < n; i++) {
        const contour_annotation *a = contour_object_annotation_at(o, i);
        expect_str(d, ANNOTATION, first + i, "key", contour_annotation_key(a));
        expect_str(d, ANNOTATION, first + i, "value", contour_annotation_value(a));
    }
    n = contour_object_diagnostic_count(o);
    first = expect_range(d, OBJECT, row, "diagnostics", n);
    for (size_t i = 0; i < n; i++)
        check_diagnostic(d, OBJECT_DIAGNOSTIC, first + i, contour_object_diagnostic_at(o, i));
    assert_true(k >= 1 && k <= 5);
    size_t spec = expect_ref(d, OBJECT, row, "spec", true, kind_table[k]);
    switch (k) {
    case CONTOUR_KIND_INGRESSROUTE:
        check_ingressroute(d, spec, o);
        break;
    case CONTOUR_KIND_TLSCERTIFICATEDELEGATION:
        check_tlscertificatedelegation(d, spec, o);
        break;
    case CONTOUR_KIND_INGRESS:
        check_ingress(d, spec, o);
        break;
    case CONTOUR_KIND_SERVICE:
        check_service(d, spec, o);
        break;
    case CONTOUR_KIND_SECRET:
        check_secret(d, spec, o);
        break;
    case CONTOUR_KIND_NONE:
        break;
    }
}

/* ------------------------------------------------------------------------------------------ */
/* Exports of whole graphs and snapshots                                                      */
/* ------------------------------------------------------------------------------------------ */

#define ALL_GRAPH                                                                                  \
    (CONTOUR_EXPORT_PART_LISTENERS | CONTOUR_EXPORT_PART_STATUSES | CONTOUR_EXPORT_PART_DIAGNOSTICS)
#define ALL_SNAPSHOT (CONTOUR_EXPORT_PART_OBJECTS | CONTOUR_EXPORT_PART_DIAGNOSTICS)

static void check_graph_export(const contour_graph *g, uint32_t parts)
{
    contour_export *e = NULL;
    assert_int_equal(contour_graph_export(&e, g, parts), CONTOUR_OK);
    dec d;
    dec_open(&d, e, parts);
    size_t n = parts & CONTOUR_EXPORT_PART_LISTENERS ? contour_graph_listener_count(g) : 0;
    assert_int_equal(d.count[LISTENER], n);
    for (size_t i = 0; i < n; i++)
        check_listener(&d, i, contour_graph_listener_at(g, i));
    n = parts & CONTOUR_EXPORT_PART_STATUSES ? contour_graph_status_count(g) : 0;
    assert_int_equal(d.count[STATUS], n);
    for (size_t i = 0; i < n; i++)
        check_status(&d, i, contour_graph_status_at(g, i));
    n = parts & CONTOUR_EXPORT_PART_DIAGNOSTICS ? contour_graph_diagnostic_count(g) : 0;
    assert_int_equal(d.count[DIAGNOSTIC], n);
    for (size_t i = 0; i < n; i++) {
        reach(&d, DIAGNOSTIC, i);
        check_diagnostic(&d, DIAGNOSTIC, i, contour_graph_diagnostic_at(g, i));
    }
    assert_int_equal(d.count[OBJECT], 0);
    dec_close(&d);
    contour_export_free(e);
}

static void check_snapshot_export(const contour_snapshot *s, contour_kind kind, uint32_t parts)
{
    contour_export *e = NULL;
    assert_int_equal(contour_snapshot_export(&e, s, kind, parts), CONTOUR_OK);
    dec d;
    dec_open(&d, e, parts);
    size_t row = 0;
    if (parts & CONTOUR_EXPORT_PART_OBJECTS) {
        for (int k = 1; k <= (int)contour_kind_count(); k++) {
            if (kind != CONTOUR_KIND_NONE && k != (int)kind)
                continue;
            for (size_t i = 0; i < contour_snapshot_object_count(s, (contour_kind)k); i++)
                check_object(&d, row++, contour_snapshot_object_at(s, (contour_kind)k, i));
        }
    }
    assert_int_equal(d.count[OBJECT], row);
    size_t n = parts & CONTOUR_EXPORT_PART_DIAGNOSTICS ? contour_snapshot_diagnostic_count(s) : 0;
    assert_int_equal(d.count[DIAGNOSTIC], n);
    for (size_t i = 0; i < n; i++) {
        reach(&d, DIAGNOSTIC, i);
        check_diagnostic(&d, DIAGNOSTIC, i, contour_snapshot_diagnostic_at(s, i));
    }
    assert_int_equal(d.count[LISTENER] + d.count[STATUS], 0);
    dec_close(&d);
    contour_export_free(e);
}

/* One-record exports: each status and each object alone. */
static void check_single_exports(const contour_snapshot *s, const contour_graph *g)
{
    for (size_t i = 0; i < contour_graph_status_count(g); i++) {
        const contour_status *st = contour_graph_status_at(g, i);
        contour_export *e = NULL;
        assert_int_equal(contour_graph_export_status(&e, g, st), CONTOUR_OK);
        dec d;
        dec_open(&d, e, CONTOUR_EXPORT_PART_STATUSES);
        assert_int_equal(d.count[STATUS], 1);
        check_status(&d, 0, st);
        dec_close(&d);
        contour_export_free(e);
    }
    for (int k = 1; k <= (int)contour_kind_count(); k++) {
        for (size_t i = 0; i < contour_snapshot_object_count(s, (contour_kind)k); i++) {
            const contour_object *o = contour_snapshot_object_at(s, (contour_kind)k, i);
            contour_export *e = NULL;
            assert_int_equal(contour_snapshot_export_object(&e, s, o), CONTOUR_OK);
            dec d;
            dec_open(&d, e, CONTOUR_EXPORT_PART_OBJECTS);
            assert_int_equal(d.count[OBJECT], 1);
            check_object(&d, 0, o);
            dec_close(&d);
            contour_export_free(e);
        }
    }
}

static void check_everything(const contour_snapshot *s)
{
    contour_graph *g = NULL;
    assert_int_equal(contour_resolve(&g, s, NULL), CONTOUR_OK);
    check_graph_export(g, ALL_GRAPH);
    check_graph_export(g, CONTOUR_EXPORT_PART_LISTENERS);
    check_graph_export(g, CONTOUR_EXPORT_PART_STATUSES | CONTOUR_EXPORT_PART_DIAGNOSTICS);
    check_snapshot_export(s, CONTOUR_KIND_NONE, ALL_SNAPSHOT);
    check_snapshot_export(s, CONTOUR_KIND_NONE, CONTOUR_EXPORT_PART_DIAGNOSTICS);
    for (int k = 1; k <= (int)contour_kind_count(); k++)
        check_snapshot_export(s, (contour_kind)k, CONTOUR_EXPORT_PART_OBJECTS);
    check_single_exports(s, g);
    contour_graph_free(g);
}

/* Loads every input of tests/cases/<name>/ the way run_cases does (without its config). */
static contour_snapshot *load_case(const char *name)
{
    contour_snapshot *s = NULL;
    assert_int_equal(contour_snapshot_new(&s, NULL), CONTOUR_OK);
    char rel[2048];
    snprintf(rel, sizeof rel, "tests/cases/%s", name);
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", tu_path(tu_source_root(), rel));
    snprintf(rel, sizeof rel, "%s/include", dir);
    FILE *inc = fopen(rel, "r");
    if (inc) {
        char line[512];
        while (fgets(line, sizeof line, inc)) {
            line[strcspn(line, "\r\n")] = '\0';
            if (!line[0] || line[0] == '#')
                continue;
            assert_int_equal(
                contour_snapshot_load_path(s, tu_path(tu_shared_root(), line), CONTOUR_FORMAT_AUTO),
                CONTOUR_OK);
        }
        fclose(inc);
    }
    DIR *dh = opendir(dir);
    assert_non_null(dh);
    struct dirent *de;
    while ((de = readdir(dh))) {
        const char *dot = strrchr(de->d_name, '.');
        if (!dot || strcmp(de->d_name, "expected.json") == 0 ||
            (strcmp(dot, ".yaml") && strcmp(dot, ".yml") && strcmp(dot, ".json")))
            continue;
        snprintf(rel, sizeof rel, "%s/%s", dir, de->d_name);
        assert_int_equal(contour_snapshot_load_path(s, rel, CONTOUR_FORMAT_AUTO), CONTOUR_OK);
    }
    closedir(dh);
    return s;
}

/* Every field the accessors have, set to something other than its default somewhere:
 * with the golden cases, every documented field is then seen with a real value. */
static const char every_field[] =
    "apiVersion: contour.heptio.com/v1beta1\n"
    "kind: IngressRoute\n"
    "metadata:\n"
    "  name: root\n"
    "  namespace: default\n"
    "  annotations: {team: web, empty: null}\n"
    "spec:\n"
    "  colour: blue\n"
    "  virtualhost:\n"
    "    fqdn: every.example.com\n"
    "    tls: {secretName: tls, minimumProtocolVersion: \"1.3\"}\n"
    "  routes:\n"
    "  - match: /\n"
    "    enableWebsockets: true\n"
    "    permitInsecure: true\n"
    "    prefixRewrite: /app\n"
    "    timeoutPolicy: {request: 1s}\n"
    "    retryPolicy: {count: 2, perTryTimeout: 50ms}\n"
    "    services:\n"
    "    - name: web\n"
    "      port: 80\n"
    "      weight: 10\n"
    "      strategy: Cookie\n"
    "      healthCheck: {path: /hc, host: hc.local, intervalSeconds: 3, timeoutSeconds: 1,\n"
    "                    unhealthyThresholdCount: 4, healthyThresholdCount: 5}\n"
    "  - match: /child\n"
    "    delegate: {name: child, namespace: other}\n"
    "---\n"
    "apiVersion: contour.heptio.com/v1beta1\n"
    "kind: IngressRoute\n"
    "metadata: {name: tcp, namespace: default}\n"
    "spec:\n"
    "  virtualhost: {fqdn: tcp.example.com, tls: {passthrough: true}}\n"
    "  tcpproxy:\n"
    "    services: [{name: web, port: 80}]\n"
    "---\n"
    "apiVersion: contour.heptio.com/v1beta1\n"
    "kind: IngressRoute\n"
    "metadata: {name: tcpdel, namespace: default}\n"
    "spec:\n"
    "  virtualhost: {fqdn: tcpdel.example.com, tls: {secretName: tls}}\n"
    "  tcpproxy:\n"
    "    delegate: {name: tcpchild, namespace: other}\n"
    "---\n"
    "apiVersion: contour.heptio.com/v1beta1\n"
    "kind: TLSCertificateDelegation\n"
    "metadata: {name: d, namespace: default}\n"
    "spec:\n"
    "  delegations: [{secretName: tls, targetNamespaces: [other, \"*\"]}]\n"
    "---\n"
    "apiVersion: extensions/v1beta1\n"
    "kind: Ingress\n"
    "metadata: {name: legacy, namespace: default}\n"
    "spec:\n"
    "  backend: {serviceName: web, servicePort: 80}\n"
    "  tls: [{hosts: [legacy.example.com], secretName: tls}]\n"
    "  rules:\n"
    "  - host: legacy.example.com\n"
    "    http: {paths: [{path: /, backend: {serviceName: web, servicePort: http}}]}\n"
    "---\n"
    "apiVersion: networking.k8s.io/v1\n"
    "kind: Ingress\n"
    "metadata: {name: modern, namespace: default}\n"
    "spec:\n"
    "  ingressClassName: contour\n"
    "  defaultBackend: {resource: {apiGroup: x, kind: Bucket, name: b}}\n"
    "  rules:\n"
    "  - host: modern.example.com\n"
    "    http:\n"
    "      paths:\n"
    "      - {path: /x, pathType: Exact, backend: {service: {name: web, port: {number: 80}}}}\n"
    "---\n"
    "apiVersion: v1\n"
    "kind: Service\n"
    "metadata:\n"
    "  name: web\n"
    "  namespace: default\n"
    "  annotations:\n"
    "    contour.heptio.com/max-connections: \"1\"\n"
    "    contour.heptio.com/max-pending-requests: \"2\"\n"
    "    contour.heptio.com/max-requests: \"3\"\n"
    "    contour.heptio.com/max-retries: \"4\"\n"
    "    contour.heptio.com/upstream-protocol.h2: \"80\"\n"
    "spec: {ports: [{name: http, port: 80}, {port: 81}]}\n"
    "---\n"
    "apiVersion: v1\n"
    "kind: Secret\n"
    "metadata: {name: tls, namespace: default}\n"
    "type: kubernetes.io/tls\n"
    "data: {tls.crt: eA==, tls.key: eA==, ca.crt: \"\"}\n";

static void test_layout_doc(void **state)
{
    (void)state;
    parse_doc();
    assert_int_equal(contour_export_layout_version(), 1);
    for (int t = 0; t < ndoc; t++)
        assert_string_equal(contour_export_table_name((contour_export_table)t), doc[t].name);
    assert_string_equal(contour_export_table_name((contour_export_table)ndoc), "");
    assert_string_equal(contour_export_table_name((contour_export_table)-1), "");
}

static void test_golden_cases(void **state)
{
    (void)state;
    DIR *dh = opendir(tu_path(tu_source_root(), "tests/cases"));
    assert_non_null(dh);
    struct dirent *de;
    int cases = 0;
    while ((de = readdir(dh))) {
        if (de->d_name[0] == '.')
            continue;
        contour_snapshot *s = load_case(de->d_name);
        check_everything(s);
        contour_snapshot_free(s);
        cases++;
    }
    closedir(dh);
    assert_true(cases >= 20);

    contour_snapshot *s = tu_load("every.yaml", every_field);
    check_everything(s);
    contour_snapshot_free(s);

    /* Every documented field was compared with its accessor, and seen with a value. */
    for (int t = 0; t < ndoc; t++) {
        for (int i = 0; i < doc[t].nf; i++) {
            if (!doc[t].f[i].compared)
                fail_msg("%s.%s is documented but never compared", doc[t].name, doc[t].f[i].name);
            if (!doc[t].f[i].nondefault)
                fail_msg("%s.%s was never seen with a value", doc[t].name, doc[t].f[i].name);
        }
    }
}

static void test_empty_and_invalid(void **state)
{
    (void)state;
    contour_snapshot *s = tu_load("svc.yaml", "apiVersion: v1\nkind: Service\n"
                                              "metadata: {name: a, namespace: b}\n");
    contour_snapshot *other = tu_load("svc.yaml", "apiVersion: v1\nkind: Service\n"
                                                  "metadata: {name: a, namespace: b}\n");
    contour_graph *g = NULL, *g2 = NULL;
    assert_int_equal(contour_resolve(&g, s, NULL), CONTOUR_OK);
    contour_export *e = (contour_export *)1;

    /* An empty graph: the header, every table empty, an empty pool that is one NUL. */
    assert_int_equal(contour_graph_export(&e, g, CONTOUR_EXPORT_PART_LISTENERS), CONTOUR_OK);
    assert_int_equal(contour_export_word_count(e), 3 + 3 * 25);
    assert_int_equal(contour_export_string_size(e), 0);
    assert_int_equal(contour_export_strings(e)[0], '\0');
    contour_export_free(e);

    e = (contour_export *)1;
    assert_int_equal(contour_graph_export(&e, NULL, ALL_GRAPH), CONTOUR_ERR_INVALID);
    assert_null(e);
    assert_int_equal(contour_graph_export(NULL, g, ALL_GRAPH), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_graph_export(&e, g, 0), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_graph_export(&e, g, CONTOUR_EXPORT_PART_OBJECTS), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_graph_export(&e, g, 1u << 7), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_snapshot_export(&e, NULL, 0, ALL_SNAPSHOT), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_snapshot_export(&e, s, (contour_kind)6, ALL_SNAPSHOT),
                     CONTOUR_ERR_INVALID);
    assert_int_equal(contour_snapshot_export(&e, s, (contour_kind)-1, ALL_SNAPSHOT),
                     CONTOUR_ERR_INVALID);
    assert_int_equal(contour_snapshot_export(&e, s, 0, CONTOUR_EXPORT_PART_STATUSES),
                     CONTOUR_ERR_INVALID);
    assert_int_equal(contour_snapshot_export(&e, s, 0, 0), CONTOUR_ERR_INVALID);
    assert_null(e);

    /* Single records: only of this snapshot / graph. */
    const contour_object *o = contour_snapshot_object_at(s, CONTOUR_KIND_SERVICE, 0);
    const contour_object *o2 = contour_snapshot_object_at(other, CONTOUR_KIND_SERVICE, 0);
    assert_int_equal(contour_snapshot_export_object(&e, other, o), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_snapshot_export_object(&e, s, o2), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_snapshot_export_object(&e, s, NULL), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_snapshot_export_object(&e, NULL, o), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_snapshot_export_object(NULL, s, o), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_snapshot_export_object(&e, s, o), CONTOUR_OK);
    contour_export_free(e);

    contour_snapshot *r =
        tu_load("ir.yaml", "apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\n"
                           "metadata: {name: a, namespace: b}\nspec: {routes: []}\n");
    assert_int_equal(contour_resolve(&g2, r, NULL), CONTOUR_OK);
    const contour_status *st = contour_graph_status_at(g2, 0);
    assert_non_null(st);
    assert_int_equal(contour_graph_export_status(&e, g, st), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_graph_export_status(&e, g2, (const contour_status *)(const void *)o),
                     CONTOUR_ERR_INVALID);
    assert_int_equal(contour_graph_export_status(&e, g2, NULL), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_graph_export_status(&e, NULL, st), CONTOUR_ERR_INVALID);
    assert_int_equal(contour_graph_export_status(NULL, g2, st), CONTOUR_ERR_INVALID);
    assert_null(e);

    /* An export is a copy: it outlives its graph and snapshot. */
    assert_int_equal(contour_graph_export_status(&e, g2, st), CONTOUR_OK);
    contour_graph_free(g2);
    contour_snapshot_free(r);
    const int64_t *w = contour_export_words(e);
    size_t name_at = (size_t)w[3 + 3 * STATUS] + 3; /* STATUS.name */
    assert_string_equal(contour_export_strings(e) + w[name_at], "a");
    contour_export_free(e);

    /* NULL everywhere. */
    assert_null(contour_export_words(NULL));
    assert_null(contour_export_strings(NULL));
    assert_int_equal(contour_export_word_count(NULL), 0);
    assert_int_equal(contour_export_string_size(NULL), 0);
    contour_export_free(NULL);

    contour_graph_free(g);
    contour_snapshot_free(s);
    contour_snapshot_free(other);
}

/* Fails each allocation of an export in turn: NOMEM, *out NULL, nothing leaked; then the
 * export succeeds with the same bytes as one made without failures. */
typedef contour_result (*export_fn)(contour_export **out, const void *a, const void *b);

static contour_result graph_all(contour_export **out, const void *g, const void *unused)
{
    (void)unused;
    return contour_graph_export(out, g, ALL_GRAPH);
}

static contour_result snapshot_all(contour_export **out, const void *s, const void *unused)
{
    (void)unused;
    return contour_snapshot_export(out, s, CONTOUR_KIND_NONE, ALL_SNAPSHOT);
}

static contour_result one_object(contour_export **out, const void *s, const void *o)
{
    return contour_snapshot_export_object(out, s, o);
}

static contour_result one_status(contour_export **out, const void *g, const void *st)
{
    return contour_graph_export_status(out, g, st);
}

static void export_under_failures(tu_failing *f, export_fn fn, const void *a, const void *b)
{
    contour_export *want = NULL;
    assert_int_equal(fn(&want, a, b), CONTOUR_OK);
    long points = 0;
    for (long n = 0;; n++) {
        long live = f->live;
        f->fail_at = f->calls + n + 1;
        contour_export *e = (contour_export *)1;
        contour_result st = fn(&e, a, b);
        f->fail_at = 0;
        if (st == CONTOUR_OK) {
            assert_int_equal(contour_export_word_count(e), contour_export_word_count(want));
            assert_int_equal(contour_export_string_size(e), contour_export_string_size(want));
            assert_memory_equal(contour_export_words(e), contour_export_words(want),
                                contour_export_word_count(e) * sizeof(int64_t));
            size_t pool = contour_export_string_size(e);
            assert_memory_equal(contour_export_strings(e), contour_export_strings(want),
                                pool ? pool : 1);
            contour_export_free(e);
            assert_int_equal(f->live, live);
            break;
        }
        assert_int_equal(st, CONTOUR_ERR_NOMEM);
        assert_null(e);
        assert_int_equal(f->live, live);
        points++;
        assert_true(n < 100);
    }
    assert_int_equal(points, 4); /* a string cache, the export, its words, its strings */
    contour_export_free(want);
}

static void test_allocation_failures(void **state)
{
    (void)state;
    const char *cases[] = {"tls-ingressroute", "tcpproxy", "ingress-tls", "route-options"};
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        char rel[256];
        snprintf(rel, sizeof rel, "tests/cases/%s/input.yaml", cases[c]);
        char *src = tu_read_file(tu_path(tu_source_root(), rel), NULL);
        tu_failing f = {0, 0, 0, 0};
        contour_config *cfg = NULL;
        assert_int_equal(contour_config_new(&cfg), CONTOUR_OK);
        assert_int_equal(contour_config_set_allocator(cfg, tu_failing_malloc, tu_failing_realloc,
                                                      tu_failing_free, &f),
                         CONTOUR_OK);
        contour_snapshot *s = tu_load_with(cfg, "input.yaml", src);
        free(src);
        contour_graph *g = NULL;
        assert_int_equal(contour_resolve(&g, s, NULL), CONTOUR_OK);
        export_under_failures(&f, graph_all, g, NULL);
        export_under_failures(&f, snapshot_all, s, NULL);
        export_under_failures(&f, one_object, s,
                              contour_snapshot_object_at(s, CONTOUR_KIND_INGRESSROUTE, 0));
        export_under_failures(&f, one_status, g, contour_graph_status_at(g, 0));

        /* Every block of an export comes from the snapshot's allocator. */
        long before = f.total;
        contour_export *e = NULL;
        assert_int_equal(contour_graph_export(&e, g, ALL_GRAPH), CONTOUR_OK);
        assert_int_equal(f.total - before, 4);
        contour_export_free(e);
        contour_graph_free(g);
        contour_snapshot_free(s);
        assert_int_equal(f.live, 0);
        contour_config_free(cfg);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout_doc),
        cmocka_unit_test(test_golden_cases),
        cmocka_unit_test(test_empty_and_invalid),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
