/* contourc: check IngressRoute manifests and print their route graph (docs/cli.md).
 *
 *   contourc check [options] PATH...
 *   contourc graph [options] [--format json|text|dot] PATH...
 *
 * Exit codes: 0 all valid and no error diagnostics; 1 (check only) an object invalid or
 * orphaned, or an error diagnostic; 2 bad usage, unreadable input, or a failure of the
 * tool itself (out of memory, cannot write the output).
 *
 * Uses the public API only. Every path out of main() goes through one cleanup, so nothing
 * is held when the process ends. */
#include <contour/contour.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    EXIT_VALID = 0,
    EXIT_PROBLEMS = 1,
    EXIT_TROUBLE = 2, /* usage, I/O, out of memory */
};

typedef enum command { CMD_NONE, CMD_CHECK, CMD_GRAPH } command;

typedef struct options {
    command cmd;
    contour_output_format format;
    bool format_given;
    const char **paths; /* borrowed from argv */
    size_t path_count;
    uint32_t http_port;
    uint32_t https_port;
    bool help;
    bool version;
} options;

static const char usage_text[] =
    "usage: contourc check [options] PATH...\n"
    "       contourc graph [options] [--format json|text|dot] PATH...\n"
    "       contourc --help | --version\n";

static const char help_text[] =
    "\n"
    "Load Kubernetes manifests (IngressRoute, Ingress, TLSCertificateDelegation, Service,\n"
    "Secret) and resolve them as Contour would.\n"
    "\n"
    "commands:\n"
    "  check   report diagnostics and every IngressRoute that is not valid\n"
    "  graph   print the route graph\n"
    "\n"
    "options:\n"
    "  --root-namespaces NS[,NS...]  namespaces where root IngressRoutes may live\n"
    "                                (default: any; repeatable)\n"
    "  --ingress-class NAME          ingress class to serve (default: contour)\n"
    "  --http-port N                 port of the insecure listener (default: 80)\n"
    "  --https-port N                port of the secure listener (default: 443)\n"
    "  --default-namespace NS        namespace of objects without one (default: default)\n"
    "  --format FORMAT               graph only: json (default), text or dot\n"
    "  -h, --help                    print this help and exit\n"
    "  --version                     print the version and exit\n"
    "\n"
    "PATH is a file, a directory (its *.yaml, *.yml and *.json files, recursively) or -\n"
    "for standard input. Options may also be written --name=value.\n"
    "\n"
    "exit status: 0 everything valid; 1 (check) an IngressRoute invalid or orphaned, or an\n"
    "error diagnostic; 2 bad usage or unreadable input.\n";

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

/* Writes s to f with control characters (C0, DEL, C1) and bidirectional overrides escaped,
 * so that names and messages from the input cannot move the cursor, forge lines or reorder
 * text on a terminal. */
static void put_safe(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    for (; *p; p++) {
        unsigned char c = *p;
        if (c == '\n')
            fputs("\\n", f);
        else if (c == '\t')
            fputs("\\t", f);
        else if (c < 0x20 || c == 0x7F)
            fprintf(f, "\\x%02x", c);
        else if (c == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) /* U+0080..U+009F */
            fprintf(f, "\\u%04x", (unsigned)*++p);
        else if (c == 0xE2 && ((p[1] == 0x80 && p[2] >= 0xAA && p[2] <= 0xAE) ||
                               (p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9))) {
            /* Bidirectional overrides and isolates (U+202A..E, U+2066..9). */
            fprintf(f, "\\u%04x", 0x2000u | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu));
            p += 2;
        } else
            fputc(c, f);
    }
}

static bool parse_port(const char *s, uint32_t *out)
{
    if (!*s || strlen(s) > 5)
        return false;
    uint32_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (uint32_t)(*p - '0');
    }
    if (v < 1 || v > 65535)
        return false;
    *out = v;
    return true;
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

