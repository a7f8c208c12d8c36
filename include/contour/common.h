/*
 * libcontour — types shared by every part of the API: the export macro, status codes,
 * object kinds, diagnostic severities, input formats and limits.
 *
 * Conventions used throughout the API
 *  - Fallible functions return a contour_status: CONTOUR_OK (0) or a negative code.
 *    Out-parameters come first and are named `out`; on failure `*out` is set to NULL.
 *  - Strings passed in are `const char *data, size_t len`: UTF-8, no NUL terminator needed.
 *    File system paths are NUL-terminated.
 *  - Strings and handles returned as `const` pointers are borrowed: they live as long as the
 *    handle they came from (see each header). Nothing returned is ever released with free().
 *  - Every type that the caller owns has exactly one contour_*_free() function, and every
 *    free function accepts NULL.
 *  - Booleans are C99 `bool`; sizes are `size_t`; line and column numbers are 1-based
 *    uint32_t, 0 meaning "unknown". Columns count Unicode code points, tabs count as one.
 */
#ifndef CONTOUR_COMMON_H
#define CONTOUR_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(CONTOUR_STATIC)
#define CONTOUR_API
#elif defined(__GNUC__) && __GNUC__ >= 4
#define CONTOUR_API __attribute__((visibility("default")))
#else
#define CONTOUR_API
#endif

/* ------------------------------------------------------------------------------------------ */
/* Status codes                                                                               */
/* ------------------------------------------------------------------------------------------ */

/**
 * What a fallible call returns. Problems with the *input* (bad YAML, an invalid
 * IngressRoute) are not status codes: they are diagnostics and statuses, and the call
 * that met them still returns CONTOUR_OK. A status other than CONTOUR_OK means the call
 * itself could not do its job, and the objects it was given are unchanged.
 */
typedef enum contour_status {
    CONTOUR_OK = 0,             /**< Success. */
    CONTOUR_ERR_NOMEM = -1,     /**< An allocation failed; nothing was changed. */
    CONTOUR_ERR_INVALID = -2,   /**< An argument was NULL, out of range or malformed. */
    CONTOUR_ERR_NOT_FOUND = -3, /**< The object asked for does not exist. */
    CONTOUR_ERR_IO = -4,        /**< A file or directory could not be read (see diagnostics). */
    CONTOUR_ERR_LIMIT = -5,     /**< The input exceeds a configured limit (see diagnostics). */
} contour_status;

/**
 * A short English description of a status code ("out of memory", ...). Never NULL; the
 * string is static. Thread-safe.
 */
CONTOUR_API const char *contour_status_str(contour_status status);

/* ------------------------------------------------------------------------------------------ */
/* Object kinds                                                                               */
/* ------------------------------------------------------------------------------------------ */

/** The Kubernetes kinds the library models. Every other kind is skipped when loading. */
typedef enum contour_kind {
    CONTOUR_KIND_NONE = 0,         /**< No object (e.g. a diagnostic about a file). */
    CONTOUR_KIND_INGRESSROUTE = 1, /**< contour.heptio.com/v1beta1 IngressRoute */
    CONTOUR_KIND_TLSCERTIFICATEDELEGATION =
        2,                    /**< contour.heptio.com/v1beta1 TLSCertificateDelegation */
    CONTOUR_KIND_INGRESS = 3, /**< extensions/v1beta1, networking.k8s.io/v1beta1 and v1 Ingress */
    CONTOUR_KIND_SERVICE = 4, /**< v1 Service */
    CONTOUR_KIND_SECRET = 5,  /**< v1 Secret */
} contour_kind;

/** Number of modelled kinds; valid kinds are 1 ..= CONTOUR_KIND_COUNT. */
#define CONTOUR_KIND_COUNT 5

/**
 * The Kubernetes name of a kind ("IngressRoute", ...), or "" for CONTOUR_KIND_NONE and
 * unknown values. Static string; thread-safe.
 */
CONTOUR_API const char *contour_kind_name(contour_kind kind);

/* ------------------------------------------------------------------------------------------ */
/* Diagnostics severities                                                                     */
/* ------------------------------------------------------------------------------------------ */

/** How serious a diagnostic is. Errors mean an input document or object was not used. */
typedef enum contour_severity {
    CONTOUR_SEVERITY_INFO = 0,
    CONTOUR_SEVERITY_WARNING = 1,
    CONTOUR_SEVERITY_ERROR = 2,
} contour_severity;

/** "info", "warning" or "error" ("" for unknown values). Static string; thread-safe. */
CONTOUR_API const char *contour_severity_name(contour_severity severity);

/* ------------------------------------------------------------------------------------------ */
/* Input formats and limits                                                                   */
/* ------------------------------------------------------------------------------------------ */

/** Format of an input. AUTO picks JSON when the first non-blank byte is '{' or '['. */
typedef enum contour_format {
    CONTOUR_FORMAT_AUTO = 0,
    CONTOUR_FORMAT_YAML = 1,
    CONTOUR_FORMAT_JSON = 2,
} contour_format;

/**
 * Limits that bound what one input can make the library do. Exceeding one is an error
 * diagnostic at the offending position; see contour_config_set_limit() for defaults.
 */
typedef enum contour_limit {
    CONTOUR_LIMIT_INPUT_BYTES = 0, /**< Bytes in one file or buffer. Default 256 MiB. */
    CONTOUR_LIMIT_DEPTH = 1,       /**< Nesting depth of maps and lists. Default 64. */
    CONTOUR_LIMIT_DOCUMENTS = 2,   /**< Documents (and List items) per input. Default 1,000,000. */
    CONTOUR_LIMIT_ALIAS_EXPANSION =
        3, /**< Nodes YAML aliases may add to one document. Default 10,000. */
    CONTOUR_LIMIT_SCALAR_BYTES = 4, /**< Bytes in one scalar or string. Default 1 MiB. */
    CONTOUR_LIMIT_DOCUMENT_NODES =
        5, /**< Maps, lists and scalars in one document. Default 1,000,000. */
    /** Routes one resolution may publish, both listeners counted (read by contour_resolve()
     *  from its config). Default 1,000,000. */
    CONTOUR_LIMIT_ROUTES = 6,
} contour_limit;

/** Number of limits; valid limits are 0 .. CONTOUR_LIMIT_COUNT-1. */
#define CONTOUR_LIMIT_COUNT 7

/* ------------------------------------------------------------------------------------------ */
/* Version                                                                                    */
/* ------------------------------------------------------------------------------------------ */

/**
 * The version of the library that is running, packed as (major << 16) | (minor << 8) |
 * patch — compare with CONTOUR_VERSION_NUMBER from <contour/version.h> to detect a
 * header/library mismatch. Bindings check that the major versions agree. Thread-safe.
 */
CONTOUR_API uint32_t contour_version(void);

/** The running library's version as "MAJOR.MINOR.PATCH". Static string; thread-safe. */
CONTOUR_API const char *contour_version_string(void);

#ifdef __cplusplus
}
#endif

#endif
