/*
 * How a field reads a scalar node (docs/decisions.md, "Scalar typing"). Manifests are read
 * the way the API server reads them (sigs.k8s.io/yaml over go-yaml v2, YAML 1.1): a plain
 * YAML scalar takes the type of the field that reads it, a quoted scalar is a string, and
 * JSON values (and explicitly tagged YAML scalars) are strictly typed. A null (`~`, `null`,
 * an empty value, JSON null) is the same as an absent field.
 */
#ifndef CX_SCALAR_H
#define CX_SCALAR_H

#include "strbuf.h"
#include "tree.h"

/* The outcome of reading a node as a field of some type. */
typedef enum cx_read {
    CX_READ_OK = 0,
    CX_READ_ABSENT = 1, /* null (or no node): the field is absent */
    CX_READ_TYPE = 2,   /* the node is not of the field's type */
    CX_READ_RANGE = 3,  /* an integer outside the field's range */
} cx_read;

/* What a plain YAML 1.1 scalar resolves to (go-yaml v2's resolve()). */
typedef enum cx_plain_kind {
    CX_PLAIN_STRING = 0,
    CX_PLAIN_NULL = 1,
    CX_PLAIN_BOOL = 2,
    CX_PLAIN_INT = 3,
    CX_PLAIN_FLOAT = 4,
} cx_plain_kind;

/* ---- text rules ---- */

/* `""`, `~`, `null`, `Null`, `NULL`. */
bool cx_yaml_is_null(const char *s, size_t len);
/* y Y yes Yes YES true True TRUE on On ON (true); n N no No NO false False FALSE off Off OFF
 * (false). */
bool cx_yaml_bool(const char *s, size_t len, bool *out);

typedef enum cx_int_syntax {
    CX_INT_NONE = 0,     /* not an integer */
    CX_INT_OK = 1,       /* *out holds the value */
    CX_INT_OVERFLOW = 2, /* integer syntax, but outside int64 */
} cx_int_syntax;

/* A YAML 1.1 integer as go-yaml v2 reads one: it starts with a digit or a sign; every `_`
 * is dropped; then Go's strconv.ParseInt with base 0: optional sign, then `0x`/`0X` hex,
 * `0o`/`0O` octal, `0b`/`0B` binary, a leading `0` octal, or decimal. */
cx_int_syntax cx_yaml_int(const char *s, size_t len, int64_t *out);
/* A YAML 1.1 float: go-yaml v2's `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`
 * (underscores dropped) and the `.inf`/`.nan` forms. Used to describe values only. */
bool cx_yaml_is_float(const char *s, size_t len);
/* go-yaml v2's resolution of a plain scalar. */
cx_plain_kind cx_plain_resolve(const char *s, size_t len);
/* The same, trying every type whatever the first character (for tests: cx_plain_resolve
 * answers "string" from the first character alone when no other type can start with it). */
cx_plain_kind cx_plain_resolve_each(const char *s, size_t len);

/* What a plain scalar resolves to in the reference YAML reader (PyYAML's YAML 1.1
 * resolvers; docs/decisions.md, "Scalar typing"). It differs from go-yaml's: `y`/`n` are
 * strings, `0o17` is a string, `1:30` is 90, `1e3` is a string, `2001-12-14` a date, and
 * `<<` and `=` are no values at all. Fields accept a plain scalar only where both agree. */
typedef enum cx_ref_kind {
    CX_REF_STRING = 0,
    CX_REF_NULL,
    CX_REF_BOOL,
    CX_REF_INT,
    CX_REF_FLOAT,
    CX_REF_TIMESTAMP,
    CX_REF_OTHER, /* `<<`, `=`: PyYAML constructs no value from them */
} cx_ref_kind;
cx_ref_kind cx_ref_resolve(const char *s, size_t len);
/* The same, trying every type (for tests, like cx_plain_resolve_each). */
cx_ref_kind cx_ref_resolve_each(const char *s, size_t len);

/* ---- reading nodes as fields ---- */

/* Whether a node reads as null in any field: no node, a NULL-tagged scalar, or a plain
 * YAML null. */
bool cx_node_is_null(const cx_node *n);

/* A string field: a string scalar, or the text of a plain one. Tagged numbers and
 * booleans (JSON, !!int, ...) and non-scalars are type errors. */
cx_read cx_read_string(const cx_node *n, const char **s, size_t *len);
/* An integer field in [min, max]: an INT-tagged scalar or a plain YAML 1.1 integer.
 * Strings, floats, booleans and non-scalars are type errors. */
cx_read cx_read_int(const cx_node *n, int64_t min, int64_t max, int64_t *out);
/* A boolean field: a BOOL-tagged scalar or a plain YAML 1.1 boolean. */
cx_read cx_read_bool(const cx_node *n, bool *out);

/* An int-or-string field (Kubernetes IntOrString, an Ingress servicePort). */
typedef struct cx_int_or_string {
    bool is_string;
    int64_t num;     /* when !is_string */
    const char *str; /* when is_string: the node's text */
    size_t len;
} cx_int_or_string;

/* INT-tagged or plain integers are numbers; strings and other plain scalars are names,
 * except that a string of ASCII digits is a number (decimal). Numbers are range-checked. */
cx_read cx_read_int_or_string(const cx_node *n, int64_t min, int64_t max, cx_int_or_string *out);

/* Appends what a node is, for "expected X, found Y" messages: `a map`, `a list`,
 * `a string "x"`, `an integer 5`, `a number 1.5`, `a boolean true`, `null`. Quoted text is
 * cut to a bounded length. */
void cx_node_describe(cx_strbuf *b, const cx_node *n);
/* The same without the value (`a string`, `an integer`): for a document that is not a
 * Kubernetes object, whose text may be anything (a secrets file reached by mistake) and
 * must not reach a log. */
void cx_node_describe_type(cx_strbuf *b, const cx_node *n);
/* Appends s quoted with Go's %q, cut after `max` bytes (on a character boundary) with
 * `...` after the closing quote when it was cut. */
void cx_quote_bounded(cx_strbuf *b, const char *s, size_t len, size_t max);

#endif
