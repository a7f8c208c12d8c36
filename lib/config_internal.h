/* The config handle's representation, shared by snapshot.c and resolve.c. */
#ifndef CX_CONFIG_INTERNAL_H
#define CX_CONFIG_INTERNAL_H

#include "alloc.h"
#include "limits.h"
#include "contour/config.h"

struct contour_config {
    cx_alloc alloc;
    cx_limits limits;
    char *default_ns;
    char *ingress_class;
    char **root_namespaces;
    size_t root_namespace_count;
    uint32_t http_port;
    uint32_t https_port;
    bool follow_links; /* directory loads follow symbolic links that leave the directory */
};

/* The defaults, for a NULL config argument. */
const contour_config *cx_config_default(void);

#endif
