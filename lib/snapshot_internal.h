/*
 * The snapshot's representation, shared by snapshot.c (objects, indexes, commits), load.c
 * (reading inputs into a transaction) and the resolver (which only reads).
 *
 * Objects are found by key (keys.h: key->obj is the object now in the snapshot) and listed
 * in (namespace, name) order per kind by ordered trees; load diagnostics are one ordered
 * tree. Changes are logged (the keys changed and what they held before), so a graph
 * resolved earlier can be brought up to date by re-resolving only what changed.
 */
#ifndef CX_SNAPSHOT_INTERNAL_H
#define CX_SNAPSHOT_INTERNAL_H

#include "arena.h"
#include "config_internal.h"
#include "diag.h"
#include "keys.h"
#include "limits.h"
#include "map.h"
#include "model.h"
#include "ptree.h"
#include "snapshot_index.h"
#include "contour/snapshot.h"

#define CX_KIND_SLOTS (CX_KIND_COUNT + 1) /* indexed by contour_kind; slot 0 unused */

/* One change: an object replaced, added or removed (`old` is what the key held before:
 * NULL for an addition), or a source's source-level diagnostics coming or going. Entries
 * hold references to what they name. */
typedef enum cx_change_what {
    CX_CHANGE_OBJECT = 0,
    CX_CHANGE_SOURCE_ADDED = 1,
    CX_CHANGE_SOURCE_REMOVED = 2,
} cx_change_what;

typedef struct cx_change {
    uint64_t version; /* the snapshot version the change made */
    uint8_t what;     /* cx_change_what */
    cx_key *key;      /* CX_CHANGE_OBJECT */
    contour_object *old;
    cx_source *source; /* CX_CHANGE_SOURCE_* */
} cx_change;

/* The most recent changes, oldest first. A graph of version v can be updated from the log
 * when v >= floor: every change after v is still here. */
#define CX_LOG_CAPACITY 4096

typedef struct cx_changelog {
    cx_change *ring; /* CX_LOG_CAPACITY entries */
    size_t head;     /* index of the oldest */
    size_t len;
    uint64_t floor;
} cx_changelog;

struct contour_snapshot {
    contour_config config;  /* the snapshot's own copy: its settings have one owner */
    cx_alloc alloc;         /* config.alloc */
    cx_limits limits;       /* config.limits */
    const char *default_ns; /* config.default_ns */
    uint64_t uid;           /* tells this snapshot's graphs from another's */
    uint64_t version;       /* one more per change */

    cx_keytab keys;
    /* Objects in (namespace, name) order per kind. The snapshot holds one reference to each
     * object in it (not through the trees). */
    cx_ptree order[CX_KIND_SLOTS];
    /* Every load diagnostic (objects' and sources'), in cx_diag_compare order. */
    cx_ptree diags;

    cx_source *sources; /* live sources, newest first; the snapshot holds a reference each */
    /* Listed sources by name: name -> the newest, the others along cx_source.same_name.
     * A change finds the sources it replaces without walking all of them. */
    cx_map source_names;
    cx_vhindex vhosts;
    cx_tcdindex tcd;
    cx_changelog log;
};

/* Finds an object; ns and name need not be NUL-terminated. O(1). */
const contour_object *cx_snapshot_find(const contour_snapshot *s, contour_kind kind, const char *ns,
                                       size_t ns_len, const char *name, size_t name_len);

/* True when `o` is the current definition of one of this snapshot's keys: what an API
 * taking a snapshot and an object checks, since the object may come from another
 * snapshot (or be an older definition kept alive by a graph). O(1). */
bool cx_snapshot_holds(const contour_snapshot *s, const contour_object *o);

/* Byte order on (namespace, name): the order of object lists and statuses. */
int cx_object_key_compare(const contour_object *a, const contour_object *b);

/* What one public load call stages: new sources (each referenced once by the transaction)
 * and the objects read from them (one reference each), plus, for
 * contour_snapshot_set_source(), the name of the sources it replaces. */
typedef struct cx_load_txn {
    cx_vec sources; /* cx_source * */
    cx_vec objects; /* contour_object * */
    const char *replace;
    size_t replace_len;
    bool replacing;
    size_t documents; /* documents that are maps (objects) read, loaded or not */
} cx_load_txn;

void cx_load_txn_init(cx_load_txn *t, const cx_alloc *alloc);
/* Releases whatever the transaction still holds. */
void cx_load_txn_release(cx_load_txn *t, const cx_alloc *alloc);

/* Reads bytes into a transaction as contour_snapshot_load_buffer() would, without touching
 * the snapshot (it is only read: its allocator, limits and default namespace), so that a
 * what-if can stage a proposed object while other threads read the snapshot. The objects'
 * references are not resolved to keys. CONTOUR_OK, CONTOUR_ERR_INVALID (arguments),
 * CONTOUR_ERR_LIMIT (input too big: the reason is a diagnostic of the staged source) or
 * CONTOUR_ERR_NOMEM. */
contour_result cx_stage_buffer(const contour_snapshot *s, cx_load_txn *t, const char *name,
                               size_t name_len, const char *data, size_t len,
                               contour_format format);

/* Commits a transaction: the later of two objects with one key wins, with a warning, and
 * so does a staged object over one already in the snapshot (except one from a source being
 * replaced: that is the point of replacing). CONTOUR_OK: the snapshot took everything (the
 * transaction is empty). CONTOUR_ERR_NOMEM: nothing changed; the transaction still holds
 * everything. */
contour_result cx_snapshot_commit(contour_snapshot *s, cx_load_txn *t);

/* The changes after version `since`, oldest first, by index i < *count; false when the log
 * no longer reaches back that far (the caller must resolve from scratch). */
bool cx_snapshot_changes(const contour_snapshot *s, uint64_t since, size_t *first, size_t *count);
const cx_change *cx_snapshot_change_at(const contour_snapshot *s, size_t first, size_t i);

#endif
