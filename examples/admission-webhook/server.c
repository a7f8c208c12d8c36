/*
 * contour-admission-webhook: a validating admission webhook for Contour's IngressRoute
 * model, on libmicrohttpd with GnuTLS (docs/admission-webhook.md).
 *
 *   contour-admission-webhook --listen 127.0.0.1:8443 --cert tls.crt --key tls.key
 *                             --cluster manifests/ [options]
 *
 * POST /validate answers AdmissionReviews (admission.k8s.io/v1), GET /healthz says
 * whether a cluster is loaded, GET /metrics is Prometheus text.
 *
 * Its view of the cluster is a directory of manifests (the GitOps source of truth),
 * reloaded when a file under it changes (polled) or on SIGHUP: a new snapshot and graph are
 * built off to the side and swapped in under a write lock, so reviews — which only read
 * them, under the read lock — never wait for a load. With --track-admitted, the objects it
 * allowed since are kept in a bounded list and applied on top after each reload.
 *
 * Requests are handled by a pool of libmicrohttpd threads (event loops: a slow client holds
 * a socket, not a thread). Abuse is bounded: a body-size limit (413), a connection limit,
 * and a deadline on each request measured from the end of the previous one (or the
 * connection's start) — libmicrohttpd's own timeout is an idle timeout, which a client
 * sending one byte a second never meets, so a reaper closes connections past it.
 *
 * SIGTERM or SIGINT: stop accepting, let the reviews in flight finish and their responses
 * go out (at most --grace seconds), exit 0. A bad certificate, key, address or cluster
 * path is refused at start with a message saying which, exit 2.
 *
 * An example program: it uses the public API only, libc malloc and pthreads.
 */
#include <contour/contour.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <gnutls/gnutls.h>
#include <limits.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define EXIT_START_FAILED 2
/* MHD renamed its constant across versions; the number is the same. */
#define HTTP_TOO_LARGE 413

/* ------------------------------------------------------------------------------------ */
/* Settings                                                                             */
/* ------------------------------------------------------------------------------------ */

typedef struct settings {
    const char *listen;
    const char *cert_file;
    const char *key_file;
    const char **cluster; /* paths, borrowed from argv */
    size_t cluster_count;
    const char *port_file;
    bool track_admitted;
    size_t track_max;
    size_t max_body;
    unsigned long long review_nodes;
    unsigned threads;
    unsigned max_connections;
    unsigned request_timeout_s;
    double poll_interval_s;
    unsigned grace_s;
    bool verbose;
} settings;

static settings cfg = {
    .track_max = 10000,
    .max_body = 3u * 1024 * 1024,
    .review_nodes = 250000,
    .threads = 4,
    .max_connections = 256,
    .request_timeout_s = 10,
    .poll_interval_s = 2,
    .grace_s = 10,
};

static const char usage_text[] =
    "usage: contour-admission-webhook --listen ADDR:PORT --cert FILE --key FILE\n"
    "                                 --cluster PATH [--cluster PATH...] [options]\n"
    "\n"
    "options:\n"
    "  --track-admitted          apply the objects allowed since the last reload on top of\n"
    "                            the cluster (at most --track-max of them)\n"
    "  --track-max N             objects kept by --track-admitted (default 10000)\n"
    "  --max-body BYTES          largest request body (default 3145728; more is a 413)\n"
    "  --max-nodes N             JSON values in one request at most (default 250000)\n"
    "  --threads N               request threads (default 4)\n"
    "  --max-connections N       open connections at most (default 256)\n"
    "  --request-timeout S       seconds a connection has for each request, from the end\n"
    "                            of the previous one or its start (default 10)\n"
    "  --poll-interval S         seconds between checks of the cluster files (default 2;\n"
    "                            0: reload on SIGHUP only)\n"
    "  --grace S                 seconds SIGTERM waits for reviews in flight (default 10)\n"
    "  --policy FINDING=ACTION   what a finding does: allow, warn or deny (repeatable;\n"
    "                            findings: invalid, orphaned, breaks-others, drops-routes,\n"
    "                            takes-routes, drops-tls, warnings)\n"
    "  --root-namespaces NS,...  namespaces where root IngressRoutes may live\n"
    "  --ingress-class NAME      ingress class served (default contour)\n"
    "  --port-file PATH          write the port listened on (useful with port 0)\n"
    "  --verbose                 log every review\n";

