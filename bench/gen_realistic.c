/*
 * The "realistic" cluster shape (gen.h): the proportions of a gen_shape, drawn with a
 * fixed-seed PRNG (splitmix64), so the same (n, shape, format) gives the same bytes.
 *
 * First a plan, then the text. The plan splits the objects into namespaces of
 * objects_per_namespace and lays the IngressRoutes out in slots, in namespace order:
 * an orphan wherever the orphan quota is due, otherwise one delegation tree at a time —
 * a root, a chain as deep as the tree's depth, and leaf branches hung off the chain. The
 * depths come from a low-discrepancy sequence over depth_share, so the histogram comes
 * out as asked; the branches make up the delegating routes the chains lack. A tree that
 * runs past the end of its namespace goes on in the next one: those are the
 * cross-namespace delegations. Invalid objects are leaves only, because an invalid
 * object's delegations are not followed and an invalid inner node would orphan its
 * subtree (route-graph.md §2.3-4).
 *
 * Then each namespace is written in turn: Services, Secrets, a TLSCertificateDelegation
 * where one lives, IngressRoutes, Ingresses.
 */
#include "gen.h"
#include "gen_emit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE               UINT32_MAX
#define TLSCD_TARGETS      16 /* namespaces one TLSCertificateDelegation lends its secret to */
#define MAX_SERVICE_ROUTES 12
#define MAX_ROUTE_SERVICES 8
#define MAX_INGRESS_RULES  8

static const char *const apps[] = {
    "payments", "checkout",  "catalog",  "search",   "accounts", "billing",  "orders",
    "shipping", "inventory", "reviews",  "profile",  "identity", "ledger",   "pricing",
    "cart",     "media",     "notify",   "reports",  "gateway",  "partners", "loyalty",
    "fraud",    "warehouse", "ads",      "tracking", "support",  "docs",     "analytics",
    "booking",  "quotes",    "invoices", "wallet",   "rewards",  "feeds",    "content",
    "messages", "geo",       "returns",  "tax",      "vendors",  "assets",   "metrics",
};
#define NAPPS (sizeof apps / sizeof apps[0])

/* Path segments a parent hands its delegates; words for a node's own extra routes. The
 * two lists share no word, so no route of a vhost repeats another's prefix. */
static const char *const segs[] = {
    "api",   "v1",     "v2",    "admin",   "internal", "web",   "mobile", "partner",
    "graph", "public", "beta",  "account", "store",    "edge",  "ops",    "events",
    "sync",  "batch",  "users", "items",   "media",    "files", "export", "legacy-api",
};
#define NSEGS (sizeof segs / sizeof segs[0])

static const char *const route_words[] = {
    "healthz", "status", "login",  "logout", "assets",  "static",  "docs",   "search",
    "upload",  "ws",     "config", "oauth",  "metrics", "preview", "checks", "feedback",
};
#define NROUTE_WORDS (sizeof route_words / sizeof route_words[0])

static const char *const root_roles[] = {"web", "frontend", "gateway", "portal", "public", "edge"};
#define NROOT_ROLES (sizeof root_roles / sizeof root_roles[0])

static const char *const service_roles[] = {"api",   "web",  "worker", "backend",
                                            "cache", "auth", "grpc",   "search"};
#define NSERVICE_ROLES (sizeof service_roles / sizeof service_roles[0])

enum role { ROLE_ROOT, ROLE_CHILD, ROLE_ORPHAN };

/* How an invalid leaf breaks a rule of route-graph.md §2. */
enum invalid {
    INV_NONE,
    INV_PORT,     /* a service port outside 1-65535 */
    INV_WEIGHT,   /* a negative weight */
    INV_BOTH,     /* services and delegate in one route */
    INV_ESCAPE,   /* a match outside the parent's prefix */
    INV_CYCLE,    /* a delegate back to its parent */
    INV_DUP_FQDN, /* a root taking another root's fqdn ... */
    INV_DUP_PEER, /* ... and that root */
};
static const unsigned char root_invalid[] = {INV_PORT, INV_WEIGHT, INV_BOTH, INV_DUP_FQDN};
static const unsigned char child_invalid[] = {INV_PORT, INV_WEIGHT, INV_BOTH, INV_ESCAPE,
                                              INV_CYCLE};

