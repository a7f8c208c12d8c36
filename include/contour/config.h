/*
 * libcontour — configuration: load limits and the default namespace (how a snapshot reads
 * its input), the settings resolution uses (root namespaces, ingress class, listener
 * ports), and an optional allocator.
 *
 * One owner: a snapshot keeps its own copy of the config it was created with, and
 * everything made from the snapshot — graphs, buffers — follows that copy. Passing NULL
 * where a resolve takes a config means "the snapshot's". A config passed to a resolve
 * overrides only the resolution settings (root namespaces, ingress class, ports); the
 * allocator, the limits and the default namespace are always the snapshot's.
 *
 * Thread-safety: a contour_config is a plain value. Setting it from one thread while
 * another uses it is a data race; reading it (the getters, contour_snapshot_new(),
 * contour_resolve()) from many threads at once is safe. Whatever is made from a config
 * copies what it needs, so a config may be changed or freed once that call returns.
 */
#ifndef CONTOUR_CONFIG_H
#define CONTOUR_CONFIG_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Settings for loading and resolving. Opaque; create with contour_config_new(). */
typedef struct contour_config contour_config;

/**
 * Creates a config with the defaults: default namespace "default", ingress class
 * "contour", no root-namespace restriction, HTTP port 80, HTTPS port 443, the limits
 * listed under contour_limit, and the C library allocator.
 *
 * @param out receives the new config, owned by the caller (release with contour_config_free()).
 * @return CONTOUR_OK, CONTOUR_ERR_INVALID (out is NULL) or CONTOUR_ERR_NOMEM.
 */
CONTOUR_API contour_result contour_config_new(contour_config **out);

/**
 * Copies a config (its allocator too).
 * @param out receives the copy, owned by the caller.
 * @return CONTOUR_OK, CONTOUR_ERR_INVALID (a NULL argument) or CONTOUR_ERR_NOMEM.
 */
CONTOUR_API contour_result contour_config_copy(contour_config **out, const contour_config *config);

/** Releases a config. Accepts NULL. */
CONTOUR_API void contour_config_free(contour_config *config);

/**
 * Namespace given to objects whose metadata.namespace is missing or empty (default
 * "default"). A loading setting: a snapshot takes it from its config when it is created.
 * @return CONTOUR_OK, CONTOUR_ERR_INVALID (NULL config, empty or non-UTF-8 name) or
 * CONTOUR_ERR_NOMEM.
 */
CONTOUR_API contour_result contour_config_set_default_namespace(contour_config *config,
                                                                const char *ns, size_t ns_len);

/** The default namespace (borrowed from the config until it is changed or freed), or NULL
 * for a NULL config. */
CONTOUR_API const char *contour_config_default_namespace(const contour_config *config);

/**
 * The ingress class this controller serves (default "contour"). An Ingress or IngressRoute
 * whose class annotation (or, for networking.k8s.io/v1, spec.ingressClassName) names another
 * class is ignored by resolution. Objects with no class are always accepted. An empty class
 * accepts, besides those, objects whose class is "" or "contour" (Contour 1.x's behaviour
 * when no class is configured); the default "contour" accepts only "contour".
 * @return CONTOUR_OK, CONTOUR_ERR_INVALID or CONTOUR_ERR_NOMEM.
 */
CONTOUR_API contour_result contour_config_set_ingress_class(contour_config *config,
                                                            const char *ingress_class, size_t len);

/** The ingress class (borrowed like contour_config_default_namespace()), or NULL. */
CONTOUR_API const char *contour_config_ingress_class(const contour_config *config);

/**
 * Adds a namespace in which root IngressRoutes (those with spec.virtualhost) may live.
 * With none added (the default), roots may live anywhere. Adding one twice has no effect.
 * @return CONTOUR_OK, CONTOUR_ERR_INVALID or CONTOUR_ERR_NOMEM.
 */
CONTOUR_API contour_result contour_config_add_root_namespace(contour_config *config, const char *ns,
                                                             size_t ns_len);

/** Removes every root namespace added so far (roots may live anywhere again). Accepts NULL. */
CONTOUR_API void contour_config_clear_root_namespaces(contour_config *config);

/** Number of root namespaces (0: roots may live anywhere). */
CONTOUR_API size_t contour_config_root_namespace_count(const contour_config *config);

/** The index-th root namespace, in the order added (borrowed), or NULL when out of range. */
CONTOUR_API const char *contour_config_root_namespace_at(const contour_config *config,
                                                         size_t index);

/**
 * The ports of the insecure and secure listeners (defaults 80 and 443).
 * @return CONTOUR_OK, or CONTOUR_ERR_INVALID when a port is outside 1-65535, the two are
 *         equal, or config is NULL.
 */
CONTOUR_API contour_result contour_config_set_ports(contour_config *config, uint32_t http_port,
                                                    uint32_t https_port);

/** The insecure listener's port; 0 for a NULL config. */
CONTOUR_API uint32_t contour_config_http_port(const contour_config *config);

/** The secure listener's port; 0 for a NULL config. */
CONTOUR_API uint32_t contour_config_https_port(const contour_config *config);

