/*
 * TLS: secret references (spec §2 rule 2), TLSCertificateDelegation, and the secure
 * virtual hosts that Ingresses configure (spec §3).
 */
#include "resolve.h"

#include <string.h>

/* One (secret namespace, secret name, target namespace) that a delegation permits. */
typedef struct deleg_entry {
    const char *ns;
    const char *secret;
    const char *target;
} deleg_entry;

typedef struct deleg_key {
    const char *ns;
    size_t ns_len;
    const char *secret;
    size_t secret_len;
    const char *target;
    size_t target_len;
} deleg_key;

static bool span_eq(const char *nul_terminated, const char *p, size_t n)
{
    return strncmp(nul_terminated, p, n) == 0 && nul_terminated[n] == '\0';
}

static bool deleg_eq(const void *value, const void *key)
{
    const deleg_entry *e = value;
    const deleg_key *k = key;
    return span_eq(e->ns, k->ns, k->ns_len) && span_eq(e->secret, k->secret, k->secret_len) &&
           span_eq(e->target, k->target, k->target_len);
}

static uint64_t deleg_hash(cx_hash_key key, const deleg_key *k)
{
    uint64_t a = cx_hash_pair(key, k->ns, k->ns_len, k->secret, k->secret_len);
    uint64_t b = cx_hash_bytes(key, k->target, k->target_len);
    return a ^ (b * 0x9E3779B97F4A7C15ull + (a << 6) + (a >> 2));
}

bool cx_rs_tls_init(cx_rs *rs)
{
    const contour_snapshot *s = rs->s;
    for (size_t i = 0; i < s->count[CONTOUR_KIND_TLSCERTIFICATEDELEGATION]; i++) {
        const contour_object *o = s->sorted[CONTOUR_KIND_TLSCERTIFICATEDELEGATION][i];
        const cx_tlscertdelegation *td = &o->u.td;
        for (uint32_t d = 0; d < td->delegation_count; d++) {
            const cx_cert_delegation *cd = &td->delegations[d];
            if (!cd->secret_name)
                continue;
            for (uint32_t t = 0; t < cd->target_count; t++) {
                const char *target = cd->targets[t];
                if (!target)
                    continue;
                deleg_key k = {o->ns,  o->ns_len,     cd->secret_name, strlen(cd->secret_name),
                               target, strlen(target)};
                uint64_t h = deleg_hash(rs->delegations.key, &k);
                if (cx_map_find(&rs->delegations, h, deleg_eq, &k))
                    continue;
                deleg_entry *e = cx_arena_alloc(&rs->scratch, sizeof *e);
                if (!e || !cx_map_reserve(&rs->delegations, 1)) {
                    rs->oom = true;
                    return false;
                }
                e->ns = o->ns;
                e->secret = cd->secret_name;
                e->target = target;
                cx_map_put(&rs->delegations, h, deleg_eq, &k, e);
            }
        }
    }
    return true;
}

static bool delegated(cx_rs *rs, const cx_secret_ref *ref, const char *target, size_t target_len)
{
    if (!rs->delegations.count)
        return false;
    deleg_key k = {ref->ns, ref->ns_len, ref->name, ref->name_len, target, target_len};
    return cx_map_find(&rs->delegations, deleg_hash(rs->delegations.key, &k), deleg_eq, &k) != NULL;
}

static bool key_nonempty(const cx_secret *sec, const char *key)
{
    /* keys are sorted and unique */
    uint32_t lo = 0, hi = sec->key_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = strcmp(sec->keys[mid].key, key);
        if (c == 0)
            return sec->keys[mid].nonempty;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return false;
}

cx_secret_rc cx_rs_secret_check(cx_rs *rs, const char *secret_name, const char *target_ns,
                                cx_secret_ref *ref)
{
    memset(ref, 0, sizeof *ref);
    cx_split_secret(secret_name, target_ns, &ref->ns, &ref->ns_len, &ref->name, &ref->name_len);
    const contour_object *sec = cx_snapshot_find(rs->s, CONTOUR_KIND_SECRET, ref->ns, ref->ns_len,
                                                 ref->name, ref->name_len);
    if (!sec)
        return CX_SECRET_NOT_FOUND;
    ref->crt_ok = key_nonempty(&sec->u.sec, "tls.crt");
    ref->key_ok = key_nonempty(&sec->u.sec, "tls.key");
    if (!ref->crt_ok || !ref->key_ok)
        return CX_SECRET_NOT_TLS;
    size_t tl = strlen(target_ns);
    if (ref->ns_len == tl && memcmp(ref->ns, target_ns, tl) == 0)
        return CX_SECRET_OK;
    if (delegated(rs, ref, target_ns, tl) || delegated(rs, ref, "*", 1))
        return CX_SECRET_OK;
    return CX_SECRET_NOT_DELEGATED;
}

const char *cx_secret_code(cx_secret_rc rc)
{
    switch (rc) {
    case CX_SECRET_NOT_FOUND:
        return "tls-secret-not-found";
    case CX_SECRET_NOT_TLS:
        return "tls-secret-not-tls";
    case CX_SECRET_NOT_DELEGATED:
        return "tls-secret-not-delegated";
    default:
        return "";
    }
}

