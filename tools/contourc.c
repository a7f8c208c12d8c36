/* contourc: check IngressRoute manifests and print their route graph (docs/cli.md).
 *
 *   contourc check [options] [--format text|json|sarif|junit] PATH...
 *   contourc graph [options] [--format json|text|dot] PATH...
 *   contourc diff [options] [--format text|json] OLD_PATH... -- NEW_PATH...
 *
 * Exit codes: 0 nothing fails the check (diff: nothing changed); 1 (check) something does
 * (--fail-on decides what), (diff) something changed; 2 bad usage, unreadable input, or a
 * failure of the tool itself (out of memory, cannot write the output).
 *
 * Uses the public API only. Every path out of main() goes through one cleanup, so nothing
 * is held when the process ends. */
#include "report.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
    EXIT_VALID = 0,
    EXIT_PROBLEMS = 1,
    EXIT_TROUBLE = 2, /* usage, I/O, out of memory */
};

typedef enum command { CMD_NONE, CMD_CHECK, CMD_GRAPH, CMD_DIFF } command;

/* Every --format value; which command takes which is checked after parsing. */
typedef enum format { FMT_DEFAULT, FMT_JSON, FMT_TEXT, FMT_DOT, FMT_SARIF, FMT_JUNIT } format;

typedef enum color_when { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER } color_when;

typedef struct options {
    command cmd;
    format format;
    const char **paths; /* borrowed from argv */
    size_t path_count;
    size_t old_count; /* diff: paths[0, old_count) are the old cluster, the rest the new */
    bool split;       /* diff: the "--" between them was seen */
    uint32_t http_port;
    uint32_t https_port;
    fail_level fail_on;
    color_when color;
    bool quiet;
    bool per_file;
    contour_graph_filter *filter; /* --vhost, --namespace; NULL when neither is given */
    const char *check_only;       /* a check option that was given, for the usage error */
    const char *graph_only;       /* a graph option that was given */
    bool help;
    bool version;
} options;

static const char usage_text[] =
    "usage: contourc check [options] [--format text|json|sarif|junit] PATH...\n"
    "       contourc graph [options] [--format json|text|dot] PATH...\n"
    "       contourc diff [options] [--format text|json] OLD_PATH... -- NEW_PATH...\n"
    "       contourc --help | --version\n";

static const char help_text[] =
    "\n"
    "Load Kubernetes manifests (IngressRoute, Ingress, TLSCertificateDelegation, Service,\n"
    "Secret) and resolve them as Contour would.\n"
    "\n"
    "commands:\n"
    "  check   report diagnostics and every IngressRoute that is not valid\n"
    "  graph   print the route graph\n"
    "  diff    print what changes in the route graph between two sets of manifests\n"
    "\n"
    "options:\n"
    "  --root-namespaces NS[,NS...]  namespaces where root IngressRoutes may live\n"
    "                                (default: any; repeatable)\n"
    "  --ingress-class NAME          ingress class to serve (default: contour)\n"
    "  --http-port N                 port of the insecure listener (default: 80)\n"
    "  --https-port N                port of the secure listener (default: 443)\n"
    "  --default-namespace NS        namespace of objects without one (default: default)\n"
    "  --threads N                   threads to read large YAML files with (default 0:\n"
    "                                the machine's CPUs; 1: one thread)\n"
    "  --format FORMAT               check: text (default), json, sarif or junit;\n"
    "                                graph: json (default), text or dot;\n"
    "                                diff: text (default) or json\n"
    "  -h, --help                    print this help and exit\n"
    "  --version                     print the version and exit\n"
    "\n"
    "check options:\n"
    "  --fail-on LEVEL               what fails the check: error (error diagnostics),\n"
    "                                invalid (also invalid or orphaned IngressRoutes;\n"
    "                                the default) or warning (anything but info)\n"
    "  --strict                      the same as --fail-on warning\n"
    "  -q, --quiet                   text: print only what fails; no summary\n"
    "  --color WHEN                  text: colour severity words: auto (on a terminal,\n"
    "                                unless NO_COLOR is set; the default), always, never\n"
    "  --per-file                    check each file as its own cluster\n"
    "\n"
    "graph options:\n"
    "  --vhost FQDN                  show only what concerns this virtual host\n"
    "  --namespace NS                show only what concerns this namespace\n"
    "                                (both repeatable; see docs/cli.md)\n"
    "\n"
    "PATH is a file, a directory (its *.yaml, *.yml and *.json files, recursively) or -\n"
    "for standard input. Options may also be written --name=value.\n"
    "\n"
    "exit status: 0 nothing fails the check (diff: nothing changed); 1 (check) something\n"
    "does, (diff) something changed; 2 bad usage or unreadable input.\n";

/* Prints "contourc: <message>" and the short usage to stderr. Returns EXIT_TROUBLE. */
static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("contourc: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fputs(usage_text, stderr);
    fputs("Try 'contourc --help' for more information.\n", stderr);
    return EXIT_TROUBLE;
}