static void logmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logmsg(const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    /* One write per line, so lines from several threads do not interleave. */
    fprintf(stderr, "contour-admission-webhook: %s\n", line);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------------------------------ */
/* Metrics                                                                              */
/* ------------------------------------------------------------------------------------ */

static const double latency_bounds[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                        0.05,   0.1,   0.25,   0.5,   1,    2.5};
#define LATENCY_BUCKETS (sizeof latency_bounds / sizeof *latency_bounds)

static struct metrics {
    atomic_ulong allowed, denied, review_failed; /* reviews answered, by outcome */
    atomic_ulong malformed, too_large, internal; /* requests refused, by reason */
    atomic_ulong not_found;
    atomic_ulong latency_count[LATENCY_BUCKETS + 1]; /* per bucket, not cumulative */
    atomic_ulong latency_sum_us;
    atomic_ulong reloads_ok, reloads_failed, reaped;
    atomic_long in_flight;
    atomic_long connections;
} metrics;

static void observe_latency(double seconds)
{
    size_t i = 0;
    while (i < LATENCY_BUCKETS && seconds > latency_bounds[i])
        i++;
    atomic_fetch_add(&metrics.latency_count[i], 1);
    atomic_fetch_add(&metrics.latency_sum_us, (unsigned long)(seconds * 1e6));
}

/* ------------------------------------------------------------------------------------ */
/* The cluster                                                                          */
/* ------------------------------------------------------------------------------------ */

typedef struct cluster {
    contour_snapshot *snapshot;
    contour_graph *graph;
    size_t objects;
} cluster;

static contour_config *config; /* loading and resolving settings */
static contour_policy *policy;
static contour_snapshot *parser; /* an empty snapshot: the limits requests are read with */
static cluster *current;         /* under `cluster_lock` */
static pthread_rwlock_t cluster_lock;

/* An object allowed since: applied on top of the directory after each reload. */
typedef struct admitted {
    contour_kind kind;
    char *ns, *name;
    char *object; /* JSON; NULL for a deletion */
    size_t len;
} admitted;

static struct {
    pthread_mutex_t lock;
    admitted *items; /* oldest first */
    size_t count;
} tracked = {PTHREAD_MUTEX_INITIALIZER, NULL, 0};

static void admitted_free(admitted *a)
{
    free(a->ns);
    free(a->name);
    free(a->object);
}

static void cluster_free(cluster *c)
{
    if (!c)
        return;
    contour_graph_free(c->graph);
    contour_snapshot_free(c->snapshot);
    free(c);
}

/* Applies the tracked objects to a snapshot being built (the caller holds tracked.lock). */
static contour_result apply_tracked(contour_snapshot *s)
{
    for (size_t i = 0; i < tracked.count; i++) {
        const admitted *a = &tracked.items[i];
        contour_result st =
            contour_snapshot_remove(s, a->kind, a->ns, strlen(a->ns), a->name, strlen(a->name));
        if (st != CONTOUR_OK && st != CONTOUR_ERR_NOT_FOUND)
            return st;
        if (!a->object)
            continue;
        char name[600];
        int n = snprintf(name, sizeof name, "<admitted %s %s/%s>", contour_kind_name(a->kind),
                         a->ns, a->name);
        size_t name_len = n < 0 ? 0 : (size_t)n >= sizeof name ? sizeof name - 1 : (size_t)n;
        st =
            contour_snapshot_load_buffer(s, name, name_len, a->object, a->len, CONTOUR_FORMAT_JSON);
        if (st != CONTOUR_OK)
            return st;
    }
    return CONTOUR_OK;
}

/* Loads the cluster paths (and the tracked objects) into a new snapshot and resolves it.
 * NULL when a path cannot be read or memory runs out; *why says which. */
static cluster *load_cluster(const char **why)
{
    cluster *c = calloc(1, sizeof *c);
    *why = "out of memory";
    if (!c || contour_snapshot_new(&c->snapshot, config) != CONTOUR_OK) {
        cluster_free(c);
        return NULL;
    }
    for (size_t i = 0; i < cfg.cluster_count; i++) {
        contour_result st =
            contour_snapshot_load_path(c->snapshot, cfg.cluster[i], CONTOUR_FORMAT_AUTO);
        if (st == CONTOUR_ERR_IO) {
            /* A partial cluster would make reviews believe objects were deleted. */
            *why = "a file or directory could not be read";
            for (size_t k = 0; k < contour_snapshot_diagnostic_count(c->snapshot); k++) {
                const contour_diagnostic *d = contour_snapshot_diagnostic_at(c->snapshot, k);
                if (strcmp(contour_diagnostic_code(d), "io-error") == 0) {
                    logmsg("%s: %s", contour_diagnostic_file(d), contour_diagnostic_message(d));
                    break;
                }
            }
            cluster_free(c);
            return NULL;
        }
        if (st != CONTOUR_OK && st != CONTOUR_ERR_LIMIT) {
            *why = contour_result_str(st);
            cluster_free(c);
            return NULL;
        }
    }
    pthread_mutex_lock(&tracked.lock);
    contour_result st = apply_tracked(c->snapshot);
    pthread_mutex_unlock(&tracked.lock);
    if (st == CONTOUR_OK)
        st = contour_resolve(&c->graph, c->snapshot, NULL);
    if (st != CONTOUR_OK) {
        *why = contour_result_str(st);
        cluster_free(c);
        return NULL;
    }
    for (size_t k = 1; k <= contour_kind_count(); k++)
        c->objects += contour_snapshot_object_count(c->snapshot, (contour_kind)k);
    return c;
}

/* Swaps a new cluster in; the old one is freed once no review reads it. */
static void install_cluster(cluster *c)
{
    pthread_rwlock_wrlock(&cluster_lock);
    cluster *old = current;
    current = c;
    pthread_rwlock_unlock(&cluster_lock);
    cluster_free(old);
}

/* Records an allowed change (not a dry run) for --track-admitted. */
static void track(const contour_admission_request *r)
{
    contour_kind kind = contour_admission_request_kind(r);
    const char *ns = contour_admission_request_namespace(r);
    const char *name = contour_admission_request_name(r);
    bool deletion = contour_admission_request_operation(r) == CONTOUR_OPERATION_DELETE;
    admitted a = {kind, strdup(ns), strdup(name), NULL, 0};
    if (!deletion) {
        a.len = contour_admission_request_object_size(r);
        a.object = malloc(a.len + 1);
        if (a.object)
            memcpy(a.object, contour_admission_request_object(r), a.len + 1);
    }
    if (!a.ns || !a.name || (!deletion && !a.object)) {
        admitted_free(&a);
        logmsg("out of memory: an admitted object is not tracked");
        return;
    }
    pthread_mutex_lock(&tracked.lock);
    /* One entry per object: the latest change replaces an earlier one. */
    for (size_t i = 0; i < tracked.count; i++) {
        admitted *t = &tracked.items[i];
        if (t->kind == kind && strcmp(t->ns, ns) == 0 && strcmp(t->name, name) == 0) {
            admitted_free(t);
            memmove(t, t + 1, (tracked.count - i - 1) * sizeof *t);
            tracked.count--;
            break;
        }
    }
    if (tracked.count == cfg.track_max) {
        admitted_free(&tracked.items[0]); /* bounded: the oldest goes */
        memmove(tracked.items, tracked.items + 1, (tracked.count - 1) * sizeof *tracked.items);
        tracked.count--;
    }
    tracked.items[tracked.count++] = a;
    pthread_mutex_unlock(&tracked.lock);
}

/* ------------------------------------------------------------------------------------ */
/* The reloader: polls the cluster paths and rebuilds on a change, a SIGHUP or an admitted */
/* object                                                                               */
/* ------------------------------------------------------------------------------------ */

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool requested;
    bool stop;
} reload = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, false};