void cx_rs_msg_secret_problem(cx_rs *rs, cx_secret_rc rc, const cx_secret_ref *ref,
                              const char *target_ns)
{
    cx_strbuf *m = &rs->msg;
    cx_strbuf_puts(m, "TLS secret ");
    cx_rs_msg_quote_ref(rs, ref->ns, ref->ns_len, ref->name, ref->name_len);
    switch (rc) {
    case CX_SECRET_NOT_FOUND:
        cx_strbuf_puts(m, " not found");
        break;
    case CX_SECRET_NOT_TLS:
        cx_strbuf_puts(m, " is not a TLS secret: ");
        if (!ref->crt_ok && !ref->key_ok)
            cx_strbuf_puts(m, "tls.crt and tls.key are missing or empty");
        else if (!ref->crt_ok)
            cx_strbuf_puts(m, "tls.crt is missing or empty");
        else
            cx_strbuf_puts(m, "tls.key is missing or empty");
        break;
    case CX_SECRET_NOT_DELEGATED:
        cx_strbuf_puts(m, " is not delegated to namespace ");
        cx_rs_msg_quote(rs, target_ns);
        cx_strbuf_puts(m, " (no TLSCertificateDelegation in namespace ");
        cx_rs_msg_quoten(rs, ref->ns, ref->ns_len);
        cx_strbuf_puts(m, " lists it for that namespace or \"*\")");
        break;
    default:
        break;
    }
}

/* Describes where a secure vhost's TLS came from, for tls-conflict. */
static void msg_tls_owner(cx_rs *rs, const cx_vbuild *vh)
{
    const contour_object *o = vh->tls_owner;
    cx_strbuf_printf(&rs->msg, "%s %s/%s (", contour_kind_name(o->kind), o->ns, o->name);
    if (vh->secret_ns) {
        cx_strbuf_puts(&rs->msg, "secret ");
        cx_rs_msg_quote_ref(rs, vh->secret_ns, strlen(vh->secret_ns), vh->secret_name,
                            strlen(vh->secret_name));
    } else {
        cx_strbuf_puts(&rs->msg, "TLS passthrough");
    }
    cx_strbuf_putc(&rs->msg, ')');
}

void cx_rs_ingress_tls(cx_rs *rs)
{
    const contour_snapshot *s = rs->s;
    for (size_t i = 0; i < s->count[CONTOUR_KIND_INGRESS] && !rs->oom; i++) {
        if (rs->ing_ignored[i])
            continue;
        const contour_object *o = s->sorted[CONTOUR_KIND_INGRESS][i];
        const cx_ingress *ing = &o->u.ing;
        const cx_annotation *mv = cx_compat_annotation(o, "tls-minimum-protocol-version");
        const char *min_version = cx_min_tls_version(mv ? mv->value : NULL);
        if (mv && mv->value && strcmp(mv->value, "1.1") != 0 && strcmp(mv->value, "1.2") != 0 &&
            strcmp(mv->value, "1.3") != 0) {
            cx_rs_msg_reset(rs);
            cx_strbuf_printf(&rs->msg, "annotation %s: ", mv->key);
            cx_rs_msg_quote(rs, mv->value);
            cx_strbuf_puts(&rs->msg, " is not \"1.1\", \"1.2\" or \"1.3\"; using \"1.1\"");
            cx_rs_diag(rs, CONTOUR_SEVERITY_WARNING, "invalid-annotation", o, mv->pos,
                       "metadata.annotations[%s]", mv->key);
        }
        for (uint32_t t = 0; t < ing->tls_count && !rs->oom; t++) {
            const cx_ingress_tls *tls = &ing->tls[t];
            cx_pos pos = tls->secret_pos.line ? tls->secret_pos : tls->pos;
            if (!tls->secret_name || !*tls->secret_name) {
                cx_rs_msg_reset(rs);
                cx_strbuf_printf(
                    &rs->msg, "spec.tls[%u] names no secret; its hosts are served without TLS", t);
                cx_rs_diag(rs, CONTOUR_SEVERITY_WARNING, "tls-secret-not-found", o, pos,
                           "spec.tls[%u]", t);
                continue;
            }
            cx_secret_ref ref;
            cx_secret_rc rc = cx_rs_secret_check(rs, tls->secret_name, o->ns, &ref);
            if (rc != CX_SECRET_OK) {
                cx_rs_msg_reset(rs);
                cx_rs_msg_secret_problem(rs, rc, &ref, o->ns);
                cx_strbuf_printf(&rs->msg, "; spec.tls[%u] is ignored", t);
                cx_rs_diag(rs, CONTOUR_SEVERITY_WARNING, cx_secret_code(rc), o, pos,
                           "spec.tls[%u].secretName", t);
                continue;
            }
            const char *sns = cx_rs_strn(rs, ref.ns, ref.ns_len);
            const char *sname = cx_rs_strn(rs, ref.name, ref.name_len);
            for (uint32_t h = 0; h < tls->host_count && !rs->oom; h++) {
                const char *host = tls->hosts[h];
                if (!host || strcmp(host, "*") == 0)
                    continue;
                cx_vbuild *vh = cx_rs_vhost(rs, host);
                if (!vh)
                    return;
                vh->ingress_tls = true;
                if (!vh->secure) {
                    vh->secure = true;
                    vh->secret_ns = sns;
                    vh->secret_name = sname;
                    vh->min_version = min_version;
                    vh->tls_owner = o;
                    continue;
                }
                if (vh->secret_ns && vh->secret_ns == sns && vh->secret_name == sname)
                    continue; /* the same secret (graph strings are interned) */
                cx_rs_msg_reset(rs);
                cx_strbuf_puts(&rs->msg, "virtual host ");
                cx_rs_msg_quote(rs, host);
                cx_strbuf_puts(&rs->msg, " already takes its TLS settings from ");
                msg_tls_owner(rs, vh);
                cx_strbuf_puts(&rs->msg, "; secret ");
                cx_rs_msg_quote_ref(rs, ref.ns, ref.ns_len, ref.name, ref.name_len);
                cx_strbuf_puts(&rs->msg, " is not used for it");
                cx_rs_diag(rs, CONTOUR_SEVERITY_WARNING, "tls-conflict", o, pos,
                           "spec.tls[%u].secretName", t);
            }
        }
    }
}