/* A decimal number in [min, 65535]. */
static bool parse_number(const char *s, uint32_t min, uint32_t *out)
{
    if (!*s || strlen(s) > 5)
        return false;
    uint32_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (uint32_t)(*p - '0');
    }
    if (v < min || v > 65535)
        return false;
    *out = v;
    return true;
}

static bool parse_port(const char *s, uint32_t *out)
{
    return parse_number(s, 1, out);
}

/* Adds each non-empty item of a comma-separated list. */
static contour_result add_root_namespaces(contour_config *config, const char *list)
{
    const char *p = list;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        if (len) {
            contour_result st = contour_config_add_root_namespace(config, p, len);
            if (st != CONTOUR_OK)
                return st;
        }
        p += len;
        if (*p == ',')
            p++;
    }
    return CONTOUR_OK;
}

/* The value of an option: "--name=value" or the next argument. NULL when missing. */
static const char *option_value(int argc, char **argv, int *i, const char *arg, size_t name_len)
{
    if (arg[name_len] == '=')
        return arg + name_len + 1;
    if (*i + 1 >= argc)
        return NULL;
    return argv[++*i];
}

/* Index of `value` in a NULL-terminated list of names, or -1. */
static int lookup(const char *const *names, const char *value)
{
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], value) == 0)
            return i;
    return -1;
}

enum valued_option {
    OPT_ROOT_NAMESPACES,
    OPT_INGRESS_CLASS,
    OPT_HTTP_PORT,
    OPT_HTTPS_PORT,
    OPT_DEFAULT_NAMESPACE,
    OPT_FORMAT,
    OPT_FAIL_ON,
    OPT_COLOR,
    OPT_VHOST,
    OPT_NAMESPACE,
    OPT_THREADS,
    OPT_COUNT
};

static const char *const valued[OPT_COUNT] = {
    "--root-namespaces", "--ingress-class", "--http-port", "--https-port", "--default-namespace",
    "--format",          "--fail-on",       "--color",     "--vhost",      "--namespace",
    "--threads"};

/* Applies one valued option. Returns -1 to go on, or an exit code. */
static int apply_option(enum valued_option which, const char *value, options *opts,
                        contour_config *config)
{
    static const char *const formats[] = {"", "json", "text", "dot", "sarif", "junit", NULL};
    static const char *const levels[] = {"error", "invalid", "warning", NULL};
    static const char *const whens[] = {"auto", "always", "never", NULL};
    contour_result st = CONTOUR_OK;
    int k;
    switch (which) {
    case OPT_ROOT_NAMESPACES:
        st = add_root_namespaces(config, value);
        break;
    case OPT_INGRESS_CLASS:
        st = contour_config_set_ingress_class(config, value, strlen(value));
        break;
    case OPT_HTTP_PORT:
        if (!parse_port(value, &opts->http_port))
            return usage_error("--http-port: '%s' is not a port number (1-65535)", value);
        break;
    case OPT_HTTPS_PORT:
        if (!parse_port(value, &opts->https_port))
            return usage_error("--https-port: '%s' is not a port number (1-65535)", value);
        break;
    case OPT_DEFAULT_NAMESPACE:
        st = contour_config_set_default_namespace(config, value, strlen(value));
        if (st == CONTOUR_ERR_INVALID)
            return usage_error("--default-namespace: '%s' is not a namespace", value);
        break;
    case OPT_FORMAT:
        if ((k = lookup(formats, value)) <= 0)
            return usage_error("--format: unknown format '%s' (check: text, json, sarif, junit; "
                               "graph: json, text, dot)",
                               value);
        opts->format = (format)k;
        break;
    case OPT_FAIL_ON:
        if ((k = lookup(levels, value)) < 0)
            return usage_error("--fail-on: unknown level '%s' (error, invalid or warning)", value);
        opts->fail_on = (fail_level)k;
        opts->check_only = "--fail-on";
        break;
    case OPT_COLOR:
        if ((k = lookup(whens, value)) < 0)
            return usage_error("--color: '%s' is not auto, always or never", value);
        opts->color = (color_when)k;
        opts->check_only = "--color";
        break;
    case OPT_VHOST:
    case OPT_NAMESPACE:
        if (!opts->filter && (st = contour_graph_filter_new(&opts->filter)) != CONTOUR_OK)
            break;
        st = which == OPT_VHOST
                 ? contour_graph_filter_add_vhost(opts->filter, value, strlen(value))
                 : contour_graph_filter_add_namespace(opts->filter, value, strlen(value));
        opts->graph_only = valued[which];
        if (st == CONTOUR_ERR_INVALID)
            return usage_error("%s: '%s' is not a %s", valued[which], value,
                               which == OPT_VHOST ? "virtual host" : "namespace");
        break;
    case OPT_THREADS: {
        uint32_t n;
        if (!parse_number(value, 0, &n))
            return usage_error("--threads: '%s' is not a number of threads", value);
        st = contour_config_set_threads(config, n);
        break;
    }
    case OPT_COUNT:
        break;
    }
    if (st == CONTOUR_ERR_NOMEM) {
        fputs("contourc: out of memory\n", stderr);
        return EXIT_TROUBLE;
    }
    if (st != CONTOUR_OK)
        return usage_error("invalid value '%s'", value);
    return -1;
}

