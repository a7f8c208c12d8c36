/*
 * The snapshot's indexes for resolution, kept up to date as objects come and go:
 *  - virtual host names: for each name, the roots whose fqdn it is, the Ingresses with a
 *    rule (or a default backend: "*") for it, and the Ingresses listing it under spec.tls.
 *    Resolution is done per name, in name order, so the index is also ordered;
 *  - TLS certificate delegations: how many delegations let (secret, target namespace).
 *
 * Changes follow the snapshot's two-phase commit: cx_*_prepare() makes every allocation an
 * object's entries need (and can fail, leaving nothing behind once cx_*_abort() is
 * called); cx_*_add() / cx_*_remove() then cannot fail.
 */
#ifndef CX_SNAPSHOT_INDEX_H
#define CX_SNAPSHOT_INDEX_H

#include "keys.h"
#include "map.h"
#include "model.h"
#include "ptree.h"
#include "vec.h"

/* ---- virtual host names ---- */

enum { CX_VH_ROOTS = 0, CX_VH_RULES = 1, CX_VH_TLS = 2, CX_VH_LISTS = 3 };

typedef struct cx_vh_entry {
    const char *name;
    uint32_t len;
    uint64_t hash;
    cx_vec list[CX_VH_LISTS];      /* cx_key * of the objects, in no particular order */
    uint32_t pending[CX_VH_LISTS]; /* room reserved by cx_vhindex_prepare, not yet added */
} cx_vh_entry;

typedef struct cx_vhindex {
    const cx_alloc *alloc;
    cx_map map;     /* name -> entry */
    cx_ptree order; /* entries by name (byte order) */
} cx_vhindex;

void cx_vhindex_init(cx_vhindex *x, const cx_alloc *alloc);
void cx_vhindex_release(cx_vhindex *x);
/* Makes room for object o's entries. False on OOM (call cx_vhindex_abort() then). */
bool cx_vhindex_prepare(cx_vhindex *x, const contour_object *o);
/* After a failed commit: drops entries left empty. */
void cx_vhindex_abort(cx_vhindex *x);
void cx_vhindex_add(cx_vhindex *x, const contour_object *o);
void cx_vhindex_remove(cx_vhindex *x, const contour_object *o);
const cx_vh_entry *cx_vhindex_find(const cx_vhindex *x, const char *name, size_t len);

/* Calls fn for each (list, name) object o contributes — once per mention, so a list may
 * name one object several times (readers deduplicate; adds and removes stay symmetric). */
void cx_vh_names(const contour_object *o, void (*fn)(void *ctx, int list, const char *name),
                 void *ctx);

/* ---- TLS certificate delegations ---- */

typedef struct cx_tcdindex {
    const cx_alloc *alloc;
    cx_map map; /* (secret key, target namespace) -> count */
} cx_tcdindex;

void cx_tcdindex_init(cx_tcdindex *x, const cx_alloc *alloc);
void cx_tcdindex_release(cx_tcdindex *x);
bool cx_tcdindex_prepare(cx_tcdindex *x, const contour_object *o);
void cx_tcdindex_abort(cx_tcdindex *x);
void cx_tcdindex_add(cx_tcdindex *x, const contour_object *o);
void cx_tcdindex_remove(cx_tcdindex *x, const contour_object *o);
/* How many (delegation, target) pairs name exactly (secret, target). */
uint32_t cx_tcdindex_count(const cx_tcdindex *x, const cx_key *secret, const char *target,
                           size_t target_len);
/* Whether some TLSCertificateDelegation lets `secret` serve namespace `target`. */
bool cx_tcdindex_allows(const cx_tcdindex *x, const cx_key *secret, const char *target,
                        size_t target_len);

#endif