typedef struct node {
    uint32_t ns, local; /* namespace index; index among its namespace's IngressRoutes */
    uint32_t parent, first_child, last_child, next_sibling;
    uint32_t dup_of;   /* INV_DUP_FQDN: the root whose fqdn it takes */
    uint16_t app, seg; /* the tree's app word; the path segment its parent gives it */
    unsigned char role, level, invalid, nchildren;
} node;

typedef struct ns_plan {
    size_t svc, sec, ing, tlscd;
    size_t ir_first, ir_count;
    long tls_source; /* the namespace that lends this one its secret, or -1 */
    int tlscd_star;  /* its TLSCertificateDelegation targets "*" */
} ns_plan;

typedef struct plan {
    const gen_shape *sh;
    size_t n_ns, n_ir;
    ns_plan *ns;
    node *nodes;
    uint64_t rng;
} plan;

/* ---- randomness ---- */

static uint64_t next_u64(plan *p)
{
    uint64_t z = (p->rng += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static double unif(plan *p)
{
    return (double)(next_u64(p) >> 11) * (1.0 / 9007199254740992.0);
}

static size_t below(plan *p, size_t k)
{
    return k ? (size_t)(next_u64(p) % k) : 0;
}

static int chance(plan *p, double share)
{
    return unif(p) < share;
}

/* 0, 1, 2, ... with P(k+1)/P(k) constant and the given mean. */
static unsigned geometric(plan *p, double mean, unsigned cap)
{
    double q = mean > 0 ? mean / (1 + mean) : 0;
    unsigned k = 0;
    while (k < cap && unif(p) < q)
        k++;
    return k;
}

/* `total` spread over `parts` as evenly as integers allow: the share of part i. */
static size_t quota(size_t total, size_t i, size_t parts)
{
    return total * (i + 1) / parts - total * i / parts;
}

static size_t round_size(double x)
{
    return x <= 0 ? 0 : (size_t)(x + 0.5);
}

/* ---- the plan ---- */

static void plan_namespaces(plan *p, size_t n)
{
    const gen_shape *sh = p->sh;
    double per_ns = sh->objects_per_namespace > 0 ? sh->objects_per_namespace : 50;
    p->n_ns = round_size((double)n / per_ns);
    if (p->n_ns == 0)
        p->n_ns = 1;
    size_t ir = round_size((double)n * sh->ingressroute_share);
    size_t svc = round_size((double)n * sh->service_share);
    size_t sec = round_size((double)n * sh->secret_share);
    size_t tlscd = sec ? round_size((double)n * sh->tlscd_per_100k / 1e5) : 0;
    if (sec && tlscd == 0)
        tlscd = 1;
    if (tlscd > sec)
        tlscd = sec;
    while (ir + svc + sec + tlscd > n) { /* tiny n: trim the largest */
        if (ir >= svc)
            ir--;
        else
            svc--;
    }
    size_t ing = n - ir - svc - sec - tlscd;
    p->n_ir = ir;
    p->ns = calloc(p->n_ns, sizeof *p->ns);
    if (!p->ns)
        abort();
    size_t first = 0;
    for (size_t i = 0; i < p->n_ns; i++) {
        ns_plan *s = &p->ns[i];
        s->svc = quota(svc, i, p->n_ns);
        s->sec = quota(sec, i, p->n_ns);
        s->ing = quota(ing, i, p->n_ns);
        s->ir_first = first;
        s->ir_count = quota(ir, i, p->n_ns);
        s->tls_source = -1;
        first += s->ir_count;
    }
    /* TLSCertificateDelegations, spread out; each lends its namespace's first secret to
     * the namespaces that follow it (the last one to "*"). */
    for (size_t k = 0; k < tlscd; k++) {
        size_t at = k * p->n_ns / tlscd, tries = 0;
        while (tries < p->n_ns && (p->ns[at].sec == 0 || p->ns[at].tlscd)) {
            at = (at + 1) % p->n_ns;
            tries++;
        }
        if (tries == p->n_ns)
            break;
        p->ns[at].tlscd = 1;
        p->ns[at].tlscd_star = tlscd > 1 && k == tlscd - 1;
        for (size_t t = 1; t <= TLSCD_TARGETS && t < p->n_ns; t++) {
            ns_plan *target = &p->ns[(at + t) % p->n_ns];
            if (target->tls_source < 0)
                target->tls_source = (long)at;
        }
    }
}

/* The depth of the i-th tree: a golden-ratio sequence read through depth_share. */
static unsigned tree_depth(const gen_shape *sh, size_t i)
{
    double u = (double)i * 0.6180339887498949 + 0.5;
    u -= (double)(size_t)u;
    double acc = 0;
    for (unsigned d = 0; d < GEN_MAX_DEPTH; d++) {
        acc += sh->depth_share[d];
        if (u < acc)
            return d;
    }
    return GEN_MAX_DEPTH;
}

typedef struct slotter {
    size_t next, ns;
} slotter;

/* The next free IngressRoute slot, with its namespace and name index filled in. */
static uint32_t take_slot(plan *p, slotter *s)
{
    while (s->next >= p->ns[s->ns].ir_first + p->ns[s->ns].ir_count)
        s->ns++;
    node *nd = &p->nodes[s->next];
    nd->ns = (uint32_t)s->ns;
    nd->local = (uint32_t)(s->next - p->ns[s->ns].ir_first);
    nd->parent = nd->first_child = nd->last_child = nd->next_sibling = nd->dup_of = NONE;
    return (uint32_t)s->next++;
}

static void attach(plan *p, uint32_t parent, uint32_t child)
{
    node *pa = &p->nodes[parent], *c = &p->nodes[child];
    c->role = ROLE_CHILD;
    c->parent = parent;
    c->level = (unsigned char)(pa->level + 1);
    c->app = pa->app;
    c->seg = (uint16_t)((parent * 7u + pa->nchildren) % NSEGS);
    pa->nchildren++;
    if (pa->last_child == NONE)
        pa->first_child = child;
    else
        p->nodes[pa->last_child].next_sibling = child;
    pa->last_child = child;
}

/* Branches per tree of depth >= 1 that bring the delegating routes to their share. */
static double branch_mean(const gen_shape *sh)
{
    double delegating = sh->delegating_route_share * sh->routes_per_ingressroute;
    /* The cycle and services+delegate leaves have a delegating route of their own. */
    delegating -= sh->invalid_share * 2.0 / 5.0;
    double in_trees = 1 - sh->orphan_share;
    double roots = in_trees - delegating; /* per IngressRoute: every child has one parent */
    if (roots <= 0)
        return 0;
    double chain = 1, deep = 0;
    for (unsigned d = 0; d <= GEN_MAX_DEPTH; d++) {
        chain += d * sh->depth_share[d];
        if (d)
            deep += sh->depth_share[d];
    }
    double extra = in_trees / roots - chain;
    return extra > 0 && deep > 0 ? extra / deep : 0;
}

static void plan_trees(plan *p)
{
    const gen_shape *sh = p->sh;
    double branches = branch_mean(sh);
    slotter s = {0, 0};
    size_t orphans = 0, trees = 0;
    while (s.next < p->n_ir) {
        if ((double)(orphans + 1) <= (double)(s.next + 1) * sh->orphan_share) {
            node *o = &p->nodes[take_slot(p, &s)];
            o->role = ROLE_ORPHAN;
            o->app = (uint16_t)below(p, NAPPS);
            o->seg = (uint16_t)below(p, NSEGS);
            orphans++;
            continue;
        }
        unsigned depth = tree_depth(sh, trees++);
        uint32_t chain[GEN_MAX_DEPTH + 1];
        chain[0] = take_slot(p, &s);
        p->nodes[chain[0]].role = ROLE_ROOT;
        p->nodes[chain[0]].app = (uint16_t)below(p, NAPPS);
        unsigned len = 1;
        for (; len <= depth && s.next < p->n_ir; len++) {
            chain[len] = take_slot(p, &s);
            attach(p, chain[len - 1], chain[len]);
        }
        unsigned extra = len > 1 ? geometric(p, branches, 200) : 0;
        for (unsigned e = 0; e < extra && s.next < p->n_ir; e++) {
            uint32_t at = chain[below(p, len - 1)];
            attach(p, at, take_slot(p, &s));
        }
    }
}

/* Marks invalid_share of the IngressRoutes invalid, spread evenly over the leaves. */
static void plan_invalid(plan *p)
{
    size_t leaves = 0;
    for (size_t i = 0; i < p->n_ir; i++)
        leaves += p->nodes[i].role != ROLE_ORPHAN && p->nodes[i].nchildren == 0;
    if (!leaves)
        return;
    double rate = p->sh->invalid_share * (double)p->n_ir / (double)leaves, acc = 0;
    size_t k_root = 0, k_child = 0;
    uint32_t plain_root = NONE; /* the last valid root without delegates */
    for (uint32_t i = 0; i < p->n_ir; i++) {
        node *nd = &p->nodes[i];
        if (nd->role == ROLE_ORPHAN || nd->nchildren)
            continue;
        acc += rate;
        if (acc < 1) {
            if (nd->role == ROLE_ROOT)
                plain_root = i;
            continue;
        }
        if (nd->role == ROLE_CHILD) {
            nd->invalid = child_invalid[k_child++ % sizeof child_invalid];
            acc -= 1;
            continue;
        }
        nd->invalid = root_invalid[k_root++ % sizeof root_invalid];
        if (nd->invalid == INV_DUP_FQDN && plain_root == NONE)
            nd->invalid = INV_PORT;
        if (nd->invalid == INV_DUP_FQDN) {
            nd->dup_of = plain_root;
            p->nodes[plain_root].invalid = INV_DUP_PEER;
            plain_root = NONE;
            acc -= 2;
        } else {
            acc -= 1;
        }
    }
}

/* ---- names ---- */

static void ns_name(char *buf, size_t size, size_t ns)
{
    snprintf(buf, size, "team-%04zu", ns);
}

static const char *ns_app(size_t ns, size_t j)
{
    return apps[(ns * 13 + j) % NAPPS];
}

static void service_name(char *buf, size_t size, size_t ns, size_t j)
{
    snprintf(buf, size, "%s-%s-%zu", ns_app(ns, j / 2), service_roles[j % NSERVICE_ROLES], j);
}

/* The namespace's first secret is the TLS certificate the others may borrow. */
static void secret_name(char *buf, size_t size, size_t ns, size_t j)
{
    if (j == 0)
        snprintf(buf, size, "wildcard-tls");
    else if (j % 3 == 2)
        snprintf(buf, size, "%s-db-credentials-%zu", ns_app(ns, j), j);
    else
        snprintf(buf, size, "%s-tls-%zu", ns_app(ns, j), j);
}

static void ir_name(const plan *p, uint32_t i, char *buf, size_t size)
{
    const node *nd = &p->nodes[i];
    const char *role = nd->role == ROLE_ROOT ? root_roles[i % NROOT_ROLES] : segs[nd->seg];
    snprintf(buf, size, "%s-%s-%u", apps[nd->app], role, nd->local);
}

static void fqdn(const plan *p, uint32_t i, char *buf, size_t size)
{
    const node *nd = &p->nodes[i];
    char ns[32];
    ns_name(ns, sizeof ns, nd->ns);
    snprintf(buf, size, "%s-%u.%s.example.com", apps[nd->app], nd->local, ns);
}

/* The prefix a node's parent hands it ("" for a root): its ancestors' segments. */
static void prefix(const plan *p, uint32_t i, char *buf, size_t size)
{
    const char *parts[256];
    size_t n = 0;
    const node *nd = &p->nodes[i];
    if (nd->role == ROLE_ORPHAN)
        parts[n++] = segs[nd->seg];
    for (; nd->role == ROLE_CHILD && n < 256; nd = &p->nodes[nd->parent])
        parts[n++] = segs[nd->seg];
    buf[0] = 0;
    size_t len = 0;
    while (n-- > 0 && len < size)
        len += (size_t)snprintf(buf + len, size - len, "/%s", parts[n]);
}

/* ---- objects ---- */

static void labels(gen_out *o, const char *app, const char *ns)
{
    em_map(o, "labels");
    em_kv_str(o, "app", app);
    em_kv_str(o, "team", ns);
    em_end(o);
}

static void begin_object(gen_out *o, const char *api, const char *kind, const char *ns,
                         const char *name, const char *app)
{
    em_doc_begin(o);
    em_kv_str(o, "apiVersion", api);
    em_kv_str(o, "kind", kind);
    em_map(o, "metadata");
    em_kv_str(o, "name", name);
    em_kv_str(o, "namespace", ns);
    if (app)
        labels(o, app, ns);
}

static void write_service(plan *p, gen_out *o, size_t ns, size_t j)
{
    char nsn[32], name[96];
    ns_name(nsn, sizeof nsn, ns);
    service_name(name, sizeof name, ns, j);
    begin_object(o, "v1", "Service", nsn, name, ns_app(ns, j / 2));
    int max_conn = chance(p, 0.1), h2c = chance(p, 0.05);
    if (max_conn || h2c) {
        em_map(o, "annotations");
        if (max_conn)
            em_kv_qstr(o, "contour.heptio.com/max-connections", "1024");
        if (h2c)
            em_kv_qstr(o, "contour.heptio.com/upstream-protocol.h2c", "grpc");
        em_end(o);
    }
    em_end(o);
    em_port ports[] = {{"http", 80, 8080, "TCP"}, {h2c ? "grpc" : "metrics", 9090, 9090, "TCP"}};
    em_service_spec(o, "ClusterIP", name, ports, 2);
    em_doc_end(o);
}

static void write_secret(gen_out *o, size_t ns, size_t j)
{
    char nsn[32], name[96];
    ns_name(nsn, sizeof nsn, ns);
    secret_name(name, sizeof name, ns, j);
    int tls = j % 3 != 2;
    begin_object(o, "v1", "Secret", nsn, name, NULL);
    em_end(o);
    em_kv_str(o, "type", tls ? "kubernetes.io/tls" : "Opaque");
    em_map(o, "data");
    if (tls) {
        em_kv_str(o, "tls.crt",
                  "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSURKekNDQWcrZ0F3SUJBZ0lVR3pXb1RrZ2pT"
                  "M2F4VjBRZ1JjV2dQSjN0bUtzd0RRWUpLb1pJaHZjTkFRRUxCUUF3SXpFaE1COEdBMVVFQXd3WQ==");
        em_kv_str(o, "tls.key",
                  "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1JSUV2UUlCQURBTkJna3Foa2lHOXcwQkFRRUZB"
                  "QVNDQktjd2dnU2pBZ0VBQW9JQkFRQzNqNGJXc1l4aG9yQ0ZxUm1Vc0RRaFBKd3VZNmt1b0xHWQ==");
    } else {
        em_kv_str(o, "username", "c2VydmljZQ==");
        em_kv_str(o, "password", "aHVudGVyMi1wcm9kdWN0aW9u");
    }
    em_end(o);
    em_doc_end(o);
}

static void write_tlscd(const plan *p, gen_out *o, size_t ns)
{
    char nsn[32], target[32];
    ns_name(nsn, sizeof nsn, ns);
    begin_object(o, "contour.heptio.com/v1beta1", "TLSCertificateDelegation", nsn,
                 "wildcard-tls-delegation", NULL);
    em_end(o);
    em_map(o, "spec");
    em_seq(o, "delegations");
    em_item(o);
    em_kv_str(o, "secretName", "wildcard-tls");
    em_seq(o, "targetNamespaces");
    if (p->ns[ns].tlscd_star) {
        em_item_qstr(o, "*");
    } else {
        for (size_t t = 1; t <= TLSCD_TARGETS && t < p->n_ns; t++) {
            ns_name(target, sizeof target, (ns + t) % p->n_ns);
            em_item_str(o, target);
        }
    }
    em_end(o);
    em_end(o);
    em_end(o);
    em_end(o);
    em_doc_end(o);
}

/* A route's services: 1.7 on average, canary weights when several, a few health checks. */
static void route_services(plan *p, gen_out *o, uint32_t i, int bad)
{
    const node *nd = &p->nodes[i];
    size_t nsvc = p->ns[nd->ns].svc;
    unsigned k = 1 + geometric(p, p->sh->services_per_route - 1, MAX_ROUTE_SERVICES - 1);
    size_t start = below(p, nsvc);
    char name[96];
    em_seq(o, "services");
    for (unsigned j = 0; j < k; j++) {
        em_item(o);
        if (nsvc == 0 || chance(p, p->sh->missing_service_share))
            snprintf(name, sizeof name, "%s-legacy-%u", apps[nd->app], j);
        else
            service_name(name, sizeof name, nd->ns, (start + j) % nsvc);
        em_kv_str(o, "name", name);
        em_kv_int(o, "port", bad == INV_PORT && j == 0 ? 80800 : chance(p, 0.1) ? 9090 : 80);
        if (bad == INV_WEIGHT && j == 0)
            em_kv_int(o, "weight", -10);
        else if (k > 1)
            em_kv_int(o, "weight", j == 0 ? 100 - 10 * (long)(k - 1) : 10);
        if (chance(p, 0.05))
            em_kv_str(o, "strategy", "WeightedLeastRequest");
        if (chance(p, 0.08)) {
            em_map(o, "healthCheck");
            em_kv_str(o, "path", "/healthz");
            em_kv_int(o, "intervalSeconds", 10);
            em_kv_int(o, "timeoutSeconds", 2);
            em_end(o);
        }
        em_end(o);
    }
    em_end(o);
}

static void route_options(plan *p, gen_out *o, int root)
{
    if (chance(p, 0.1))
        em_kv_bool(o, "enableWebsockets", 1);
    if (root && chance(p, 0.05))
        em_kv_bool(o, "permitInsecure", 1);
    if (!root && chance(p, 0.05))
        em_kv_str(o, "prefixRewrite", "/");
    if (chance(p, 0.15)) {
        em_map(o, "timeoutPolicy");
        em_kv_str(o, "request", chance(p, 0.1) ? "infinity" : "30s");
        em_end(o);
    }
    if (chance(p, 0.1)) {
        em_map(o, "retryPolicy");
        em_kv_int(o, "count", 3);
        em_kv_str(o, "perTryTimeout", "250ms");
        em_end(o);
    }
}

static void delegate(const plan *p, gen_out *o, uint32_t from, uint32_t to, const char *name)
{
    char buf[96], nsn[32];
    if (!name) {
        ir_name(p, to, buf, sizeof buf);
        name = buf;
    }
    em_map(o, "delegate");
    em_kv_str(o, "name", name);
    if (to != NONE && p->nodes[to].ns != p->nodes[from].ns) {
        ns_name(nsn, sizeof nsn, p->nodes[to].ns);
        em_kv_str(o, "namespace", nsn);
    }
    em_end(o);
}

static void virtualhost(plan *p, gen_out *o, uint32_t i)
{
    const node *nd = &p->nodes[i];
    const ns_plan *ns = &p->ns[nd->ns];
    char host[160], secret[64];
    fqdn(p, nd->invalid == INV_DUP_FQDN ? nd->dup_of : i, host, sizeof host);
    em_map(o, "virtualhost");
    em_kv_str(o, "fqdn", host);
    secret[0] = 0;
    if (chance(p, p->sh->root_tls_share)) {
        if (ns->tls_source >= 0 && chance(p, p->sh->delegated_secret_share)) {
            char src[32];
            ns_name(src, sizeof src, (size_t)ns->tls_source);
            snprintf(secret, sizeof secret, "%s/wildcard-tls", src);
        } else if (ns->sec > 0) {
            snprintf(secret, sizeof secret, "wildcard-tls");
        }
    }
    if (secret[0]) {
        em_map(o, "tls");
        em_kv_str(o, "secretName", secret);
        if (chance(p, 0.2))
            em_kv_qstr(o, "minimumProtocolVersion", "1.2");
        em_end(o);
    }
    em_end(o);
}

static void write_ingressroute(plan *p, gen_out *o, uint32_t i)
{
    const node *nd = &p->nodes[i];
    char nsn[32], name[96], pre[512], match[640];
    ns_name(nsn, sizeof nsn, nd->ns);
    ir_name(p, i, name, sizeof name);
    prefix(p, i, pre, sizeof pre);
    int root = nd->role == ROLE_ROOT;
    begin_object(o, "contour.heptio.com/v1beta1", "IngressRoute", nsn, name, apps[nd->app]);
    em_end(o);
    em_map(o, "spec");
    if (root)
        virtualhost(p, o, i);
    em_seq(o, "routes");

    /* The object's own prefix first ("/" for a root), then its delegates, then its other
     * routes: on average routes_per_ingressroute in all. */
    double extra = p->sh->routes_per_ingressroute - 1 -
                   p->sh->delegating_route_share * p->sh->routes_per_ingressroute;
    unsigned own = 1 + geometric(p, extra, MAX_SERVICE_ROUTES - 1);
    size_t word = below(p, NROUTE_WORDS);
    for (unsigned r = 0; r < own; r++) {
        if (r == 0 && nd->invalid == INV_ESCAPE)
            snprintf(match, sizeof match, "/%s-old", segs[nd->seg]);
        else if (r == 0)
            snprintf(match, sizeof match, "%s", pre[0] ? pre : "/");
        else
            snprintf(match, sizeof match, "%s/%s", pre, route_words[(word + r) % NROUTE_WORDS]);
        em_item(o);
        em_kv_str(o, "match", match);
        route_options(p, o, root);
        route_services(p, o, i, r == 0 ? nd->invalid : INV_NONE);
        em_end(o);
        if (r > 0 || nd->role == ROLE_ORPHAN)
            continue;
        for (uint32_t c = nd->first_child; c != NONE; c = p->nodes[c].next_sibling) {
            snprintf(match, sizeof match, "%s/%s", pre, segs[p->nodes[c].seg]);
            em_item(o);
            em_kv_str(o, "match", match);
            delegate(p, o, i, c, NULL);
            em_end(o);
        }
    }
    if (nd->invalid == INV_BOTH) {
        char missing[96];
        snprintf(match, sizeof match, "%s/shared", pre);
        snprintf(missing, sizeof missing, "%s-shared-%u", apps[nd->app], nd->local);
        em_item(o);
        em_kv_str(o, "match", match);
        route_services(p, o, i, INV_NONE);
        delegate(p, o, i, NONE, missing);
        em_end(o);
    } else if (nd->invalid == INV_CYCLE) {
        snprintf(match, sizeof match, "%s/loop", pre);
        em_item(o);
        em_kv_str(o, "match", match);
        delegate(p, o, i, nd->parent, NULL);
        em_end(o);
    }
    em_end(o);
    em_end(o);
    em_doc_end(o);
}

static void ingress_backend(plan *p, gen_out *o, int v1, size_t ns, const char *app)
{
    size_t nsvc = p->ns[ns].svc;
    char name[96];
    if (nsvc == 0)
        snprintf(name, sizeof name, "%s-web", app);
    else
        service_name(name, sizeof name, ns, below(p, nsvc));
    int by_name = chance(p, 0.3);
    em_map(o, "backend");
    if (v1) {
        em_map(o, "service");
        em_kv_str(o, "name", name);
        em_map(o, "port");
        if (by_name)
            em_kv_str(o, "name", "http");
        else
            em_kv_int(o, "number", 80);
        em_end(o);
        em_end(o);
    } else {
        em_kv_str(o, "serviceName", name);
        if (by_name)
            em_kv_str(o, "servicePort", "http");
        else
            em_kv_int(o, "servicePort", 80);
    }
    em_end(o);
}

static void write_ingress(plan *p, gen_out *o, size_t ns, size_t j)
{
    const gen_shape *sh = p->sh;
    char nsn[32], name[96], hosts[MAX_INGRESS_RULES][160];
    ns_name(nsn, sizeof nsn, ns);
    const char *app = ns_app(ns, j + 5);
    snprintf(name, sizeof name, "%s-ingress-%zu", app, j);
    double r = unif(p);
    const char *api = r < 0.6    ? "networking.k8s.io/v1"
                      : r < 0.85 ? "extensions/v1beta1"
                                 : "networking.k8s.io/v1beta1";
    int v1 = r < 0.6;
    unsigned rules = 1 + geometric(p, sh->ingress_rules - 1, MAX_INGRESS_RULES - 1);
    for (unsigned k = 0; k < rules; k++)
        snprintf(hosts[k], sizeof hosts[k], "%s-%zu%s%.0u.%s.apps.example.com", app, j,
                 k ? "-" : "", k, nsn);
    int tls = p->ns[ns].sec > 0 && chance(p, sh->ingress_tls_share);
    int foreign = chance(p, sh->foreign_class_share), redirect = tls && chance(p, 0.5);

    begin_object(o, api, "Ingress", nsn, name, app);
    if (foreign || redirect) {
        em_map(o, "annotations");
        if (foreign)
            em_kv_str(o, "kubernetes.io/ingress.class", "nginx");
        if (redirect)
            em_kv_qstr(o, "ingress.kubernetes.io/force-ssl-redirect", "true");
        em_end(o);
    }
    em_end(o);
    em_map(o, "spec");
    if (tls) {
        em_seq(o, "tls");
        em_item(o);
        em_seq(o, "hosts");
        for (unsigned k = 0; k < rules; k++)
            em_item_str(o, hosts[k]);
        em_end(o);
        em_kv_str(o, "secretName", "wildcard-tls");
        em_end(o);
        em_end(o);
    }
    em_seq(o, "rules");
    for (unsigned k = 0; k < rules; k++) {
        em_item(o);
        em_kv_str(o, "host", hosts[k]);
        em_map(o, "http");
        em_seq(o, "paths");
        unsigned paths = 1 + chance(p, 0.3);
        for (unsigned q = 0; q < paths; q++) {
            char path[64];
            snprintf(path, sizeof path, "/%s", q ? route_words[(j + k) % NROUTE_WORDS] : "");
            em_item(o);
            em_kv_str(o, "path", path);
            if (v1)
                em_kv_str(o, "pathType", "Prefix");
            ingress_backend(p, o, v1, ns, app);
            em_end(o);
        }
        em_end(o);
        em_end(o);
        em_end(o);
    }
    em_end(o);
    em_end(o);
    em_doc_end(o);
}

char *gen_realistic(size_t n, const gen_shape *shape, gen_format format, size_t *len)
{
    plan p;
    memset(&p, 0, sizeof p);
    p.sh = shape;
    p.rng = shape->seed;
    plan_namespaces(&p, n);
    p.nodes = calloc(p.n_ir ? p.n_ir : 1, sizeof *p.nodes);
    if (!p.nodes)
        abort();
    plan_trees(&p);
    plan_invalid(&p);

    gen_out o;
    em_begin(&o, format == GEN_JSON_LIST);
    for (size_t ns = 0; ns < p.n_ns; ns++) {
        const ns_plan *s = &p.ns[ns];
        for (size_t j = 0; j < s->svc; j++)
            write_service(&p, &o, ns, j);
        for (size_t j = 0; j < s->sec; j++)
            write_secret(&o, ns, j);
        if (s->tlscd)
            write_tlscd(&p, &o, ns);
        for (size_t j = 0; j < s->ir_count; j++)
            write_ingressroute(&p, &o, (uint32_t)(s->ir_first + j));
        for (size_t j = 0; j < s->ing; j++)
            write_ingress(&p, &o, ns, j);
    }
    free(p.nodes);
    free(p.ns);
    return em_finish(&o, len);
}