static void request_reload(void)
{
    pthread_mutex_lock(&reload.lock);
    reload.requested = true;
    pthread_cond_signal(&reload.wake);
    pthread_mutex_unlock(&reload.lock);
}

/* FNV-1a over what a change to the files changes: path, size, mtime. */
static void hash_bytes(uint64_t *h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        *h ^= b[i];
        *h *= 0x100000001b3ull;
    }
}

/* Walks a path as contour_snapshot_load_path() would (recursively, skipping names that
 * start with '.'), with an explicit stack of open directories: no recursion. */
static void hash_tree(uint64_t *h, const char *root)
{
    struct frame {
        DIR *dir;
        size_t len;
    } stack[64];
    size_t depth = 0;
    char path[PATH_MAX];
    size_t len = strlen(root);
    if (len >= sizeof path)
        return;
    memcpy(path, root, len + 1);
    struct stat st;
    if (stat(path, &st) != 0) {
        hash_bytes(h, "missing", 7);
        return;
    }
    hash_bytes(h, &st.st_mtim, sizeof st.st_mtim);
    hash_bytes(h, &st.st_size, sizeof st.st_size);
    if (!S_ISDIR(st.st_mode))
        return;
    stack[depth].dir = opendir(path);
    stack[depth].len = len;
    if (!stack[depth].dir)
        return;
    depth++;
    while (depth > 0) {
        struct frame *f = &stack[depth - 1];
        struct dirent *e = readdir(f->dir);
        if (!e) {
            closedir(f->dir);
            depth--;
            continue;
        }
        if (e->d_name[0] == '.')
            continue;
        size_t n = strlen(e->d_name);
        if (f->len + 1 + n >= sizeof path)
            continue;
        path[f->len] = '/';
        memcpy(path + f->len + 1, e->d_name, n + 1);
        if (lstat(path, &st) != 0)
            continue;
        hash_bytes(h, path, f->len + 1 + n);
        hash_bytes(h, &st.st_mtim, sizeof st.st_mtim);
        hash_bytes(h, &st.st_size, sizeof st.st_size);
        if (S_ISDIR(st.st_mode) && depth < sizeof stack / sizeof *stack) {
            DIR *d = opendir(path);
            if (d) {
                stack[depth].dir = d;
                stack[depth].len = f->len + 1 + n;
                depth++;
            }
        }
    }
}

static uint64_t cluster_signature(void)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < cfg.cluster_count; i++)
        hash_tree(&h, cfg.cluster[i]);
    return h;
}

static void *reloader(void *arg)
{
    uint64_t signature = *(uint64_t *)arg;
    for (;;) {
        pthread_mutex_lock(&reload.lock);
        if (!reload.requested && !reload.stop) {
            if (cfg.poll_interval_s > 0) {
                struct timespec until;
                clock_gettime(CLOCK_REALTIME, &until);
                double t = (double)until.tv_sec + (double)until.tv_nsec / 1e9 + cfg.poll_interval_s;
                until.tv_sec = (time_t)t;
                until.tv_nsec = (long)((t - (double)until.tv_sec) * 1e9);
                pthread_cond_timedwait(&reload.wake, &reload.lock, &until);
            } else {
                pthread_cond_wait(&reload.wake, &reload.lock);
            }
        }
        bool stop = reload.stop, requested = reload.requested;
        reload.requested = false;
        pthread_mutex_unlock(&reload.lock);
        if (stop)
            return NULL;
        uint64_t now = cluster_signature();
        if (!requested && now == signature)
            continue;
        double t0 = now_s();
        const char *why;
        cluster *c = load_cluster(&why);
        if (!c) {
            atomic_fetch_add(&metrics.reloads_failed, 1);
            logmsg("reload failed (%s); still serving the previous cluster", why);
            continue; /* retried at the next poll: the signature is not updated */
        }
        signature = now;
        size_t objects = c->objects;
        install_cluster(c);
        atomic_fetch_add(&metrics.reloads_ok, 1);
        logmsg("reloaded: %zu objects in %.3f s", objects, now_s() - t0);
    }
}

/* ------------------------------------------------------------------------------------ */
/* Connections: the deadline on each request                                           */
/* ------------------------------------------------------------------------------------ */

typedef struct conn {
    struct conn *prev, *next;
    int fd;
    double window_start; /* connection start, or the end of its previous request */
    bool reviewing;      /* inside a review: never cut */
    bool reaped;
} conn;

static struct {
    pthread_mutex_t lock;
    conn head; /* circular list */
} conns = {PTHREAD_MUTEX_INITIALIZER, {&conns.head, &conns.head, -1, 0, false, false}};