/* Applies a flag (an option without a value). Returns false when arg is none. */
static bool apply_flag(const char *arg, options *opts)
{
    if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
        opts->help = true;
    } else if (strcmp(arg, "--version") == 0) {
        opts->version = true;
    } else if (strcmp(arg, "--strict") == 0) {
        opts->fail_on = FAIL_ON_WARNING;
        opts->check_only = arg;
    } else if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
        opts->quiet = true;
        opts->check_only = arg;
    } else if (strcmp(arg, "--per-file") == 0) {
        opts->per_file = true;
        opts->check_only = arg;
    } else {
        return false;
    }
    return true;
}

/* What is left to check once every argument is read. Returns -1 to go on, or an exit code. */
static int check_args(options *opts, contour_config *config)
{
    if (opts->help || opts->version)
        return -1;
    if (opts->cmd == CMD_NONE)
        return usage_error("%s", "no command given");
    if ((opts->cmd == CMD_GRAPH || opts->cmd == CMD_DIFF) && opts->check_only)
        return usage_error("%s is an option of 'check'", opts->check_only);
    if (opts->cmd == CMD_DIFF && opts->graph_only)
        return usage_error("%s is an option of 'graph'", opts->graph_only);
    if (opts->cmd == CMD_DIFF) {
        if (opts->format != FMT_DEFAULT && opts->format != FMT_TEXT && opts->format != FMT_JSON)
            return usage_error("%s", "diff --format: text or json");
        if (!opts->split)
            return usage_error("%s", "diff: '--' must separate the old PATHs from the new");
        if (opts->old_count == 0 || opts->old_count == opts->path_count)
            return usage_error("%s", "diff: give at least one old PATH and one new PATH");
    }
    if (opts->cmd == CMD_CHECK && opts->graph_only)
        return usage_error("%s is an option of 'graph'", opts->graph_only);
    bool for_check = opts->format == FMT_DEFAULT || opts->format == FMT_TEXT ||
                     opts->format == FMT_JSON || opts->format == FMT_SARIF ||
                     opts->format == FMT_JUNIT;
    bool for_graph = opts->format == FMT_DEFAULT || opts->format == FMT_TEXT ||
                     opts->format == FMT_JSON || opts->format == FMT_DOT;
    if (opts->cmd == CMD_CHECK && !for_check)
        return usage_error("%s", "check --format: text, json, sarif or junit");
    if (opts->cmd == CMD_GRAPH && !for_graph)
        return usage_error("%s", "graph --format: json, text or dot");
    if (opts->path_count == 0)
        return usage_error("%s", "no PATH given");
    if (opts->cmd == CMD_DIFF)
        for (size_t i = 0; i < opts->path_count; i++)
            if (strcmp(opts->paths[i], "-") == 0)
                return usage_error("%s", "diff reads files, not standard input");
    size_t stdin_count = 0;
    for (size_t i = 0; i < opts->path_count; i++)
        stdin_count += strcmp(opts->paths[i], "-") == 0;
    if (stdin_count > 1)
        return usage_error("%s", "'-' (standard input) given more than once");
    if (opts->http_port == opts->https_port)
        return usage_error("%s", "--http-port and --https-port must differ");
    if (contour_config_set_ports(config, opts->http_port, opts->https_port) != CONTOUR_OK)
        return usage_error("%s", "invalid ports");
    return -1;
}

/* Parses argv into opts and config. Returns -1 to go on, or an exit code. */
static int parse_args(int argc, char **argv, options *opts, contour_config *config)
{
    bool options_done = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (options_done || arg[0] != '-' || strcmp(arg, "-") == 0) {
            if (opts->cmd == CMD_NONE) {
                if (strcmp(arg, "check") == 0)
                    opts->cmd = CMD_CHECK;
                else if (strcmp(arg, "graph") == 0)
                    opts->cmd = CMD_GRAPH;
                else if (strcmp(arg, "diff") == 0)
                    opts->cmd = CMD_DIFF;
                else
                    return usage_error("unknown command '%s'", arg);
                continue;
            }
            opts->paths[opts->path_count++] = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            if (opts->cmd == CMD_DIFF && !opts->split) {
                opts->split = true; /* diff: old PATHs before, new after; options go on */
                opts->old_count = opts->path_count;
                continue;
            }
            options_done = true;
            continue;
        }
        if (apply_flag(arg, opts))
            continue;

        int which = -1;
        size_t name_len = 0;
        for (int k = 0; k < OPT_COUNT; k++) {
            size_t n = strlen(valued[k]);
            if (strncmp(arg, valued[k], n) == 0 && (arg[n] == '\0' || arg[n] == '=')) {
                which = k;
                name_len = n;
                break;
            }
        }
        if (which < 0)
            return usage_error("unknown option '%s'", arg);
        const char *value = option_value(argc, argv, &i, arg, name_len);
        if (!value)
            return usage_error("option '%s' needs a value", valued[which]);
        int code = apply_option((enum valued_option)which, value, opts, config);
        if (code >= 0)
            return code;
    }
    return check_args(opts, config);
}