/* Parses argv into opts and config. Returns -1 to go on, or an exit code. */
static int parse_args(int argc, char **argv, options *opts, contour_config *config)
{
    static const char *const valued[] = {"--root-namespaces", "--ingress-class",     "--http-port",
                                         "--https-port",      "--default-namespace", "--format"};
    bool options_done = false;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (options_done || arg[0] != '-' || strcmp(arg, "-") == 0) {
            if (opts->cmd == CMD_NONE) {
                if (strcmp(arg, "check") == 0)
                    opts->cmd = CMD_CHECK;
                else if (strcmp(arg, "graph") == 0)
                    opts->cmd = CMD_GRAPH;
                else
                    return usage_error("unknown command '%s'", arg);
                continue;
            }
            opts->paths[opts->path_count++] = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            options_done = true;
            continue;
        }
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            opts->help = true;
            continue;
        }
        if (strcmp(arg, "--version") == 0) {
            opts->version = true;
            continue;
        }

        size_t which = sizeof valued / sizeof valued[0];
        size_t name_len = 0;
        for (size_t k = 0; k < sizeof valued / sizeof valued[0]; k++) {
            size_t n = strlen(valued[k]);
            if (strncmp(arg, valued[k], n) == 0 && (arg[n] == '\0' || arg[n] == '=')) {
                which = k;
                name_len = n;
                break;
            }
        }
        if (which == sizeof valued / sizeof valued[0])
            return usage_error("unknown option '%s'", arg);
        const char *value = option_value(argc, argv, &i, arg, name_len);
        if (!value)
            return usage_error("option '%s' needs a value", valued[which]);

        contour_result st = CONTOUR_OK;
        switch (which) {
        case 0:
            st = add_root_namespaces(config, value);
            break;
        case 1:
            st = contour_config_set_ingress_class(config, value, strlen(value));
            break;
        case 2:
            if (!parse_port(value, &opts->http_port))
                return usage_error("--http-port: '%s' is not a port number (1-65535)", value);
            break;
        case 3:
            if (!parse_port(value, &opts->https_port))
                return usage_error("--https-port: '%s' is not a port number (1-65535)", value);
            break;
        case 4:
            st = contour_config_set_default_namespace(config, value, strlen(value));
            if (st == CONTOUR_ERR_INVALID)
                return usage_error("--default-namespace: '%s' is not a namespace", value);
            break;
        case 5:
            if (strcmp(value, "json") == 0)
                opts->format = CONTOUR_OUTPUT_JSON;
            else if (strcmp(value, "text") == 0)
                opts->format = CONTOUR_OUTPUT_TEXT;
            else if (strcmp(value, "dot") == 0)
                opts->format = CONTOUR_OUTPUT_DOT;
            else
                return usage_error("--format: unknown format '%s' (json, text or dot)", value);
            opts->format_given = true;
            break;
        }
        if (st == CONTOUR_ERR_NOMEM) {
            fputs("contourc: out of memory\n", stderr);
            return EXIT_TROUBLE;
        }
        if (st != CONTOUR_OK)
            return usage_error("invalid value '%s'", value);
    }

    if (opts->help || opts->version)
        return -1;
    if (opts->cmd == CMD_NONE)
        return usage_error("%s", "no command given");
    if (opts->format_given && opts->cmd != CMD_GRAPH)
        return usage_error("%s", "--format is an option of 'graph'");
    if (opts->path_count == 0)
        return usage_error("%s", "no PATH given");
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

/* Loads every PATH. Returns CONTOUR_OK, CONTOUR_ERR_IO (something could not be read; what
 * could is loaded), or another failure (printed). */
static contour_result load_all(contour_snapshot *snapshot, const options *opts,
                               const contour_config *config)
{
    static const char stdin_name[] = "<stdin>";
    bool io_error = false;
    for (size_t i = 0; i < opts->path_count; i++) {
        const char *path = opts->paths[i];
        contour_result st;
        if (strcmp(path, "-") == 0) {
            char *data;
            size_t len;
            st = read_stdin(&data, &len, contour_config_limit(config, CONTOUR_LIMIT_INPUT_BYTES));
            if (st == CONTOUR_ERR_IO) {
                fprintf(stderr, "contourc: cannot read standard input: %s\n", strerror(errno));
                io_error = true;
                continue;
            }
            if (st == CONTOUR_OK) {
                st = contour_snapshot_load_buffer(snapshot, stdin_name, sizeof stdin_name - 1, data,
                                                  len, CONTOUR_FORMAT_AUTO);
                free(data);
            }
        } else {
            st = contour_snapshot_load_path(snapshot, path, CONTOUR_FORMAT_AUTO);
        }
        switch (st) {
        case CONTOUR_OK:
        case CONTOUR_ERR_LIMIT: /* an error diagnostic, like a malformed document */
            break;
        case CONTOUR_ERR_IO:
            io_error = true;
            break;
        default:
            fputs("contourc: ", stderr);
            put_safe(stderr, path);
            fprintf(stderr, ": %s\n", contour_result_str(st));
            return st;
        }
    }
    return io_error ? CONTOUR_ERR_IO : CONTOUR_OK;
}

/* "file:line:col: " (parts that are unknown left out). */
static void put_location(FILE *f, const char *file, uint32_t line, uint32_t col)
{
    if (!file || !*file)
        return;
    put_safe(f, file);
    if (line) {
        fprintf(f, ":%u", line);
        if (col)
            fprintf(f, ":%u", col);
    }
    fputs(": ", f);
}

static void put_object(FILE *f, const char *ns, const char *name)
{
    if (!name)
        return;
    fputs(" [", f);
    if (ns) {
        put_safe(f, ns);
        fputc('/', f);
    }
    put_safe(f, name);
    fputc(']', f);
}

