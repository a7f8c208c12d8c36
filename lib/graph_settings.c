#include "graph_settings.h"

#include <string.h>

/* One block: the struct, the namespace pointers, then the strings. */
static cx_settings *make(const cx_alloc *a, const cx_settings *from)
{
    size_t bytes = sizeof(cx_settings), n = from->root_namespace_count;
    size_t cls_len = strlen(from->ingress_class) + 1;
    if (!cx_size_add(bytes, cls_len, &bytes))
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (!cx_size_add(bytes, strlen(from->root_namespaces[i]) + 1 + sizeof(char *), &bytes))
            return NULL;
    }
    cx_settings *s = cx_malloc(a, bytes);
    if (!s)
        return NULL;
    *s = *from;
    const char **list = (const char **)(s + 1);
    char *p = (char *)(list + n);
    memcpy(p, from->ingress_class, cls_len);
    s->ingress_class = p;
    p += cls_len;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(from->root_namespaces[i]) + 1;
        memcpy(p, from->root_namespaces[i], l);
        list[i] = p;
        p += l;
    }
    s->root_namespaces = list;
    return s;
}

cx_settings *cx_settings_new(const cx_alloc *a, const contour_config *cfg)
{
    cx_settings view = {cfg->ingress_class ? cfg->ingress_class : "",
                        (const char **)cfg->root_namespaces,
                        cfg->root_namespace_count,
                        cfg->http_port,
                        cfg->https_port,
                        cfg->limits.v[CONTOUR_LIMIT_ROUTES],
                        cfg->threads ? cfg->threads : 1};
    return make(a, &view);
}

cx_settings *cx_settings_dup(const cx_alloc *a, const cx_settings *s)
{
    return make(a, s);
}

void cx_settings_free(const cx_alloc *a, cx_settings *s)
{
    cx_free(a, s);
}

bool cx_settings_equal(const cx_settings *a, const cx_settings *b)
{
    if (strcmp(a->ingress_class, b->ingress_class) != 0 || a->http_port != b->http_port ||
        a->https_port != b->https_port || a->route_limit != b->route_limit ||
        a->root_namespace_count != b->root_namespace_count)
        return false;
    for (size_t i = 0; i < a->root_namespace_count; i++) {
        if (strcmp(a->root_namespaces[i], b->root_namespaces[i]) != 0)
            return false;
    }
    return true;
}
