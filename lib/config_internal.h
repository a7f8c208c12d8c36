/* The config handle's representation, shared by snapshot.c and resolve.c. */
#ifndef CX_CONFIG_INTERNAL_H
#define CX_CONFIG_INTERNAL_H

#include "alloc.h"
#include "limits.h"
#include "contour/config.h"

struct contour_config {
    cx_alloc alloc; /* what handles made with this config allocate with */
    cx_alloc mem;   /* what this config's own strings live on */
    cx_limits limits;
    char *default_ns;
    char *ingress_class;
    char **root_namespaces;
    size_t root_namespace_count;
    uint32_t http_port;
    uint32_t https_port;
    bool follow_links; /* directory loads follow symbolic links that leave the directory */
    /* 1 .. CX_THREADS_MAX (contour_config_set_threads): threads one load or resolution may
     * use. 0, in a config not made by contour_config_new(), means one. */
    uint32_t threads;
    /* Inputs smaller than this are read on one thread whatever `threads` says: below it,
     * starting threads and merging costs more than it saves (bench/README.md). Not public;
     * the unit tests lower it to read small inputs in parallel. */
    uint64_t parallel_min_bytes;
};

/* The most threads a config allows (contour_config_set_threads bounds its argument). */
#define CX_THREADS_MAX 64
/* Default of parallel_min_bytes. */
#define CX_PARALLEL_MIN_BYTES ((uint64_t)4 << 20)

/* The defaults, for a NULL config argument. */
const contour_config *cx_config_default(void);

/* Makes dst a deep copy of src whose strings live on `mem` (dst's own allocator: a
 * snapshot keeps its config on its allocator). False on OOM, dst then empty. */
bool cx_config_copy_into(contour_config *dst, const contour_config *src, const cx_alloc *mem);
/* Releases what cx_config_copy_into() allocated. */
void cx_config_release(contour_config *c);

#endif