/**
 * Sets one limit. Value 0 is invalid; UINT64_MAX means "no limit beyond what the machine
 * can hold". Defaults: INPUT_BYTES 256 MiB, DEPTH 64, DOCUMENTS 1,000,000, ALIAS_EXPANSION
 * 10,000, SCALAR_BYTES 1 MiB, DOCUMENT_NODES 1,000,000, ROUTES 1,000,000. The load limits
 * are loading settings: a snapshot takes them from its config when it is created. ROUTES
 * is a resolution setting: it bounds the routes one resolution publishes, both listeners
 * counted. N roots delegating to one IngressRoute with M routes are legitimately N x M
 * routes, so a small input can ask for a huge graph (1,000 x 1,000: 277 KB in, 500 MB of
 * JSON). Virtual hosts are taken in fqdn order; the first whose routes would take the
 * total past the limit, and every one after it, is left out of the graph, each with a
 * "limit-routes" error diagnostic. Statuses do not change. 1,000,000 is more than real
 * clusters publish.
 * @return CONTOUR_OK or CONTOUR_ERR_INVALID (unknown limit, value 0, NULL config).
 */
CONTOUR_API contour_result contour_config_set_limit(contour_config *config, contour_limit limit,
                                                    uint64_t value);

/** The current value of a limit, or 0 for an unknown limit or a NULL config. */
CONTOUR_API uint64_t contour_config_limit(const contour_config *config, contour_limit limit);

/**
 * Whether loading a directory (contour_snapshot_load_path() on a directory) reads files
 * through symbolic links that lead outside that directory. Off by default: such a link, to
 * a file or to a directory, is skipped with a `link-outside` warning, so that a tree from
 * an untrusted source cannot make a CI job read (and quote in its log) /etc/passwd,
 * /proc/self/environ or a secrets file next to the checkout. Links that stay inside the
 * directory are read either way; links to directories are never followed (no cycles). A
 * path passed to contour_snapshot_load_path() itself is always read, link or not. A
 * loading setting: a snapshot takes it from its config when it is created.
 * @return CONTOUR_OK or CONTOUR_ERR_INVALID (NULL config).
 */
CONTOUR_API contour_result contour_config_set_follow_links(contour_config *config, bool follow);

/** Whether loading follows links out of a directory (false for a NULL config). */
CONTOUR_API bool contour_config_follow_links(const contour_config *config);

/**
 * How many threads one call may use (default 1: everything happens on the calling thread).
 * 0 means the machine's online CPUs, counted when this is called; values above 64 are
 * taken as 64. A loading setting: a snapshot takes it from its config when it is created.
 *
 * With more than one thread, contour_snapshot_load_buffer() and contour_snapshot_load_path()
 * read a large YAML input (several MiB of `---`-separated documents) in pieces on several
 * threads, which the call starts and joins before it returns. The result is the one a
 * single thread gives — the same objects, diagnostics (positions included) and order,
 * the same limits and error recovery; when that cannot be shown for an input (YAML
 * directives, a scalar near the scalar limit, ...), the input is read on one thread.
 * Loading then calls the snapshot's allocator from several threads at once (see
 * contour_config_set_allocator()). The handle rules do not change: a load still needs
 * exclusive access to its snapshot.
 *
 * Resolution uses it too: contour_resolve() and contour_resolve_update() with the config
 * they are given (or, for NULL, the snapshot's) compute the objects' results, the virtual
 * hosts and the statuses in blocks on that many threads, started and joined inside the
 * call. The graph is byte for byte the one one thread makes.
 * @return CONTOUR_OK or CONTOUR_ERR_INVALID (NULL config).
 */
CONTOUR_API contour_result contour_config_set_threads(contour_config *config, uint32_t threads);

/** The number of threads a call may use (1 .. 64), or 0 for a NULL config. */
CONTOUR_API uint32_t contour_config_threads(const contour_config *config);

/** An allocation function of a custom allocator: returns NULL on failure. */
typedef void *(*contour_malloc_fn)(size_t size, void *user_data);
/** A reallocation function of a custom allocator: like realloc(), NULL on failure. */
typedef void *(*contour_realloc_fn)(void *ptr, size_t size, void *user_data);
/** A release function of a custom allocator; called with non-NULL pointers only. */
typedef void (*contour_free_fn)(void *ptr, void *user_data);

/**
 * Routes the library's own allocations for a snapshot created with this config — and for
 * every graph and buffer made from that snapshot — through the given functions. All three
 * must be given, or all three NULL to go back to the C library. Memory must be suitably
 * aligned for any type, as malloc's is. The functions are called from every thread that
 * loads, resolves, renders or frees those handles, and from the threads a load starts
 * itself when the config allows more than one (contour_config_set_threads()), so they
 * must be thread-safe if the handles are used from several threads or the config allows
 * several threads; user_data must outlive them all. When an
 * allocation fails, the public call returns CONTOUR_ERR_NOMEM and leaves its handles as
 * they were; nothing leaks. (libyaml keeps its small parser buffers on the C library heap.)
 * @return CONTOUR_OK or CONTOUR_ERR_INVALID.
 */
CONTOUR_API contour_result contour_config_set_allocator(contour_config *config,
                                                        contour_malloc_fn malloc_fn,
                                                        contour_realloc_fn realloc_fn,
                                                        contour_free_fn free_fn, void *user_data);

#ifdef __cplusplus
}
#endif

#endif