static void on_connection(void *cls, struct MHD_Connection *connection, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    (void)cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        conn *c = calloc(1, sizeof *c);
        const union MHD_ConnectionInfo *info =
            MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
        if (!c)
            return; /* not reaped: MHD's idle timeout still applies */
        c->fd = info ? info->connect_fd : -1;
        c->window_start = now_s();
        pthread_mutex_lock(&conns.lock);
        c->next = conns.head.next;
        c->prev = &conns.head;
        c->next->prev = c;
        conns.head.next = c;
        pthread_mutex_unlock(&conns.lock);
        *socket_context = c;
        atomic_fetch_add(&metrics.connections, 1);
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        conn *c = *socket_context;
        if (!c)
            return;
        /* Under the lock: the reaper never touches an fd after this (MHD closes it next). */
        pthread_mutex_lock(&conns.lock);
        c->prev->next = c->next;
        c->next->prev = c->prev;
        pthread_mutex_unlock(&conns.lock);
        free(c);
        *socket_context = NULL;
        atomic_fetch_sub(&metrics.connections, 1);
    }
}

static conn *conn_of(struct MHD_Connection *connection)
{
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return info ? info->socket_context : NULL;
}

static void set_reviewing(struct MHD_Connection *connection, bool on)
{
    conn *c = conn_of(connection);
    if (!c)
        return;
    pthread_mutex_lock(&conns.lock);
    c->reviewing = on;
    if (!on)
        c->window_start = now_s(); /* the review's own time is not the client's */
    pthread_mutex_unlock(&conns.lock);
}

/* Shuts down the sockets of connections past their deadline; libmicrohttpd then sees the
 * connection fail and closes it. */
static void reap(void)
{
    double t = now_s();
    pthread_mutex_lock(&conns.lock);
    for (conn *c = conns.head.next; c != &conns.head; c = c->next) {
        if (c->reviewing || c->reaped || c->fd < 0 || t - c->window_start <= cfg.request_timeout_s)
            continue;
        shutdown(c->fd, SHUT_RDWR);
        c->reaped = true;
        atomic_fetch_add(&metrics.reaped, 1);
    }
    pthread_mutex_unlock(&conns.lock);
}

/* ------------------------------------------------------------------------------------ */
/* Requests                                                                             */
/* ------------------------------------------------------------------------------------ */

typedef struct request {
    char *body;
    size_t len, cap;
    bool too_large;
    bool counted; /* in metrics.in_flight */
} request;

static void on_completed(void *cls, struct MHD_Connection *connection, void **req_cls,
                         enum MHD_RequestTerminationCode code)
{
    (void)cls;
    (void)code;
    request *r = *req_cls;
    if (!r)
        return;
    if (r->counted)
        atomic_fetch_sub(&metrics.in_flight, 1);
    free(r->body);
    free(r);
    *req_cls = NULL;
    conn *c = conn_of(connection);
    if (c) {
        pthread_mutex_lock(&conns.lock);
        c->window_start = now_s(); /* the next request's deadline starts now */
        pthread_mutex_unlock(&conns.lock);
    }
}

