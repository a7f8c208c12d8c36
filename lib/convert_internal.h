/*
 * Shared by convert.c (dispatch, metadata) and the per-kind readers (convert_core.c,
 * convert_ingress.c, convert_ingressroute.c).
 *
 * A reader walks the tree along the fixed schema of its kind, filling the object in the
 * object's arena. Every step returns a cv_rc: CV_OK to go on, CV_FAIL once the document's
 * first error has been recorded (reading stops there: one error per document), CV_NOMEM.
 * The path of the field being read is kept as a small stack of segments and only turned
 * into text when a diagnostic needs it.
 */
#ifndef CX_CONVERT_INTERNAL_H
#define CX_CONVERT_INTERNAL_H

#include "convert.h"
#include "map.h"
#include "scalar.h"
#include "strbuf.h"

typedef enum cv_rc {
    CV_OK = 0,
    CV_FAIL = 1,
    CV_NOMEM = -1,
} cv_rc;

#define CV_TRY(expr)                                                                               \
    do {                                                                                           \
        cv_rc cv_try_rc_ = (expr);                                                                 \
        if (cv_try_rc_ != CV_OK)                                                                   \
            return cv_try_rc_;                                                                     \
    } while (0)

/* Deeper than any schema path (spec.rules[0].http.paths[0].backend.service.port.x is 10). */
#define CV_MAX_PATH 16

typedef enum cv_seg_kind {
    CV_SEG_FIELD = 0, /* .name */
    CV_SEG_INDEX = 1, /* [3] */
    CV_SEG_KEY = 2,   /* [key] of a map of values (annotations, data) */
} cv_seg_kind;

typedef struct cv_seg {
    uint8_t kind;
    const char *name; /* FIELD, KEY */
    size_t len;
    uint32_t index; /* INDEX */
} cv_seg;

typedef struct cv {
    const cx_convert_ctx *ctx;
    contour_object *o;
    cx_arena *arena; /* &o->arena */
    cx_objref ref;   /* the object diagnostics name */
    cv_seg path[CV_MAX_PATH];
    size_t depth;
    cx_strbuf msg; /* scratch for messages */
    cx_strbuf field;
    /* Copies of long scalars by node: an alias repeats a node, not its bytes, so a 1 MiB
     * string aliased 10,000 times must not become 10 GiB of copies. */
    cx_map copies;
    bool copies_init;
} cv;

/* ---- field path ---- */

void cv_push_field(cv *c, const char *name);
void cv_push_index(cv *c, uint32_t index);
void cv_push_key(cv *c, const char *key, size_t len);
void cv_pop(cv *c);

/* ---- diagnostics (into the object's list) ---- */

/* Warning `unknown-field` at the key: unknown field "k" in <path>. */
cv_rc cv_unknown_field(cv *c, const cx_node *key);
/* Error `wrong-type` at n: <path>: expected <what>, found <description of n>. */
cv_rc cv_wrong_type(cv *c, const cx_node *n, const char *what);
/* An entry of a map of strings (annotations, a Secret's data): the key must read as a
 * string and the value as a string or null (*r says which; *len is the value's length).
 * Otherwise a wrong-type error about the key or the value. */
cv_rc cv_string_entry(cv *c, const cx_node *k, const cx_node *v, cx_read *r, size_t *len);
/* Error `integer-range` at n: <path>: <text> does not fit in a 32-bit (or 64-bit) integer
 * (min and max are the field's int32 or int64 range). */
cv_rc cv_out_of_range(cv *c, const cx_node *n, int64_t min, int64_t max);
/* Any diagnostic at pos about the current path (field = path, or none when path is empty). */
cv_rc cv_diag(cv *c, contour_severity sev, const char *code, cx_pos pos, const char *message,
              size_t len);

/* ---- copying ---- */

/* Copies s into the object's arena; NULL on OOM. */
const char *cv_strdup(cv *c, const char *s, size_t len);
/* Copies a scalar's text into the object's arena, once per node for long texts; NULL on
 * OOM. */
const char *cv_node_str(cv *c, const cx_node *n);
/* An exactly sized, zeroed array of count elements (NULL for 0); *out NULL + CV_NOMEM on
 * OOM or overflow. */
cv_rc cv_array(cv *c, size_t count, size_t size, void **out);

/* ---- typed fields: each reads the value of one map entry ----
 * The current path is the map's; `key` names the field (for the path in messages). A
 * null or absent value leaves *out unchanged and sets *present false. */

cv_rc cv_string(cv *c, const char *key, const cx_node *v, const char **out, cx_pos *pos);
cv_rc cv_int(cv *c, const char *key, const cx_node *v, int64_t min, int64_t max, int64_t *out,
             cx_pos *pos);
cv_rc cv_bool(cv *c, const char *key, const cx_node *v, bool *out);
/* A map value: *out = v, or NULL when null. Not a map: wrong-type error. */
cv_rc cv_map(cv *c, const char *key, const cx_node *v, const cx_node **out);
/* A list value: *out = v, or NULL when null. */
cv_rc cv_list(cv *c, const char *key, const cx_node *v, const cx_node **out);
/* A list of strings (null items read as ""). */
cv_rc cv_string_list(cv *c, const char *key, const cx_node *v, const char ***out, uint32_t *count);

/* Reads one element of a list of maps. `item` is the element's map, or NULL for a null
 * element (read as an empty map); `pos` is the element's position; the current path ends
 * with the element's index. */
typedef cv_rc (*cv_item_fn)(cv *c, const cx_node *item, cx_pos pos, void *elem);
/* A list of maps: an exactly sized, zeroed array of `elsize` elements, each filled by fn. */
cv_rc cv_items(cv *c, const char *key, const cx_node *v, size_t elsize, cv_item_fn fn, void **out,
               uint32_t *count);

#define CV_KEY(map, i) ((map)->u.pairs[i].key)
#define CV_VAL(map, i) ((map)->u.pairs[i].value)

/* ---- known fields ---- */

/* The index of key in a NULL-terminated list of names, or -1. */
int cv_field_index(const cx_node *key, const char *const *names);
/* Whether the key is one of names (a field of the schema). */
static inline bool cv_known(const cx_node *key, const char *const *names)
{
    return cv_field_index(key, names) >= 0;
}

#define CX_INT32_MIN ((int64_t)INT32_MIN)
#define CX_INT32_MAX ((int64_t)INT32_MAX)

/* ---- per-kind readers: the object's kind-specific part from the document root ---- */

cv_rc cv_read_ingressroute(cv *c, const cx_node *root);
cv_rc cv_read_tlscertdelegation(cv *c, const cx_node *root);
cv_rc cv_read_ingress(cv *c, const cx_node *root);
cv_rc cv_read_service(cv *c, const cx_node *root);
cv_rc cv_read_secret(cv *c, const cx_node *root);

/* The map of a top-level `spec`: NULL when absent or null; wrong type otherwise. */
cv_rc cv_spec(cv *c, const cx_node *root, const cx_node **spec);

#endif