/* Reads all of stdin, at most `limit` + 1 bytes (one more than a snapshot accepts, so that
 * an oversized input is reported by the library). *out is malloc'd (NULL when empty). */
static contour_result read_stdin(char **out, size_t *len, uint64_t limit)
{
    size_t cap = 0, n = 0;
    char *buf = NULL;
    uint64_t max = limit < SIZE_MAX - 1 ? limit + 1 : SIZE_MAX - 1;
    *out = NULL;
    *len = 0;
    for (;;) {
        if (n == cap) {
            if (cap >= max)
                break;
            size_t want = cap ? cap * 2 : 65536;
            if (want > max || want < cap)
                want = (size_t)max;
            char *p = realloc(buf, want);
            if (!p) {
                free(buf);
                return CONTOUR_ERR_NOMEM;
            }
            buf = p;
            cap = want;
        }
        size_t got = fread(buf + n, 1, cap - n, stdin);
        n += got;
        if (got == 0) {
            if (ferror(stdin)) {
                free(buf);
                return CONTOUR_ERR_IO;
            }
            break;
        }
    }
    *out = buf;
    *len = n;
    return CONTOUR_OK;
}

static const char stdin_name[] = "<stdin>";

/* Standard input, read once: --per-file loads it again. */
typedef struct input {
    char *stdin_data;
    size_t stdin_len;
    bool stdin_read;
} input;

/* Loads one PATH (or standard input for "-"). Returns the load's status. */
static contour_result load_one(contour_snapshot *snapshot, const char *path, input *in,
                               const contour_config *config)
{
    if (strcmp(path, "-") != 0)
        return contour_snapshot_load_path(snapshot, path, CONTOUR_FORMAT_AUTO);
    if (!in->stdin_read) {
        contour_result st = read_stdin(&in->stdin_data, &in->stdin_len,
                                       contour_config_limit(config, CONTOUR_LIMIT_INPUT_BYTES));
        if (st == CONTOUR_ERR_IO) {
            fprintf(stderr, "contourc: cannot read standard input: %s\n", strerror(errno));
            return CONTOUR_ERR_IO;
        }
        if (st != CONTOUR_OK)
            return st;
        in->stdin_read = true;
    }
    return contour_snapshot_load_buffer(snapshot, stdin_name, sizeof stdin_name - 1, in->stdin_data,
                                        in->stdin_len, CONTOUR_FORMAT_AUTO);
}

/* Loads PATHs. Returns CONTOUR_OK, CONTOUR_ERR_IO (something could not be read; what
 * could is loaded), or another failure (printed). */
static contour_result load_paths(contour_snapshot *snapshot, const char *const *paths, size_t count,
                                 input *in, const contour_config *config)
{
    bool io_error = false;
    for (size_t i = 0; i < count; i++) {
        contour_result st = load_one(snapshot, paths[i], in, config);
        switch (st) {
        case CONTOUR_OK:
        case CONTOUR_ERR_LIMIT: /* an error diagnostic, like a malformed document */
            break;
        case CONTOUR_ERR_IO:
            io_error = true;
            break;
        default:
            fputs("contourc: ", stderr);
            put_esc(stderr, paths[i], CONTOUR_ESCAPE_TEXT);
            fprintf(stderr, ": %s\n", contour_result_str(st));
            return st;
        }
    }
    return io_error ? CONTOUR_ERR_IO : CONTOUR_OK;
}

/* The check report in the chosen format, the summary on stderr. Returns the exit code. */
static int report(const options *opts, const check_unit *units, size_t count)
{
    bool color = opts->color == COLOR_ALWAYS;
    if (opts->color == COLOR_AUTO) {
        /* https://no-color.org: NO_COLOR set and not empty turns colour off. */
        const char *no_color = getenv("NO_COLOR"), *term = getenv("TERM");
        color = isatty(fileno(stdout)) && !(no_color && *no_color) &&
                !(term && strcmp(term, "dumb") == 0);
    }
    check_report r = {.units = units,
                      .unit_count = count,
                      .fail_on = opts->fail_on,
                      .quiet = opts->quiet,
                      .color = color};
    count_report(&r);
    bool ok;
    switch (opts->format) {
    case FMT_JSON:
        ok = write_check_json(stdout, &r);
        break;
    case FMT_SARIF:
        ok = write_check_sarif(stdout, &r);
        break;
    case FMT_JUNIT:
        ok = write_check_junit(stdout, &r);
        break;
    default:
        ok = write_check_text(stdout, &r);
        break;
    }
    if (!ok) {
        fputs("contourc: out of memory\n", stderr);
        return EXIT_TROUBLE;
    }
    if (!opts->quiet)
        put_summary(stderr, &r);
    return r.counts.failures ? EXIT_PROBLEMS : EXIT_VALID;
}