static enum MHD_Result respond(struct MHD_Connection *connection, unsigned status, const char *type,
                               const char *body, size_t len)
{
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (!resp)
        return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    enum MHD_Result ret = MHD_queue_response(connection, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result respond_text(struct MHD_Connection *connection, unsigned status,
                                    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static enum MHD_Result respond_text(struct MHD_Connection *connection, unsigned status,
                                    const char *fmt, ...)
{
    char text[1200];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    size_t len = n < 0 ? 0 : (size_t)n >= sizeof text ? sizeof text - 1 : (size_t)n;
    return respond(connection, status, "text/plain; charset=utf-8", text, len);
}

static enum MHD_Result serve_metrics(struct MHD_Connection *connection)
{
    size_t cap = 8192;
    char *b = malloc(cap);
    if (!b)
        return MHD_NO;
    size_t n = 0;
#define PUT(...)                                                                                   \
    do {                                                                                           \
        int w_ = snprintf(b + n, cap - n, __VA_ARGS__);                                            \
        if (w_ > 0)                                                                                \
            n += (size_t)w_ < cap - n ? (size_t)w_ : cap - n - 1;                                  \
    } while (0)
    PUT("# HELP contour_webhook_reviews_total AdmissionReviews answered, by result.\n"
        "# TYPE contour_webhook_reviews_total counter\n");
    PUT("contour_webhook_reviews_total{result=\"allowed\"} %lu\n", atomic_load(&metrics.allowed));
    PUT("contour_webhook_reviews_total{result=\"denied\"} %lu\n", atomic_load(&metrics.denied));
    PUT("# HELP contour_webhook_denials_total AdmissionReviews denied.\n"
        "# TYPE contour_webhook_denials_total counter\n"
        "contour_webhook_denials_total %lu\n",
        atomic_load(&metrics.denied));
    PUT("# HELP contour_webhook_errors_total Requests not answered with a verdict, by reason.\n"
        "# TYPE contour_webhook_errors_total counter\n");
    PUT("contour_webhook_errors_total{reason=\"malformed\"} %lu\n",
        atomic_load(&metrics.malformed));
    PUT("contour_webhook_errors_total{reason=\"too_large\"} %lu\n",
        atomic_load(&metrics.too_large));
    PUT("contour_webhook_errors_total{reason=\"review_failed\"} %lu\n",
        atomic_load(&metrics.review_failed));
    PUT("contour_webhook_errors_total{reason=\"internal\"} %lu\n", atomic_load(&metrics.internal));
    PUT("contour_webhook_errors_total{reason=\"not_found\"} %lu\n",
        atomic_load(&metrics.not_found));
    PUT("# HELP contour_webhook_review_duration_seconds Time to answer a POST /validate.\n"
        "# TYPE contour_webhook_review_duration_seconds histogram\n");
    unsigned long cumulative = 0;
    for (size_t i = 0; i <= LATENCY_BUCKETS; i++) {
        cumulative += atomic_load(&metrics.latency_count[i]);
        if (i < LATENCY_BUCKETS)
            PUT("contour_webhook_review_duration_seconds_bucket{le=\"%g\"} %lu\n",
                latency_bounds[i], cumulative);
        else
            PUT("contour_webhook_review_duration_seconds_bucket{le=\"+Inf\"} %lu\n", cumulative);
    }
    PUT("contour_webhook_review_duration_seconds_sum %.6f\n",
        (double)atomic_load(&metrics.latency_sum_us) / 1e6);
    PUT("contour_webhook_review_duration_seconds_count %lu\n", cumulative);
    PUT("# HELP contour_webhook_reloads_total Cluster reloads, by result.\n"
        "# TYPE contour_webhook_reloads_total counter\n"
        "contour_webhook_reloads_total{result=\"ok\"} %lu\n"
        "contour_webhook_reloads_total{result=\"failed\"} %lu\n",
        atomic_load(&metrics.reloads_ok), atomic_load(&metrics.reloads_failed));
    PUT("# HELP contour_webhook_connections_reaped_total Connections closed for taking longer "
        "than --request-timeout.\n"
        "# TYPE contour_webhook_connections_reaped_total counter\n"
        "contour_webhook_connections_reaped_total %lu\n",
        atomic_load(&metrics.reaped));
    PUT("# HELP contour_webhook_in_flight Requests being received or answered.\n"
        "# TYPE contour_webhook_in_flight gauge\n"
        "contour_webhook_in_flight %ld\n",
        atomic_load(&metrics.in_flight));
    PUT("# HELP contour_webhook_connections Open connections.\n"
        "# TYPE contour_webhook_connections gauge\n"
        "contour_webhook_connections %ld\n",
        atomic_load(&metrics.connections));
    pthread_rwlock_rdlock(&cluster_lock);
    size_t objects = current ? current->objects : 0;
    pthread_rwlock_unlock(&cluster_lock);
    pthread_mutex_lock(&tracked.lock);
    size_t admitted_count = tracked.count;
    pthread_mutex_unlock(&tracked.lock);
    PUT("# HELP contour_webhook_cluster_objects Objects in the cluster reviews are made against.\n"
        "# TYPE contour_webhook_cluster_objects gauge\n"
        "contour_webhook_cluster_objects %zu\n",
        objects);
    PUT("# HELP contour_webhook_tracked_objects Admitted changes applied on top of the files.\n"
        "# TYPE contour_webhook_tracked_objects gauge\n"
        "contour_webhook_tracked_objects %zu\n",
        admitted_count);
#undef PUT
    enum MHD_Result ret = respond(connection, MHD_HTTP_OK, "text/plain; version=0.0.4", b, n);
    free(b);
    return ret;
}

/* Whether a response says "allowed":false. The uid before it is a JSON string, whose
 * quotes are all escaped, so the pattern cannot match inside it. */
static bool denied(const char *response)
{
    return strstr(response, "\"allowed\":false") != NULL;
}

static enum MHD_Result answer(struct MHD_Connection *connection, request *r, double t0)
{
    contour_admission_request *req = NULL;
    contour_buffer *out = NULL;
    contour_result st = contour_admission_request_parse(&req, &out, parser, r->body, r->len);
    enum MHD_Result ret;
    if (st != CONTOUR_OK) {
        if (st == CONTOUR_ERR_NOMEM) {
            atomic_fetch_add(&metrics.internal, 1);
            return respond_text(connection, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
        }
        atomic_fetch_add(&metrics.malformed, 1);
        ret = respond_text(connection, MHD_HTTP_BAD_REQUEST, "%s\n", contour_buffer_data(out));
        if (cfg.verbose)
            logmsg("400: %s", contour_buffer_data(out));
        contour_buffer_free(out);
        return ret;
    }

    set_reviewing(connection, true);
    pthread_rwlock_rdlock(&cluster_lock);
    st = contour_admission_request_answer(&out, req, current->snapshot, current->graph, policy);
    pthread_rwlock_unlock(&cluster_lock);
    set_reviewing(connection, false);

    if (st == CONTOUR_OK) {
        bool no = denied(contour_buffer_data(out));
        atomic_fetch_add(no ? &metrics.denied : &metrics.allowed, 1);
        ret = respond(connection, MHD_HTTP_OK, "application/json", contour_buffer_data(out),
                      contour_buffer_size(out));
        if (!no && cfg.track_admitted && !contour_admission_request_dry_run(req) &&
            contour_admission_request_kind(req) != CONTOUR_KIND_NONE) {
            track(req);
            request_reload();
        }
        if (cfg.verbose)
            logmsg("%s %s %s/%s: %s in %.1f ms", contour_admission_request_uid(req),
                   contour_operation_name(contour_admission_request_operation(req)),
                   contour_admission_request_namespace(req), contour_admission_request_name(req),
                   no ? "denied" : "allowed", (now_s() - t0) * 1e3);
    } else if (st == CONTOUR_ERR_NOMEM) {
        atomic_fetch_add(&metrics.internal, 1);
        ret = respond_text(connection, MHD_HTTP_INTERNAL_SERVER_ERROR, "out of memory\n");
    } else {
        /* Well-formed, but the review could not be made: the webhook's failurePolicy
         * decides, not a made-up verdict. */
        atomic_fetch_add(&metrics.review_failed, 1);
        ret = respond_text(connection, MHD_HTTP_INTERNAL_SERVER_ERROR, "%s\n",
                           contour_buffer_data(out));
        if (cfg.verbose)
            logmsg("500: %s", contour_buffer_data(out));
    }
    contour_buffer_free(out);
    contour_admission_request_free(req);
    return ret;
}

/* POST /validate: every answer, a 400 too, counts in the latency histogram. */
static enum MHD_Result validate(struct MHD_Connection *connection, request *r)
{
    double t0 = now_s();
    enum MHD_Result ret = answer(connection, r, t0);
    observe_latency(now_s() - t0);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *connection, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **req_cls)
{
    (void)cls;
    (void)version;
    bool post = strcmp(method, MHD_HTTP_METHOD_POST) == 0;
    bool get = strcmp(method, MHD_HTTP_METHOD_GET) == 0;
    request *r = *req_cls;
    if (!r) {
        /* The headers are in. */
        r = calloc(1, sizeof *r);
        if (!r)
            return MHD_NO;
        *req_cls = r;
        r->counted = true;
        atomic_fetch_add(&metrics.in_flight, 1);
        if (post && strcmp(url, "/validate") == 0) {
            const char *cl =
                MHD_lookup_connection_value(connection, MHD_HEADER_KIND, "Content-Length");
            if (cl) {
                char *end;
                errno = 0;
                unsigned long long v = strtoull(cl, &end, 10);
                if (errno || *end || v > cfg.max_body) {
                    /* Refused before the body is read (curl and Go send Expect:
                     * 100-continue for large bodies and never send it). */
                    atomic_fetch_add(&metrics.too_large, 1);
                    return respond_text(connection, HTTP_TOO_LARGE,
                                        "the request body is larger than %zu bytes\n",
                                        cfg.max_body);
                }
            }
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        /* Body bytes. Anything but POST /validate has no use for them. */
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (!post || strcmp(url, "/validate") != 0 || r->too_large)
            return MHD_YES;
        if (n > cfg.max_body - r->len) {
            /* A chunked body over the limit. libmicrohttpd cannot answer in the middle of
             * a body: the rest is read and dropped (the request deadline bounds how long),
             * and the answer is 413. */
            r->too_large = true;
            atomic_fetch_add(&metrics.too_large, 1);
            free(r->body);
            r->body = NULL;
            r->len = r->cap = 0;
            return MHD_YES;
        }
        if (r->len + n > r->cap) {
            size_t cap = r->cap ? r->cap : 16384;
            while (cap < r->len + n)
                cap *= 2;
            if (cap > cfg.max_body)
                cap = cfg.max_body;
            char *b = realloc(r->body, cap);
            if (!b)
                return MHD_NO;
            r->body = b;
            r->cap = cap;
        }
        memcpy(r->body + r->len, upload_data, n);
        r->len += n;
        return MHD_YES;
    }

    /* The request is complete. */
    if (r->too_large)
        return respond_text(connection, HTTP_TOO_LARGE,
                            "the request body is larger than %zu bytes\n", cfg.max_body);
    if (strcmp(url, "/validate") == 0) {
        if (!post)
            return respond_text(connection, MHD_HTTP_METHOD_NOT_ALLOWED, "use POST\n");
        return validate(connection, r);
    }
    if (strcmp(url, "/healthz") == 0 && get) {
        pthread_rwlock_rdlock(&cluster_lock);
        bool ok = current != NULL;
        pthread_rwlock_unlock(&cluster_lock);
        return respond_text(connection, ok ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE, "%s\n",
                            ok ? "ok" : "no cluster loaded");
    }
    if (strcmp(url, "/metrics") == 0 && get)
        return serve_metrics(connection);
    atomic_fetch_add(&metrics.not_found, 1);
    return respond_text(connection, MHD_HTTP_NOT_FOUND, "not found\n");
}

/* ------------------------------------------------------------------------------------ */
/* Start                                                                                */
/* ------------------------------------------------------------------------------------ */

static char *read_file(const char *path, const char *what)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        logmsg("cannot read the %s %s: %s", what, path, strerror(errno));
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *b = malloc(cap);
    for (;;) {
        if (!b)
            break;
        if (n + 1 >= cap) {
            if (cap >= 1u << 20) { /* a certificate chain or key is a few KiB */
                logmsg("the %s %s is larger than 1 MiB", what, path);
                free(b);
                b = NULL;
                break;
            }
            char *nb = realloc(b, cap * 2);
            if (!nb)
                free(b);
            b = nb;
            cap *= 2;
            continue;
        }
        size_t got = fread(b + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    if (b)
        b[n] = '\0';
    return b;
}

/* libmicrohttpd only says that TLS setup failed; GnuTLS says why. */
static bool check_tls(const char *cert, const char *key)
{
    gnutls_certificate_credentials_t cred;
    if (gnutls_certificate_allocate_credentials(&cred) != GNUTLS_E_SUCCESS) {
        logmsg("out of memory");
        return false;
    }
    gnutls_datum_t c = {(unsigned char *)cert, (unsigned)strlen(cert)};
    gnutls_datum_t k = {(unsigned char *)key, (unsigned)strlen(key)};
    int rc = gnutls_certificate_set_x509_key_mem(cred, &c, &k, GNUTLS_X509_FMT_PEM);
    gnutls_certificate_free_credentials(cred);
    if (rc < 0) {
        logmsg("bad certificate or key (%s, %s): %s", cfg.cert_file, cfg.key_file,
               gnutls_strerror(rc));
        return false;
    }
    return true;
}

/* Binds the listening socket ourselves, so a bad address or a port in use is reported
 * with its reason. *port gets the port bound (for port 0). */
static int listen_on(const char *addr, unsigned *port)
{
    char host[256];
    const char *colon = strrchr(addr, ':');
    if (!colon || colon == addr || !colon[1]) {
        logmsg("--listen %s: expected ADDRESS:PORT (e.g. 127.0.0.1:8443 or [::1]:8443)", addr);
        return -1;
    }
    size_t hl = (size_t)(colon - addr);
    const char *h = addr;
    if (addr[0] == '[' && colon[-1] == ']') {
        h++;
        hl -= 2;
    }
    if (hl >= sizeof host) {
        logmsg("--listen %s: address too long", addr);
        return -1;
    }
    memcpy(host, h, hl);
    host[hl] = '\0';
    struct addrinfo hints = {0}, *ai = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
    int rc = getaddrinfo(host, colon + 1, &hints, &ai);
    if (rc != 0) {
        logmsg("--listen %s: not a numeric address and port: %s", addr, gai_strerror(rc));
        return -1;
    }
    int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, 128) != 0) {
        logmsg("--listen %s: %s", addr, strerror(errno));
        if (fd >= 0)
            close(fd);
        freeaddrinfo(ai);
        return -1;
    }
    freeaddrinfo(ai);
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    getsockname(fd, (struct sockaddr *)&ss, &sl);
    *port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
                                           : ((struct sockaddr_in *)&ss)->sin_port);
    return fd;
}

static bool parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
    char *end;
    errno = 0;
    if (!*s || *s == '-')
        return false;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > max)
        return false;
    *out = v;
    return true;
}

static int usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("contour-admission-webhook: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fputs(usage_text, stderr);
    return EXIT_START_FAILED;
}

static bool set_policy(const char *spec)
{
    const char *eq = strchr(spec, '=');
    if (!eq)
        return false;
    size_t fl = (size_t)(eq - spec);
    static const char *const actions[] = {"allow", "warn", "deny"};
    for (size_t f = 0; f < contour_finding_count(); f++) {
        const char *name = contour_finding_name((contour_finding)f);
        if (strlen(name) != fl || strncmp(name, spec, fl) != 0)
            continue;
        for (size_t a = 0; a < 3; a++) {
            if (strcmp(eq + 1, actions[a]) == 0)
                return contour_policy_set_action(policy, (contour_finding)f,
                                                 (contour_policy_action)a) == CONTOUR_OK;
        }
    }
    return false;
}

static int parse_args(int argc, char **argv)
{
    cfg.cluster = calloc((size_t)argc + 1, sizeof *cfg.cluster);
    if (!cfg.cluster)
        return EXIT_START_FAILED;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage_text, stdout);
            return 0;
        }
        if (strcmp(a, "--track-admitted") == 0) {
            cfg.track_admitted = true;
            continue;
        }
        if (strcmp(a, "--verbose") == 0) {
            cfg.verbose = true;
            continue;
        }
        const char *v = strchr(a, '=');
        char name[64];
        size_t nl = v ? (size_t)(v - a) : strlen(a);
        if (nl >= sizeof name || strncmp(a, "--", 2) != 0)
            return usage("unknown argument '%s'", a);
        memcpy(name, a, nl);
        name[nl] = '\0';
        if (v)
            v++;
        else if (i + 1 < argc)
            v = argv[++i];
        else
            return usage("option '%s' needs a value", name);
        unsigned long long n;
        if (strcmp(name, "--listen") == 0)
            cfg.listen = v;
        else if (strcmp(name, "--cert") == 0)
            cfg.cert_file = v;
        else if (strcmp(name, "--key") == 0)
            cfg.key_file = v;
        else if (strcmp(name, "--cluster") == 0)
            cfg.cluster[cfg.cluster_count++] = v;
        else if (strcmp(name, "--port-file") == 0)
            cfg.port_file = v;
        else if (strcmp(name, "--track-max") == 0 && parse_uint(v, 1000000, &n) && n > 0)
            cfg.track_max = (size_t)n;
        else if (strcmp(name, "--max-body") == 0 &&
                 parse_uint(v, CONTOUR_ADMISSION_MAX_REQUEST_BYTES, &n) && n > 0)
            cfg.max_body = (size_t)n;
        else if (strcmp(name, "--max-nodes") == 0 && parse_uint(v, 1000000, &n) && n > 0)
            cfg.review_nodes = n;
        else if (strcmp(name, "--threads") == 0 && parse_uint(v, 256, &n) && n > 0)
            cfg.threads = (unsigned)n;
        else if (strcmp(name, "--max-connections") == 0 && parse_uint(v, 100000, &n) && n > 0)
            cfg.max_connections = (unsigned)n;
        else if (strcmp(name, "--request-timeout") == 0 && parse_uint(v, 3600, &n) && n > 0)
            cfg.request_timeout_s = (unsigned)n;
        else if (strcmp(name, "--poll-interval") == 0 && parse_uint(v, 86400, &n))
            cfg.poll_interval_s = (double)n;
        else if (strcmp(name, "--grace") == 0 && parse_uint(v, 3600, &n))
            cfg.grace_s = (unsigned)n;
        else if (strcmp(name, "--policy") == 0) {
            if (!set_policy(v))
                return usage("--policy: '%s' is not FINDING=allow|warn|deny", v);
        } else if (strcmp(name, "--root-namespaces") == 0) {
            for (const char *p = v; *p;) {
                size_t l = strcspn(p, ",");
                if (l && contour_config_add_root_namespace(config, p, l) != CONTOUR_OK)
                    return usage("--root-namespaces: invalid list '%s'", v);
                p += l + (p[l] == ',');
            }
        } else if (strcmp(name, "--ingress-class") == 0) {
            if (contour_config_set_ingress_class(config, v, strlen(v)) != CONTOUR_OK)
                return usage("--ingress-class: invalid class '%s'", v);
        } else
            return usage("unknown option or bad value: '%s'", a);
    }
    if (!cfg.listen || !cfg.cert_file || !cfg.key_file || !cfg.cluster_count)
        return usage("%s", "--listen, --cert, --key and --cluster are required");
    return -1;
}