static void print_diagnostic(FILE *f, const contour_diagnostic *d)
{
    put_location(f, contour_diagnostic_file(d), contour_diagnostic_line(d),
                 contour_diagnostic_column(d));
    fprintf(f, "%s: ", contour_severity_name(contour_diagnostic_severity(d)));
    put_safe(f, contour_diagnostic_message(d));
    put_object(f, contour_diagnostic_object_namespace(d), contour_diagnostic_object_name(d));
    fputc('\n', f);
}

static const char *plural(size_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/* The check report on stdout, the summary on stderr. Returns the exit code. */
static int report(const contour_graph *graph)
{
    for (size_t i = 0; i < contour_graph_diagnostic_count(graph); i++)
        print_diagnostic(stdout, contour_graph_diagnostic_at(graph, i));

    size_t objects = contour_graph_status_count(graph), invalid = 0, orphaned = 0;
    for (size_t i = 0; i < objects; i++) {
        const contour_status *s = contour_graph_status_at(graph, i);
        contour_state state = contour_status_state(s);
        if (state == CONTOUR_STATE_VALID)
            continue;
        invalid += state == CONTOUR_STATE_INVALID;
        orphaned += state == CONTOUR_STATE_ORPHANED;
        put_location(stdout, contour_status_file(s), contour_status_line(s),
                     contour_status_column(s));
        fprintf(stdout, "%s: ", contour_state_name(state));
        put_safe(stdout, contour_status_description(s));
        put_object(stdout, contour_status_namespace(s), contour_status_name(s));
        fputc('\n', stdout);
    }

    size_t errors = contour_graph_diagnostic_count_by_severity(graph, CONTOUR_SEVERITY_ERROR);
    size_t warnings = contour_graph_diagnostic_count_by_severity(graph, CONTOUR_SEVERITY_WARNING);
    fprintf(stderr, "%zu %s, %zu invalid, %zu orphaned, %zu %s, %zu %s\n", objects,
            plural(objects, "object", "objects"), invalid, orphaned, errors,
            plural(errors, "error", "errors"), warnings, plural(warnings, "warning", "warnings"));
    return invalid || orphaned || errors ? EXIT_PROBLEMS : EXIT_VALID;
}

static int render(const contour_graph *graph, contour_output_format format)
{
    contour_buffer *buf = NULL;
    contour_result st = contour_graph_render(&buf, graph, format);
    if (st != CONTOUR_OK) {
        fprintf(stderr, "contourc: cannot render the graph: %s\n", contour_result_str(st));
        return EXIT_TROUBLE;
    }
    size_t n = contour_buffer_size(buf);
    size_t written = fwrite(contour_buffer_data(buf), 1, n, stdout);
    contour_buffer_free(buf);
    if (written != n)
        return EXIT_TROUBLE; /* reported when stdout is closed */
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
            put_safe(stderr, paths[i]);
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
        put_safe(stderr, review_path);
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
        put_safe(stderr, contour_buffer_data(out));
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

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "admit") == 0)
        return cmd_admit(argc - 1, argv + 1);
    int code = EXIT_TROUBLE;
    contour_config *config = NULL;
    contour_snapshot *snapshot = NULL;
    contour_graph *graph = NULL;
    options opts = {
        .cmd = CMD_NONE, .format = CONTOUR_OUTPUT_JSON, .http_port = 80, .https_port = 443};
    opts.paths = calloc(argc > 0 ? (size_t)argc : 1, sizeof *opts.paths);

    if (!opts.paths || contour_config_new(&config) != CONTOUR_OK) {
        fputs("contourc: out of memory\n", stderr);
        goto done;
    }
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

    code = EXIT_TROUBLE;
    if (contour_snapshot_new(&snapshot, config) != CONTOUR_OK) {
        fputs("contourc: out of memory\n", stderr);
        goto done;
    }
    contour_result loaded = load_all(snapshot, &opts, config);
    if (loaded != CONTOUR_OK && loaded != CONTOUR_ERR_IO)
        goto done;
    contour_result st = contour_resolve(&graph, snapshot, config);
    if (st != CONTOUR_OK) {
        fprintf(stderr, "contourc: cannot resolve: %s\n", contour_result_str(st));
        goto done;
    }

    if (opts.cmd == CMD_CHECK) {
        code = report(graph);
    } else if (loaded == CONTOUR_ERR_IO) {
        /* No graph of partial input: say what could not be read. */
        for (size_t i = 0; i < contour_graph_diagnostic_count(graph); i++) {
            const contour_diagnostic *d = contour_graph_diagnostic_at(graph, i);
            if (contour_diagnostic_severity(d) == CONTOUR_SEVERITY_ERROR)
                print_diagnostic(stderr, d);
        }
    } else {
        code = render(graph, opts.format);
    }
    code = finish_output(code);
    if (loaded == CONTOUR_ERR_IO)
        code = EXIT_TROUBLE;

done:
    contour_graph_free(graph);
    contour_snapshot_free(snapshot);
    contour_config_free(config);
    free(opts.paths);
    return code;
}