/* Where `graph` sends the rendering: standard output's file descriptor, written directly
 * (the library hands over 64 KiB at a time, so stdio would only copy it once more). */
typedef struct fd_sink {
    int fd;
    int error; /* errno of the write that failed, or 0 */
} fd_sink;

/* A contour_write_fn: writes all of the bytes, through short writes, interruptions and a
 * non-blocking descriptor; returns nonzero (errno kept) when they cannot be written. A
 * reader that went away (EPIPE) is such an error when SIGPIPE is ignored; by default the
 * signal ends contourc first, quietly, as it does every other program in a pipeline. */
static int write_fd(void *user_data, const char *bytes, size_t len)
{
    fd_sink *sink = user_data;
    while (len > 0) {
        ssize_t n = write(sink->fd, bytes, len);
        if (n > 0) {
            bytes += n;
            len -= (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            struct pollfd p = {.fd = sink->fd, .events = POLLOUT};
            if (poll(&p, 1, -1) >= 0 || errno == EINTR)
                continue;
        }
        sink->error = n < 0 ? errno : EIO; /* write() returning 0 for len > 0: no progress */
        return 1;
    }
    return 0;
}

/* Streams the graph to standard output; a write that fails stops it at once. */
static int render(const contour_graph *graph, const options *opts)
{
    static const contour_output_format outputs[] = {
        [FMT_DEFAULT] = CONTOUR_OUTPUT_JSON,
        [FMT_JSON] = CONTOUR_OUTPUT_JSON,
        [FMT_TEXT] = CONTOUR_OUTPUT_TEXT,
        [FMT_DOT] = CONTOUR_OUTPUT_DOT,
    };
    if (fflush(stdout) != 0) /* nothing should be waiting there; if it is, it goes first */
        return EXIT_TROUBLE; /* reported by finish_output() */
    fd_sink sink = {.fd = fileno(stdout), .error = 0};
    contour_result st =
        contour_graph_write(graph, outputs[opts->format], opts->filter, write_fd, &sink);
    if (st == CONTOUR_ERR_IO) {
        fprintf(stderr, "contourc: cannot write the output: %s\n", strerror(sink.error));
        return EXIT_TROUBLE;
    }
    if (st != CONTOUR_OK) {
        fprintf(stderr, "contourc: cannot render the graph: %s\n", contour_result_str(st));
        return EXIT_TROUBLE;
    }
    return EXIT_VALID;
}

/* Flushes stdout; a write error (full disk, closed pipe) is the tool's failure. */
static int finish_output(int code)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "contourc: cannot write the output: %s\n", strerror(errno));
        return EXIT_TROUBLE;
    }
    return code;
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The source names a snapshot holds something from (objects or diagnostics), sorted and
 * unique, copied (malloc). With --per-file each is loaded again on its own: the library's
 * directory walk decides what the files are, so contourc does not repeat it. */
static char **source_files(const contour_snapshot *s, size_t *count)
{
    size_t n = contour_snapshot_diagnostic_count(s);
    for (int k = 1; k <= (int)contour_kind_count(); k++)
        n += contour_snapshot_object_count(s, (contour_kind)k);
    char **names = calloc(n ? n : 1, sizeof *names);
    if (!names)
        return NULL;
    size_t c = 0;
    bool ok = true;
    for (int k = 1; ok && k <= (int)contour_kind_count(); k++)
        for (size_t i = 0; ok && i < contour_snapshot_object_count(s, (contour_kind)k); i++)
            ok = (names[c++] = strdup(contour_object_file(
                      contour_snapshot_object_at(s, (contour_kind)k, i)))) != NULL;
    for (size_t i = 0; ok && i < contour_snapshot_diagnostic_count(s); i++)
        ok = (names[c++] = strdup(contour_diagnostic_file(contour_snapshot_diagnostic_at(s, i)))) !=
             NULL;
    if (ok && c)
        qsort(names, c, sizeof *names, cmp_name);
    size_t out = 0;
    for (size_t i = 0; i < c; i++) {
        if (ok && names[i] && (!out || strcmp(names[out - 1], names[i]) != 0))
            names[out++] = names[i];
        else
            free(names[i]);
    }
    if (!ok) {
        for (size_t i = 0; i < out; i++)
            free(names[i]);
        free(names);
        return NULL;
    }
    *count = out;
    return names;
}

static void free_units(check_unit *units, size_t count)
{
    for (size_t i = 0; units && i < count; i++) {
        contour_graph_free(units[i].graph);
        contour_snapshot_free(units[i].snapshot);
    }
    free(units);
}

/* Loads (and resolves) what check and graph look at: one unit of every PATH, or with
 * --per-file one unit per file. Returns CONTOUR_OK, CONTOUR_ERR_IO (reported; what could be
 * read is in the units) or another failure (printed). */