/* What main() releases, however it ends. */
static void release_all(char *cert, char *key)
{
    install_cluster(NULL);
    for (size_t i = 0; i < tracked.count; i++)
        admitted_free(&tracked.items[i]);
    free(tracked.items);
    contour_snapshot_free(parser);
    contour_policy_free(policy);
    contour_config_free(config);
    free(cfg.cluster);
    free(cert);
    free(key);
}

int main(int argc, char **argv)
{
    char *cert = NULL, *key = NULL;
    int fd = -1;
    struct MHD_Daemon *d = NULL;
    if (contour_config_new(&config) != CONTOUR_OK || contour_policy_new(&policy) != CONTOUR_OK) {
        logmsg("out of memory");
        goto fail;
    }
    int code = parse_args(argc, argv);
    if (code >= 0) {
        release_all(cert, key);
        return code;
    }

    /* Signals are taken by the main thread only (sigtimedwait); every thread started
     * from here on inherits the mask. */
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    cert = read_file(cfg.cert_file, "certificate");
    key = cert ? read_file(cfg.key_file, "key") : NULL;
    if (!cert || !key || !check_tls(cert, key))
        goto fail;
    unsigned port = 0;
    fd = listen_on(cfg.listen, &port);
    if (fd < 0)
        goto fail;

    pthread_rwlockattr_t attr;
    pthread_rwlockattr_init(&attr);
    /* A reload's swap must not wait behind a stream of reviews. */
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&cluster_lock, &attr);
    pthread_rwlockattr_destroy(&attr);
    /* Requests are read with the cluster's limits but fewer nodes: a request at the
     * library's default of 1,000,000 costs about 60 MB while it is read, and every thread
     * may be reading one. */
    contour_config *request_config = NULL;
    tracked.items = calloc(cfg.track_max, sizeof *tracked.items);
    bool ok = tracked.items && contour_config_copy(&request_config, config) == CONTOUR_OK &&
              contour_config_set_limit(request_config, CONTOUR_LIMIT_DOCUMENT_NODES,
                                       cfg.review_nodes) == CONTOUR_OK &&
              contour_snapshot_new(&parser, request_config) == CONTOUR_OK;
    contour_config_free(request_config);
    if (!ok) {
        logmsg("out of memory");
        goto fail;
    }

    double t0 = now_s();
    uint64_t signature = cluster_signature();
    const char *why;
    cluster *c = load_cluster(&why);
    if (!c) {
        logmsg("cannot load the cluster: %s", why);
        goto fail;
    }
    logmsg("loaded %zu objects in %.3f s", c->objects, now_s() - t0);
    install_cluster(c);

    d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TLS | MHD_USE_ITC |
            MHD_USE_ERROR_LOG,
        0, NULL, NULL, on_request, NULL, MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_HTTPS_MEM_CERT,
        cert, MHD_OPTION_HTTPS_MEM_KEY, key, MHD_OPTION_HTTPS_PRIORITIES,
        "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2", MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned)cfg.threads, MHD_OPTION_CONNECTION_LIMIT, (unsigned)cfg.max_connections,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg.request_timeout_s,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, NULL, MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL, MHD_OPTION_END);
    if (!d) {
        logmsg("cannot start the HTTPS server on %s", cfg.listen);
        goto fail;
    }
    fd = -1; /* the daemon's now */
    pthread_t reload_thread;
    if (pthread_create(&reload_thread, NULL, reloader, &signature) != 0) {
        logmsg("cannot start the reload thread");
        goto fail;
    }
    if (cfg.port_file) {
        FILE *f = fopen(cfg.port_file, "w");
        if (!f || fprintf(f, "%u\n", port) < 0 || fclose(f) != 0)
            logmsg("cannot write %s: %s", cfg.port_file, strerror(errno));
    }
    /* The main thread: signals, and the deadline on each request. */
    for (;;) {
        struct timespec tick = {0, 250 * 1000 * 1000};
        int sig = sigtimedwait(&signals, NULL, &tick);
        if (sig == SIGTERM || sig == SIGINT)
            break;
        if (sig == SIGHUP)
            request_reload();
        reap();
    }

    logmsg("stopping: %ld requests in flight", atomic_load(&metrics.in_flight));
    int lfd = MHD_quiesce_daemon(d);
    if (lfd >= 0)
        close(lfd);
    double deadline = now_s() + cfg.grace_s;
    while (atomic_load(&metrics.in_flight) > 0 && now_s() < deadline) {
        struct timespec ms = {0, 10 * 1000 * 1000};
        nanosleep(&ms, NULL);
        reap();
    }
    MHD_stop_daemon(d);
    pthread_mutex_lock(&reload.lock);
    reload.stop = true;
    pthread_cond_signal(&reload.wake);
    pthread_mutex_unlock(&reload.lock);
    pthread_join(reload_thread, NULL);

    release_all(cert, key);
    logmsg("stopped");
    return 0;

fail:
    if (d)
        MHD_stop_daemon(d);
    if (fd >= 0)
        close(fd);
    release_all(cert, key);
    return EXIT_START_FAILED;
}
