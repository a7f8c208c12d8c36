/* bench_update's model of a cluster fed to a snapshot one object per source, the way a
 * controller's watch events would feed it, and the edits that make its change mix.
 *
 *   update_docs.c  splitting inputs into documents (YAML "---", JSON List items)
 *   update_mut.c   the edits: text changes on the block YAML of one document
 *   bench_update.c the cluster index, the change loop, timing and memory
 */
#ifndef BENCH_UPDATE_H
#define BENCH_UPDATE_H

#include "cluster.h"

#include <contour/contour.h>
#include <stddef.h>
#include <stdint.h>

/* ---- documents ---------------------------------------------------------------------- */

/* One document of an input: its own text (block YAML, '\n'-terminated) and what its
 * header says it is. */
typedef struct upd_doc {
    char *text;
    size_t len;
    contour_kind kind; /* CONTOUR_KIND_NONE: a kind the library does not model */
    char *kind_name;   /* as written, or NULL */
    char *ns, *name;   /* metadata.namespace and .name, or NULL */
    const char *file;  /* the input it came from (borrowed) */
    size_t position;   /* its position in that input, from 0 */
} upd_doc;

typedef struct upd_docs {
    upd_doc *v;
    size_t n, cap;
    size_t empty;      /* documents with nothing but blanks and comments (skipped) */
    size_t lists;      /* YAML kind: List documents (skipped: items cannot change one by one) */
    size_t json_items; /* JSON List items, converted to block YAML */
} upd_docs;

/* Splits one input into documents, appended to *docs: YAML at lines that are exactly
 * "---"; a JSON object, or the items of a JSON List, each converted to block YAML.
 * Returns 0, or -1 with a message on stderr when the input cannot be split. */
int upd_split_input(upd_docs *docs, const bench_input *in);
void upd_docs_free(upd_docs *docs);

/* ---- a random source ---------------------------------------------------------------- */

typedef struct upd_rng {
    uint64_t s;
} upd_rng;

uint64_t upd_rand(upd_rng *r);
size_t upd_below(upd_rng *r, size_t n); /* uniform in [0, n); 0 for n == 0 */
int upd_chance(upd_rng *r, unsigned percent);

/* ---- the cluster ---------------------------------------------------------------------- */

typedef struct upd_ids {
    size_t *v;
    size_t n, cap;
} upd_ids;

void upd_ids_push(upd_ids *ids, size_t id);

typedef struct upd_obj {
    contour_kind kind;
    char *ns, *name;
    char *source; /* its key here, and the source it is loaded under: "Kind/namespace/name" */
    size_t source_len;
    char *file; /* with --load dir: the file it was loaded from, its source name; or NULL */
    size_t file_len;
    char *orig; /* the text it was loaded with */
    char *cur;  /* its text now; NULL while it is orig */
    size_t ns_id;
    int alive;   /* in the snapshot now */
    int created; /* made by the benchmark (a "new" change) */
} upd_obj;

typedef struct upd_ns {
    char *name;
    upd_ids by_kind[CONTOUR_KIND_SECRET + 1];
} upd_ns;

typedef struct upd_map {
    size_t *slots; /* id + 1; 0 is empty */
    size_t cap, n;
} upd_map;

typedef struct upd_cluster {
    upd_obj *obj;
    size_t nobj, cap;
    upd_ns *ns;
    size_t nns, nscap;
    upd_map ns_map;  /* namespace -> ns id */
    upd_map obj_map; /* source -> object id */
    upd_ids by_kind[CONTOUR_KIND_SECRET + 1];
    size_t serial; /* for names the benchmark makes up */
} upd_cluster;

const char *upd_text(const upd_obj *o);
/* The name of the source the snapshot holds it under (its file, or its source). */
const char *upd_source(const upd_obj *o, size_t *len);
/* Replaces an object's current text (takes ownership; NULL: back to orig). */
void upd_set_text(upd_obj *o, char *text);