static contour_result load_units(const options *opts, const contour_config *config, input *in,
                                 check_unit **units_out, size_t *count_out)
{
    *units_out = NULL;
    *count_out = 0;
    contour_snapshot *all = NULL;
    if (contour_snapshot_new(&all, config) != CONTOUR_OK) {
        fputs("contourc: out of memory\n", stderr);
        return CONTOUR_ERR_NOMEM;
    }
    contour_result loaded = load_paths(all, opts->paths, opts->path_count, in, config);
    if (loaded != CONTOUR_OK && loaded != CONTOUR_ERR_IO) {
        contour_snapshot_free(all);
        return loaded;
    }
    char **files = NULL;
    size_t file_count = 1;
    if (opts->per_file && !(files = source_files(all, &file_count))) {
        contour_snapshot_free(all);
        fputs("contourc: out of memory\n", stderr);
        return CONTOUR_ERR_NOMEM;
    }
    check_unit *units = calloc(file_count ? file_count : 1, sizeof *units);
    contour_result st = units ? CONTOUR_OK : CONTOUR_ERR_NOMEM;
    size_t count = 0;
    for (size_t i = 0; st == CONTOUR_OK && i < file_count; i++) {
        check_unit *u = &units[count++];
        if (!opts->per_file) {
            u->snapshot = all;
            all = NULL;
        } else if (contour_snapshot_new(&u->snapshot, config) != CONTOUR_OK) {
            st = CONTOUR_ERR_NOMEM;
            break;
        } else {
            const char *path = in->stdin_read && strcmp(files[i], stdin_name) == 0 ? "-" : files[i];
            st = load_paths(u->snapshot, &path, 1, in, config);
            if (st == CONTOUR_ERR_IO) /* reported by the first load too */
                st = CONTOUR_OK;
            if (st != CONTOUR_OK)
                break;
        }
        st = contour_resolve(&u->graph, u->snapshot, config);
        if (st != CONTOUR_OK)
            fprintf(stderr, "contourc: cannot resolve: %s\n", contour_result_str(st));
    }
    if (st == CONTOUR_ERR_NOMEM && units)
        fputs("contourc: out of memory\n", stderr);
    for (size_t i = 0; files && i < file_count; i++)
        free(files[i]);
    free(files);
    contour_snapshot_free(all);
    if (st != CONTOUR_OK) {
        free_units(units, count);
        return st;
    }
    *units_out = units;
    *count_out = count;
    return loaded;
}

/* ---- contourc admit (docs/cli.md, "contourc admit") ---- */

/* Reads a whole file, or stdin for "-", up to `max` bytes (one more is read, so that an
 * oversized review is refused by the library with its own message). malloc'd. */
static char *admit_read(const char *path, size_t max, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf)
            break;
        if (n == cap) {
            char *p = cap > max ? NULL : realloc(buf, cap * 2);
            if (!p) {
                if (cap <= max) { /* out of memory, not the size cap */
                    free(buf);
                    buf = NULL;
                }
                break;
            }
            buf = p;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (buf && ferror(f)) {
        free(buf);
        buf = NULL;
    }
    if (f != stdin)
        fclose(f);
    *len = n;
    return buf;
}

/*
 * contourc admit [options] --cluster PATH... REVIEW.json: prints the AdmissionReview
 * response the webhook server (examples/admission-webhook) would give, from the same
 * library calls. Exit 0 allowed, 1 denied, 2 a malformed review, a review that could not
 * be made, bad usage or unreadable input (the reason on stderr, as the server's 400/500).
 */
