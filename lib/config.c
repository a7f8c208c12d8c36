#include "config_internal.h"
#include "utf8.h"

#include <string.h>
#include <unistd.h>

static const contour_config default_config = {
    .alloc = {cx_libc_malloc, cx_libc_realloc, cx_libc_free, NULL},
    .mem = {cx_libc_malloc, cx_libc_realloc, cx_libc_free, NULL},
    /* The defaults documented in config.h, in contour_limit order. */
    .limits = {{
        [CONTOUR_LIMIT_INPUT_BYTES] = (uint64_t)256 << 20,
        [CONTOUR_LIMIT_DEPTH] = 64,
        [CONTOUR_LIMIT_DOCUMENTS] = 1000000,
        [CONTOUR_LIMIT_ALIAS_EXPANSION] = 10000,
        [CONTOUR_LIMIT_SCALAR_BYTES] = (uint64_t)1 << 20,
        [CONTOUR_LIMIT_DOCUMENT_NODES] = 1000000,
        [CONTOUR_LIMIT_ROUTES] = 1000000,
    }},
    .default_ns = (char *)"default",
    .ingress_class = (char *)"contour",
    .root_namespaces = NULL,
    .root_namespace_count = 0,
    .http_port = 80,
    .https_port = 443,
    .threads = 1,
    .parallel_min_bytes = CX_PARALLEL_MIN_BYTES,
};

const contour_config *cx_config_default(void)
{
    return &default_config;
}

void cx_limits_default(cx_limits *l)
{
    *l = default_config.limits;
}

static char *dup_str(const cx_alloc *a, const char *s, size_t len)
{
    char *p = cx_malloc(a, len + 1);
    if (!p)
        return NULL;
    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

/* A name fit for a setting: non-empty, UTF-8, no NUL. */
static bool valid_name(const char *s, size_t len)
{
    return s && len > 0 && !memchr(s, 0, len) && cx_utf8_valid(s, len);
}

contour_result contour_config_new(contour_config **out)
{
    if (!out)
        return CONTOUR_ERR_INVALID;
    *out = NULL;
    const cx_alloc *a = &cx_default_alloc;
    contour_config *c = cx_calloc(a, 1, sizeof *c);
    if (!c)
        return CONTOUR_ERR_NOMEM;
    c->alloc = cx_default_alloc;
    c->mem = cx_default_alloc;
    cx_limits_default(&c->limits);
    c->default_ns = dup_str(a, "default", 7);
    c->ingress_class = dup_str(a, "contour", 7);
    c->http_port = 80;
    c->https_port = 443;
    c->threads = 1;
    c->parallel_min_bytes = CX_PARALLEL_MIN_BYTES;
    if (!c->default_ns || !c->ingress_class) {
        contour_config_free(c);
        return CONTOUR_ERR_NOMEM;
    }
    *out = c;
    return CONTOUR_OK;
}

/* Releases what a config owns (not the struct itself). */
static void config_release(contour_config *c)
{
    if (!c) /* never, but the analyzer follows clear_root_namespaces' NULL check */
        return;
    contour_config_clear_root_namespaces(c);
    cx_free(&c->mem, c->default_ns);
    cx_free(&c->mem, c->ingress_class);
    c->default_ns = c->ingress_class = NULL;
}

bool cx_config_copy_into(contour_config *dst, const contour_config *src, const cx_alloc *mem)
{
    memset(dst, 0, sizeof *dst);
    dst->mem = *mem;
    dst->alloc = src->alloc;
    dst->limits = src->limits;
    dst->http_port = src->http_port;
    dst->https_port = src->https_port;
    dst->follow_links = src->follow_links;
    dst->threads = src->threads;
    dst->parallel_min_bytes = src->parallel_min_bytes;
    dst->default_ns = dup_str(mem, src->default_ns, strlen(src->default_ns));
    dst->ingress_class = dup_str(mem, src->ingress_class, strlen(src->ingress_class));
    bool ok = dst->default_ns && dst->ingress_class;
    for (size_t i = 0; ok && i < src->root_namespace_count; i++) {
        const char *ns = src->root_namespaces[i];
        ok = contour_config_add_root_namespace(dst, ns, strlen(ns)) == CONTOUR_OK;
    }
    if (!ok)
        config_release(dst);
    return ok;
}

void cx_config_release(contour_config *c)
{
    config_release(c);
}

contour_result contour_config_copy(contour_config **out, const contour_config *config)
{
    if (!out)
        return CONTOUR_ERR_INVALID;
    *out = NULL;
    if (!config)
        return CONTOUR_ERR_INVALID;
    /* A copy the caller owns lives on the C library heap, like every config. */
    contour_config *c = cx_calloc(&cx_default_alloc, 1, sizeof *c);
    if (!c)
        return CONTOUR_ERR_NOMEM;
    if (!cx_config_copy_into(c, config, &cx_default_alloc)) {
        cx_free(&cx_default_alloc, c);
        return CONTOUR_ERR_NOMEM;
    }
    *out = c;
    return CONTOUR_OK;
}

void contour_config_free(contour_config *c)
{
    if (!c)
        return;
    /* A config the caller owns always lives on the C library heap: it exists before any
     * custom allocator is set. */
    config_release(c);
    cx_free(&cx_default_alloc, c);
}

contour_result contour_config_set_default_namespace(contour_config *c, const char *ns, size_t len)
{
    if (!c || !valid_name(ns, len))
        return CONTOUR_ERR_INVALID;
    char *p = dup_str(&c->mem, ns, len);
    if (!p)
        return CONTOUR_ERR_NOMEM;
    cx_free(&c->mem, c->default_ns);
    c->default_ns = p;
    return CONTOUR_OK;
}

contour_result contour_config_set_ingress_class(contour_config *c, const char *cls, size_t len)
{
    if (!c || (len && !valid_name(cls, len)) || (!cls && len))
        return CONTOUR_ERR_INVALID;
    char *p = dup_str(&c->mem, cls ? cls : "", len);
    if (!p)
        return CONTOUR_ERR_NOMEM;
    cx_free(&c->mem, c->ingress_class);
    c->ingress_class = p;
    return CONTOUR_OK;
}

contour_result contour_config_add_root_namespace(contour_config *c, const char *ns, size_t len)
{
    if (!c || !valid_name(ns, len))
        return CONTOUR_ERR_INVALID;
    for (size_t i = 0; i < c->root_namespace_count; i++) {
        if (strlen(c->root_namespaces[i]) == len && memcmp(c->root_namespaces[i], ns, len) == 0)
            return CONTOUR_OK;
    }
    size_t bytes;
    if (!cx_size_mul(c->root_namespace_count + 1, sizeof(char *), &bytes))
        return CONTOUR_ERR_NOMEM;
    char *p = dup_str(&c->mem, ns, len);
    if (!p)
        return CONTOUR_ERR_NOMEM;
    char **list = cx_realloc(&c->mem, c->root_namespaces, bytes);
    if (!list) {
        cx_free(&c->mem, p);
        return CONTOUR_ERR_NOMEM;
    }
    list[c->root_namespace_count++] = p;
    c->root_namespaces = list;
    return CONTOUR_OK;
}

void contour_config_clear_root_namespaces(contour_config *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->root_namespace_count; i++)
        cx_free(&c->mem, c->root_namespaces[i]);
    cx_free(&c->mem, c->root_namespaces);
    c->root_namespaces = NULL;
    c->root_namespace_count = 0;
}