/* The namespace's id, or SIZE_MAX. */
size_t upd_ns_find(const upd_cluster *c, const char *ns);
/* The object of this kind, namespace and name, or SIZE_MAX. */
size_t upd_find(const upd_cluster *c, contour_kind kind, const char *ns, const char *name);
/* Adds an object (copies the strings, takes ownership of orig). Returns its id. */
size_t upd_add(upd_cluster *c, contour_kind kind, const char *ns, const char *name, char *orig);
/* A random live object of a kind (in a namespace, or anywhere with ns_id SIZE_MAX) other
 * than `except`, or SIZE_MAX. */
size_t upd_pick(const upd_cluster *c, upd_rng *r, contour_kind kind, size_t ns_id, size_t except);
void upd_cluster_free(upd_cluster *c);

/* ---- lines of a block YAML document ------------------------------------------------- */

/* Line i is doc[start[i] .. start[i + 1]) (with its '\n'); start[n] is the length. */
typedef struct upd_lines {
    const char *doc;
    size_t *start;
    size_t n, cap;
} upd_lines;

void upd_lines_of(upd_lines *l, const char *doc); /* reuses l's array */
void upd_lines_free(upd_lines *l);
size_t upd_line_indent(const upd_lines *l, size_t i);
/* Blank, or only a comment. */
int upd_line_blank(const upd_lines *l, size_t i);
/* Starts a list item ("- ..."). */
int upd_line_dash(const upd_lines *l, size_t i);
/* The column of the line's key: after the indentation and a "- ". */
size_t upd_line_keycol(const upd_lines *l, size_t i);
/* Whether the line is `key:` (after the indentation and a "- "). */
int upd_line_is(const upd_lines *l, size_t i, const char *key);
/* The line's value after `key:`, without a trailing comment, blanks and quotes. */
void upd_line_value(const upd_lines *l, size_t i, const char **v, size_t *len);
/* Where the value of the line's key ends: the first later line, not blank, less indented
 * than its key or as indented and not a list item. */
size_t upd_value_end(const upd_lines *l, size_t i);
/* Where the list item that line i starts ends: the first later line, not blank, as
 * indented as its "-" or less. */
size_t upd_item_end(const upd_lines *l, size_t i);
/* The first line in [from, to) whose key is `key`, or `to`. */
size_t upd_line_find(const upd_lines *l, size_t from, size_t to, const char *key);
/* The list items of the value of the key on line i (their first lines), in *items. */
void upd_items(const upd_lines *l, size_t i, upd_ids *items);

/* ---- the edits ---------------------------------------------------------------------- */

/* What an edit did; counted per change and printed. */
typedef enum upd_edit {
    ED_IR_WEIGHT,
    ED_IR_PORT,
    ED_IR_ADD_ROUTE,
    ED_IR_REMOVE_ROUTE,
    ED_IR_RETARGET,
    ED_IR_TLS_ON,
    ED_IR_TLS_OFF,
    ED_IR_ROLLBACK,
    ED_SVC_PORT_OFF,
    ED_SVC_PORT_ON,
    ED_SVC_ANNOTATION,
    ED_ING_ADD_PATH,
    ED_ING_REMOVE_PATH,
    ED_SECRET_DATA,
    ED_DELETE,
    ED_RECREATE,
    ED_NEW_ROOT,
    ED_NEW_CHILD,
    ED_RETIRE,
    ED_NONE, /* nothing applied to the object drawn */
    ED_COUNT
} upd_edit;

extern const char *const upd_edit_names[ED_COUNT];

/* Each returns the object's new text (malloc'd) and what it did, or NULL when no edit of
 * its kind applies to the object. */
char *upd_edit_ingressroute(upd_cluster *c, size_t id, upd_rng *r, upd_edit *what);
char *upd_edit_service(upd_cluster *c, size_t id, upd_rng *r, upd_edit *what);
char *upd_edit_ingress(upd_cluster *c, size_t id, upd_rng *r, upd_edit *what);
char *upd_edit_secret(upd_cluster *c, size_t id, upd_rng *r, upd_edit *what);

/* A new IngressRoute in the namespace of object `near`: a root with a new fqdn, or a child
 * no one delegates to yet. Returns its text; *name receives its name (malloc'd). */
char *upd_new_ingressroute(upd_cluster *c, size_t near, upd_rng *r, int root, char **name);

#endif