static int cmd_admit(int argc, char **argv)
{
    static const char admit_usage[] =
        "usage: contourc admit [--root-namespaces NS,...] [--ingress-class NAME]\n"
        "                      [--policy FINDING=allow|warn|deny]... --cluster PATH... REVIEW\n";
    int code = EXIT_TROUBLE;
    contour_config *config = NULL;
    contour_policy *policy = NULL;
    contour_snapshot *cluster = NULL;
    contour_graph *graph = NULL;
    contour_admission_request *req = NULL;
    contour_buffer *out = NULL;
    char *review = NULL;
    const char **paths = calloc((size_t)argc + 1, sizeof *paths);
    size_t npaths = 0;
    bool cluster_given = false;
    if (!paths || contour_config_new(&config) != CONTOUR_OK ||
        contour_policy_new(&policy) != CONTOUR_OK) {
        fputs("contourc: out of memory\n", stderr);
        goto done;
    }
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i], *eq = strchr(arg, '=');
        size_t nl = eq ? (size_t)(eq - arg) : strlen(arg);
        if (arg[0] != '-' || strcmp(arg, "-") == 0) {
            paths[npaths++] = arg;
            continue;
        }
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            fputs(admit_usage, stdout);
            code = EXIT_VALID;
            goto done;
        }
        const char *v = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
        if (!v) {
            fprintf(stderr, "contourc: admit: option '%.*s' needs a value\n%s", (int)nl, arg,
                    admit_usage);
            goto done;
        }
        contour_result st = CONTOUR_OK;
        if (nl == 9 && strncmp(arg, "--cluster", nl) == 0) {
            cluster_given = true;
            paths[npaths++] = v;
        } else if (nl == 17 && strncmp(arg, "--root-namespaces", nl) == 0) {
            st = add_root_namespaces(config, v);
        } else if (nl == 15 && strncmp(arg, "--ingress-class", nl) == 0) {
            st = contour_config_set_ingress_class(config, v, strlen(v));
        } else if (nl == 8 && strncmp(arg, "--policy", nl) == 0) {
            static const char *const actions[] = {"allow", "warn", "deny"};
            const char *sep = strchr(v, '=');
            st = CONTOUR_ERR_INVALID;
            for (size_t f = 0; sep && f < contour_finding_count(); f++) {
                const char *name = contour_finding_name((contour_finding)f);
                for (size_t a = 0; a < 3; a++) {
                    if (strlen(name) == (size_t)(sep - v) && strncmp(name, v, strlen(name)) == 0 &&
                        strcmp(sep + 1, actions[a]) == 0)
                        st = contour_policy_set_action(policy, (contour_finding)f,
                                                       (contour_policy_action)a);
                }
            }
        } else {
            fprintf(stderr, "contourc: admit: unknown option '%s'\n%s", arg, admit_usage);
            goto done;
        }
        if (st != CONTOUR_OK) {
            fprintf(stderr, "contourc: admit: invalid value '%s' for %.*s\n", v, (int)nl, arg);
            goto done;
        }
    }
    if (!cluster_given || npaths < 2) {
        fprintf(stderr, "contourc: admit: %s\n%s",
                cluster_given ? "no REVIEW given" : "no --cluster given", admit_usage);
        goto done;
    }
    /* The last PATH is the review; every other one is part of the cluster. */
    const char *review_path = paths[--npaths];
    if (contour_snapshot_new(&cluster, config) != CONTOUR_OK) {
        fputs("contourc: out of memory\n", stderr);
        goto done;
    }
    for (size_t i = 0; i < npaths; i++) {
        contour_result st = contour_snapshot_load_path(cluster, paths[i], CONTOUR_FORMAT_AUTO);
        if (st != CONTOUR_OK && st != CONTOUR_ERR_LIMIT) {
            fputs("contourc: admit: ", stderr);
            put_esc(stderr, paths[i], CONTOUR_ESCAPE_TEXT);
            fprintf(stderr, ": %s\n", contour_result_str(st));
            goto done;
        }
    }
    contour_result st = contour_resolve(&graph, cluster, NULL);
    if (st != CONTOUR_OK) {
        fprintf(stderr, "contourc: cannot resolve: %s\n", contour_result_str(st));
        goto done;
    }
    size_t len = 0;
    review = admit_read(review_path, CONTOUR_ADMISSION_MAX_REQUEST_BYTES, &len);
    if (!review) {
        fputs("contourc: admit: cannot read ", stderr);
        put_esc(stderr, review_path, CONTOUR_ESCAPE_TEXT);
        fprintf(stderr, ": %s\n", strerror(errno));
        goto done;
    }
    /* Two steps, as the server: a malformed review (400) is told from one that could not
     * be reviewed (500). */
    st = contour_admission_request_parse(&req, &out, cluster, review, len);
    if (st == CONTOUR_OK) {
        st = contour_admission_request_answer(&out, req, cluster, graph, policy);
        if (st == CONTOUR_OK) {
            fwrite(contour_buffer_data(out), 1, contour_buffer_size(out), stdout);
            fputc('\n', stdout);
            code = finish_output(
                strstr(contour_buffer_data(out), "\"allowed\":false") ? EXIT_PROBLEMS : EXIT_VALID);
            goto done;
        }
    }
    if (st == CONTOUR_ERR_NOMEM) {
        fputs("contourc: out of memory\n", stderr);
    } else {
        fprintf(stderr, "contourc: admit: %s: ", req ? "cannot review" : "malformed review");
        put_esc(stderr, contour_buffer_data(out), CONTOUR_ESCAPE_TEXT);
        fputc('\n', stderr);
    }

done:
    contour_buffer_free(out);
    contour_admission_request_free(req);
    free(review);
    contour_graph_free(graph);
    contour_snapshot_free(cluster);
    contour_policy_free(policy);
    contour_config_free(config);
    free(paths);
    return code;
}

/* ---- contourc diff ---- */

/* Loads and resolves one side of a diff. Returns an exit code, or -1 on success. */
static int diff_side(const options *opts, const contour_config *config, const char *const *paths,
                     size_t count, contour_snapshot **s, contour_graph **g)
{
    input none = {0};
    if (contour_snapshot_new(s, config) != CONTOUR_OK) {
        fputs("contourc: out of memory\n", stderr);
        return EXIT_TROUBLE;
    }
    contour_result st = load_paths(*s, paths, count, &none, config);
    if (st == CONTOUR_OK)
        st = contour_resolve(g, *s, config);
    else if (st == CONTOUR_ERR_IO) {
        /* No diff of partial input: say what could not be read. */
        check_report r = {.fail_on = FAIL_ON_INVALID};
        for (size_t i = 0; i < contour_snapshot_diagnostic_count(*s); i++) {
            const contour_diagnostic *d = contour_snapshot_diagnostic_at(*s, i);
            if (contour_diagnostic_severity(d) == CONTOUR_SEVERITY_ERROR &&
                strcmp(contour_diagnostic_code(d), "io-error") == 0)
                print_diagnostic(stderr, &r, d);
        }
        return EXIT_TROUBLE;
    }
    (void)opts;
    if (st != CONTOUR_OK) {
        fprintf(stderr, "contourc: cannot resolve: %s\n", contour_result_str(st));
        return EXIT_TROUBLE;
    }
    return -1;
}