size_t contour_config_root_namespace_count(const contour_config *c)
{
    return c ? c->root_namespace_count : 0;
}

const char *contour_config_root_namespace_at(const contour_config *c, size_t index)
{
    return c && index < c->root_namespace_count ? c->root_namespaces[index] : NULL;
}

const char *contour_config_default_namespace(const contour_config *c)
{
    return c ? c->default_ns : NULL;
}

const char *contour_config_ingress_class(const contour_config *c)
{
    return c ? c->ingress_class : NULL;
}

uint32_t contour_config_http_port(const contour_config *c)
{
    return c ? c->http_port : 0;
}

uint32_t contour_config_https_port(const contour_config *c)
{
    return c ? c->https_port : 0;
}

contour_result contour_config_set_ports(contour_config *c, uint32_t http_port, uint32_t https_port)
{
    if (!c || http_port < 1 || http_port > 65535 || https_port < 1 || https_port > 65535 ||
        http_port == https_port)
        return CONTOUR_ERR_INVALID;
    c->http_port = http_port;
    c->https_port = https_port;
    return CONTOUR_OK;
}

contour_result contour_config_set_limit(contour_config *c, contour_limit limit, uint64_t value)
{
    if (!c || (unsigned)limit >= CX_LIMIT_COUNT || value == 0)
        return CONTOUR_ERR_INVALID;
    c->limits.v[limit] = value;
    return CONTOUR_OK;
}

uint64_t contour_config_limit(const contour_config *c, contour_limit limit)
{
    if (!c || (unsigned)limit >= CX_LIMIT_COUNT)
        return 0;
    return c->limits.v[limit];
}

contour_result contour_config_set_follow_links(contour_config *c, bool follow)
{
    if (!c)
        return CONTOUR_ERR_INVALID;
    c->follow_links = follow;
    return CONTOUR_OK;
}

bool contour_config_follow_links(const contour_config *c)
{
    return c && c->follow_links;
}

contour_result contour_config_set_threads(contour_config *c, uint32_t threads)
{
    if (!c)
        return CONTOUR_ERR_INVALID;
    if (threads == 0) {
        /* Asked once, here: the getter then says what loads will use. */
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n < 1 ? 1 : n > CX_THREADS_MAX ? CX_THREADS_MAX : (uint32_t)n;
    }
    c->threads = threads > CX_THREADS_MAX ? CX_THREADS_MAX : threads;
    return CONTOUR_OK;
}

uint32_t contour_config_threads(const contour_config *c)
{
    return c ? c->threads : 0;
}

contour_result contour_config_set_allocator(contour_config *c, contour_malloc_fn malloc_fn,
                                            contour_realloc_fn realloc_fn, contour_free_fn free_fn,
                                            void *user_data)
{
    if (!c)
        return CONTOUR_ERR_INVALID;
    if (!malloc_fn && !realloc_fn && !free_fn) {
        c->alloc = cx_default_alloc;
        return CONTOUR_OK;
    }
    if (!malloc_fn || !realloc_fn || !free_fn)
        return CONTOUR_ERR_INVALID;
    c->alloc.malloc_fn = malloc_fn;
    c->alloc.realloc_fn = realloc_fn;
    c->alloc.free_fn = free_fn;
    c->alloc.user_data = user_data;
    return CONTOUR_OK;
}
