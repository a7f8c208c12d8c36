/*
 * libcontour — what every part of the API shares: the export macro, call results, object
 * kinds, diagnostic severities, input formats, limits and the version.
 *
 * Conventions used throughout the API (docs/api.md has the full rules)
 *  - Names: contour_<object>_<verb or field>; types contour_<object>; enumerators and
 *    macros CONTOUR_<ENUM>_<VALUE>. A getter names the field it returns; a unit is always
 *    an abbreviated suffix (_ms milliseconds, _s seconds).
 *  - Fallible calls return a contour_result: CONTOUR_OK (0) or a negative CONTOUR_ERR_*.
 *    Out-parameters come first and are named `out`; on failure `*out` is set to NULL.
 *  - Lookups (contour_*_find*) return a borrowed pointer, or NULL when there is nothing
 *    (or an argument is NULL or out of range): they never fail otherwise.
 *  - Lists are read with <owner>_<item>_count() and <owner>_<item>_at(owner, index). An
 *    item with several fields is a borrowed handle with its own getters; an item that is a
 *    single string is returned as that string. Out-of-range indexes return NULL.
 *  - Strings passed in are `const char *data, size_t len`: UTF-8, no NUL terminator needed.
 *    File system paths are NUL-terminated.
 *  - Strings and handles returned as `const` pointers are borrowed: they live as long as
 *    the handle they came from (each header says how long). Nothing returned is ever
 *    released with free(); every type the caller owns has exactly one contour_*_free(),
 *    and every free function accepts NULL.
 *  - Booleans are C99 `bool`; sizes are `size_t`; line and column numbers are 1-based
 *    uint32_t, 0 meaning "unknown". Columns count Unicode code points, tabs count as one.
 *  - Enumerations may gain values in later minor versions: treat unknown values as such
 *    (every *_name() function returns "" for them).
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
/* Call results                                                                               */
/* ------------------------------------------------------------------------------------------ */

/**
 * What a fallible call returns. Problems with the *input* (bad YAML, an invalid
 * IngressRoute) are not results: they are diagnostics and statuses, and the call that met
 * them still returns CONTOUR_OK. A result other than CONTOUR_OK means the call itself could
 * not do its job; unless its documentation says otherwise, the handles it was given are
 * then unchanged.
 */
typedef enum contour_result {
    CONTOUR_OK = 0,             /**< Success. */
    CONTOUR_ERR_NOMEM = -1,     /**< An allocation failed; nothing was changed. */
    CONTOUR_ERR_INVALID = -2,   /**< An argument was NULL, out of range or malformed. */
    CONTOUR_ERR_NOT_FOUND = -3, /**< The object asked for does not exist. */
    CONTOUR_ERR_IO = -4,        /**< A file, directory or output could not be read or written. */
    CONTOUR_ERR_LIMIT = -5,     /**< The input exceeds a configured limit (see diagnostics). */
} contour_result;

/**
 * A short English description of a result ("out of memory", ...). Never NULL; the string
 * is static. Thread-safe.
 */
CONTOUR_API const char *contour_result_str(contour_result result);

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

/**
 * Number of kinds the running library models: valid kinds are 1 ..= contour_kind_count().
 * A binding sizes per-kind tables with it instead of a compile-time constant. Thread-safe.
 */
CONTOUR_API size_t contour_kind_count(void);

/**
 * The Kubernetes name of a kind ("IngressRoute", ...), or "" for CONTOUR_KIND_NONE and
 * unknown values. Static string; thread-safe.
 */
CONTOUR_API const char *contour_kind_name(contour_kind kind);

/* ------------------------------------------------------------------------------------------ */
/* Diagnostic severities                                                                      */
/* ------------------------------------------------------------------------------------------ */

/** How serious a diagnostic is. Errors mean an input document or object was not used. */
typedef enum contour_severity {
    CONTOUR_SEVERITY_INFO = 0,
    CONTOUR_SEVERITY_WARNING = 1,
    CONTOUR_SEVERITY_ERROR = 2,
} contour_severity;

/** Number of severities: valid severities are 0 .. contour_severity_count()-1. Thread-safe. */
CONTOUR_API size_t contour_severity_count(void);

/** "info", "warning" or "error" ("" for unknown values). Static string; thread-safe. */
CONTOUR_API const char *contour_severity_name(contour_severity severity);

/* ------------------------------------------------------------------------------------------ */
/* Input formats and limits                                                                   */
/* ------------------------------------------------------------------------------------------ */

/**
 * Format of an input. AUTO: a file is JSON when its name ends in .json, YAML when it ends
 * in .yaml or .yml; a buffer (or a file of another name) is JSON when its first
 * non-blank byte is '{' or '[', else YAML.
 */
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

/** Number of limits: valid limits are 0 .. contour_limit_count()-1. Thread-safe. */
CONTOUR_API size_t contour_limit_count(void);

/* ------------------------------------------------------------------------------------------ */
/* Printing what came from the input                                                         */
/* ------------------------------------------------------------------------------------------ */

/** How contour_escape() writes a string. */
typedef enum contour_escape_style {
    /** Prose (a message, a description, a file name): Go escapes without quotes
     *  (\n, \x1b, \u202e, \U000e0041); '"' and '\' are kept. */
    CONTOUR_ESCAPE_TEXT = 0,
    /** A Go string literal, as Go's %q / strconv.Quote. */
    CONTOUR_ESCAPE_QUOTE = 1,
    /** A namespace, name or fqdn: as it is when it is non-empty and consists only of ASCII
     *  letters, digits, '-', '.', '_' and '*' (every name Kubernetes accepts), else as
     *  CONTOUR_ESCAPE_QUOTE, so that NAMESPACE/NAME can never pass for another pair. */
    CONTOUR_ESCAPE_NAME = 2,
    /** A JSON string literal (with its quotes), escaped characters as \uXXXX (surrogate
     *  pairs above U+FFFF); bytes that are not UTF-8 become \ufffd. */
    CONTOUR_ESCAPE_JSON = 3,
} contour_escape_style;

/**
 * Escapes a string the way every output of the library does (text, DOT, JSON), so that a
 * program printing names and messages from the input cannot be made to forge lines,
 * repaint a terminal or hide text: every character Go's strconv.IsPrint rejects
 * (controls, bidirectional controls such as U+202E and U+2066..2069, zero-width and other
 * format characters such as U+200B, U+061C and U+FEFF, tag characters, line and paragraph
 * separators, spaces other than U+0020, private-use, unassigned code points) and every byte
 * that is not UTF-8 is escaped. An unknown style is treated as CONTOUR_ESCAPE_QUOTE.
 *
 * Works like snprintf(): writes at most `size` bytes, a terminating NUL included, to dst
 * (which may be NULL when size is 0), and returns the length of the whole escaped string,
 * so a return value >= size means the output was truncated. Never allocates; thread-safe.
 * @param s the string, len bytes (need not be NUL-terminated; NULL means empty).
 */
CONTOUR_API size_t contour_escape(char *dst, size_t size, const char *s, size_t len,
                                  contour_escape_style style);

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