static int cmd_diff(const options *opts, const contour_config *config)
{
    contour_snapshot *sa = NULL, *sb = NULL;
    contour_graph *ga = NULL, *gb = NULL;
    contour_diff *d = NULL;
    int code = diff_side(opts, config, opts->paths, opts->old_count, &sa, &ga);
    if (code < 0)
        code = diff_side(opts, config, opts->paths + opts->old_count,
                         opts->path_count - opts->old_count, &sb, &gb);
    if (code < 0) {
        contour_result st = contour_diff_graphs(&d, ga, gb);
        if (st == CONTOUR_OK && fflush(stdout) == 0) {
            fd_sink sink = {.fd = fileno(stdout), .error = 0};
            st = contour_diff_write(
                d, opts->format == FMT_JSON ? CONTOUR_OUTPUT_JSON : CONTOUR_OUTPUT_TEXT, write_fd,
                &sink);
            if (st == CONTOUR_ERR_IO)
                fprintf(stderr, "contourc: cannot write the output: %s\n", strerror(sink.error));
            else if (st != CONTOUR_OK)
                fprintf(stderr, "contourc: cannot compare: %s\n", contour_result_str(st));
        } else if (st != CONTOUR_OK) {
            fprintf(stderr, "contourc: cannot compare: %s\n", contour_result_str(st));
        }
        code = st != CONTOUR_OK           ? EXIT_TROUBLE
               : contour_diff_is_empty(d) ? EXIT_VALID
                                          : EXIT_PROBLEMS;
    }
    contour_diff_free(d);
    contour_graph_free(ga);
    contour_graph_free(gb);
    contour_snapshot_free(sa);
    contour_snapshot_free(sb);
    return code;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "admit") == 0)
        return cmd_admit(argc - 1, argv + 1);
    int code = EXIT_TROUBLE;
    contour_config *config = NULL;
    check_unit *units = NULL;
    size_t unit_count = 0;
    input in = {0};
    options opts = {.cmd = CMD_NONE,
                    .format = FMT_DEFAULT,
                    .http_port = 80,
                    .https_port = 443,
                    .fail_on = FAIL_ON_INVALID,
                    .color = COLOR_AUTO};
    opts.paths = calloc(argc > 0 ? (size_t)argc : 1, sizeof *opts.paths);

    if (!opts.paths || contour_config_new(&config) != CONTOUR_OK) {
        fputs("contourc: out of memory\n", stderr);
        goto done;
    }
    contour_config_set_threads(config, 0); /* the machine's CPUs, unless --threads says */
    code = parse_args(argc, argv, &opts, config);
    if (code >= 0)
        goto done;
    if (opts.help) {
        fputs(usage_text, stdout);
        fputs(help_text, stdout);
        code = finish_output(EXIT_VALID);
        goto done;
    }
    if (opts.version) {
        printf("contourc %s\n", contour_version_string());
        code = finish_output(EXIT_VALID);
        goto done;
    }

    if (opts.cmd == CMD_DIFF) {
        code = finish_output(cmd_diff(&opts, config));
        goto done;
    }
    code = EXIT_TROUBLE;
    contour_result loaded = load_units(&opts, config, &in, &units, &unit_count);
    if (loaded != CONTOUR_OK && loaded != CONTOUR_ERR_IO)
        goto done;

    if (opts.cmd == CMD_CHECK) {
        code = report(&opts, units, unit_count);
    } else if (loaded == CONTOUR_ERR_IO) {
        /* No graph of partial input: say what could not be read. */
        check_report r = {.fail_on = FAIL_ON_INVALID};
        const contour_graph *g = units[0].graph;
        for (size_t i = 0; i < contour_graph_diagnostic_count(g); i++) {
            const contour_diagnostic *d = contour_graph_diagnostic_at(g, i);
            if (contour_diagnostic_severity(d) == CONTOUR_SEVERITY_ERROR)
                print_diagnostic(stderr, &r, d);
        }
    } else {
        code = render(units[0].graph, &opts);
    }
    code = finish_output(code);
    if (loaded == CONTOUR_ERR_IO || out_of_memory)
        code = EXIT_TROUBLE;

done:
    free_units(units, unit_count);
    contour_graph_filter_free(opts.filter);
    contour_config_free(config);
    free(in.stdin_data);
    free(opts.paths);
    return code;
}
