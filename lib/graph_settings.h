/* The settings a graph was resolved with: the part of a contour_config resolution reads,
 * copied into one block the graph owns (a config may change or go after resolve returns). */
#ifndef CX_GRAPH_SETTINGS_H
#define CX_GRAPH_SETTINGS_H

#include "alloc.h"
#include "config_internal.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cx_settings {
    const char *ingress_class; /* "" accepts "" and "contour" too */
    const char **root_namespaces;
    size_t root_namespace_count;
    uint32_t http_port, https_port;
    uint64_t route_limit;
    uint32_t threads;
} cx_settings;

/* A copy of a config's resolution settings in one block; NULL on OOM. */
cx_settings *cx_settings_new(const cx_alloc *a, const contour_config *cfg);
/* A copy in one block; NULL on OOM. */
cx_settings *cx_settings_dup(const cx_alloc *a, const cx_settings *s);
void cx_settings_free(const cx_alloc *a, cx_settings *s);
/* Whether two graphs resolved with these settings may share records (all but threads). */
bool cx_settings_equal(const cx_settings *a, const cx_settings *b);

#endif
