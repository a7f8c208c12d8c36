/*
 * Pure helpers for resolution: Go's time.ParseDuration, Contour's path-prefix rule, secret
 * references, annotation values (Contour 0.10 names plus the projectcontour.io spellings of
 * Contour 1.x), ingress classes. No allocation, no global state; every function is
 * total on any UTF-8 input (docs/resolution.md describes the semantics for users).
 */
#ifndef CX_ANNOTATIONS_H
#define CX_ANNOTATIONS_H

#include "model.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- durations ---- */

/* Go's time.ParseDuration: [-+]?([0-9]*(\.[0-9]*)?(ns|us|µs|μs|ms|s|m|h))+ or "0", the
 * result in nanoseconds; false when malformed or outside int64. */
bool cx_go_parse_duration(const char *s, size_t len, int64_t *ns);

typedef enum cx_timeout_kind {
    CX_TIMEOUT_UNSET = 0,    /* NULL, "" or a zero duration (Contour: not set) */
    CX_TIMEOUT_VALUE = 1,    /* a duration > 0: *ms holds it, as cx_ns_to_ms() gives it */
    CX_TIMEOUT_INFINITY = 2, /* "infinity": *ms = -1 */
    CX_TIMEOUT_INVALID = 3,  /* not a Go duration: *ms = -1 (Contour reads it as infinity) */
    CX_TIMEOUT_NEGATIVE = 4, /* a negative duration: *ms = -1 */
} cx_timeout_kind;

/* A timeout as IngressRoute timeoutPolicy.request and the request-timeout annotation read
 * it. s may be NULL. */
cx_timeout_kind cx_parse_timeout(const char *s, int64_t *ms);

/* A duration of ns >= 0 nanoseconds in milliseconds: truncated toward zero, except that a
 * positive duration under 1 ms is 1 (0 ms would read as "no timeout" to a consumer that
 * takes it literally, the opposite of a very short one). */
static inline int64_t cx_ns_to_ms(int64_t ns)
{
    return ns > 0 && ns < 1000000 ? 1 : ns / 1000000;
}

/* ---- path prefixes (Contour's matchesPathPrefix) ---- */

/* The i-th byte of `s` (length len) with a trailing '/' appended when s lacks one; the
 * normalised length is cx_norm_path_len(). */
static inline size_t cx_norm_path_len(const char *s, size_t len)
{
    return (len == 0 || s[len - 1] != '/') ? len + 1 : len;
}

static inline char cx_norm_path_char(const char *s, size_t len, size_t i)
{
    return i < len ? s[i] : '/';
}

/* Whether route match `path` lies under the parent prefix `prefix`: an empty prefix matches
 * everything, an empty path nothing else; otherwise both get a trailing '/' and the prefix
 * must be a string prefix of the path ("/foo" does not match "/foobar"). NULL = "". */
bool cx_path_prefix_matches(const char *path, const char *prefix);

/*
 * The longest common prefix of a set of normalised paths, built one path at a time, so that
 * "does every path match prefix P" is answered by comparing P with the LCP alone:
 * every path matches a non-empty P  <=>  no path is empty and norm(P) is a prefix of the LCP.
 */
typedef struct cx_lcp {
    const char *src; /* the first path added (the LCP is a prefix of its normalised form) */
    size_t src_len;
    size_t len;     /* length of the LCP in normalised bytes */
    bool any;       /* at least one path added */
    bool has_empty; /* an empty path was added */
} cx_lcp;

void cx_lcp_init(cx_lcp *l);
void cx_lcp_add(cx_lcp *l, const char *path);
/* Whether every added path satisfies cx_path_prefix_matches(path, prefix). */
bool cx_lcp_all_match(const cx_lcp *l, const char *prefix);

/* ---- scalars ---- */

/* Go's strconv.ParseUint(s, 10, 32): decimal digits only, no sign, at most 4294967295. */
bool cx_parse_uint32(const char *s, uint32_t *out);

/* Go's isBlank: nothing but Unicode white space (strings.TrimSpace leaves ""). NULL = "". */
bool cx_is_blank(const char *s);

/* "1.2" and "1.3" as given; anything else (NULL included) is "1.1". Static strings. */
const char *cx_min_tls_version(const char *v);

/* Iterates a comma-separated list: yields each item trimmed of Unicode white space,
 * skipping empty ones. *cursor starts at the list (NULL = empty); false when exhausted. */
bool cx_list_next(const char **cursor, const char **item, size_t *item_len);

/* ---- annotations ---- */

/* The annotation with this exact key, or NULL. */
const cx_annotation *cx_find_annotation(const contour_object *o, const char *key);

/* Contour 1.x's CompatAnnotation: "projectcontour.io/<name>" when present (even empty),
 * else "contour.heptio.com/<name>", else NULL. */
const cx_annotation *cx_compat_annotation(const contour_object *o, const char *name);

/* The upstream protocol ("h2", "h2c" or NULL) a Service's annotations give one of its ports:
 * a port listed by name wins over one listed by number; among the annotations the later of
 * contour.heptio.com/upstream-protocol.{h2,h2c}, projectcontour.io/upstream-protocol.{h2,h2c}
 * wins, as Contour 1.x reads them. */
const char *cx_upstream_protocol(const contour_object *svc, const char *port_name,
                                 int64_t port_number);

/* Whether `path` is listed in the websocket-routes annotations (both spellings, trimmed
 * items, exact string match). */
bool cx_websocket_route(const contour_object *ing, const char *path);

/* ---- ingress class ---- */

/* The class an Ingress or IngressRoute asks for: contour.heptio.com/ingress.class, then
 * kubernetes.io/ingress.class, then (networking.k8s.io/v1 Ingress) spec.ingressClassName.
 * Returns NULL when none is set; *ann gets the annotation it came from (NULL for
 * ingressClassName). */
const char *cx_object_class(const contour_object *o, const cx_annotation **ann);

/* Whether an object of class `cls` (NULL: none set) is served when the configured class is
 * `configured`: unset is always served; "" serves "" and "contour" (Contour 1.x). */
bool cx_class_accepted(const char *cls, const char *configured);

#endif
