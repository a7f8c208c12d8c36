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
    uint32_t threads;  /* resolution (and large loads) may use this many threads; 0: one */
};

/* The defaults, for a NULL config argument. */
const contour_config *cx_config_default(void);

/* Makes dst a deep copy of src whose strings live on `mem` (dst's own allocator: a
 * snapshot keeps its config on its allocator). False on OOM, dst then empty. */
bool cx_config_copy_into(contour_config *dst, const contour_config *src, const cx_alloc *mem);
/* Releases what cx_config_copy_into() allocated. */
void cx_config_release(contour_config *c);

#endif
