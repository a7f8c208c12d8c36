/* Service (v1), Secret (v1) and TLSCertificateDelegation (contour.heptio.com/v1beta1). */
#include "convert_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- Service ---- */

/* Every field of a Kubernetes ServiceSpec; only ports is read. */
static const char *const service_spec_fields[] = {"ports",
                                                  "selector",
                                                  "clusterIP",
                                                  "clusterIPs",
                                                  "type",
                                                  "externalIPs",
                                                  "sessionAffinity",
                                                  "loadBalancerIP",
                                                  "loadBalancerSourceRanges",
                                                  "externalName",
                                                  "externalTrafficPolicy",
                                                  "healthCheckNodePort",
                                                  "publishNotReadyAddresses",
                                                  "sessionAffinityConfig",
                                                  "topologyKeys",
                                                  "ipFamily",
                                                  "ipFamilies",
                                                  "ipFamilyPolicy",
                                                  "allocateLoadBalancerNodePorts",
                                                  "loadBalancerClass",
                                                  "internalTrafficPolicy",
                                                  "trafficDistribution",
                                                  NULL};
enum { SVC_PORTS = 0 };

static const char *const service_port_fields[] = {"name",       "protocol", "appProtocol", "port",
                                                  "targetPort", "nodePort", NULL};
enum { SP_NAME = 0, SP_PORT = 3 };

static cv_rc read_service_port(cv *c, const cx_node *item, cx_pos pos, void *elem)
{
    cx_service_port *p = elem;
    p->pos = pos;
    for (uint32_t i = 0; item && i < item->len; i++) {
        const cx_node *v = CV_VAL(item, i);
        switch (cv_field_index(CV_KEY(item, i), service_port_fields)) {
        case SP_NAME:
            CV_TRY(cv_string(c, "name", v, &p->name, NULL));
            break;
        case SP_PORT:
            CV_TRY(cv_int(c, "port", v, CX_INT32_MIN, CX_INT32_MAX, &p->port, NULL));
            break;
        case -1:
            CV_TRY(cv_unknown_field(c, CV_KEY(item, i)));
            break;
        default:
            break;
        }
    }
    return CV_OK;
}

cv_rc cv_read_service(cv *c, const cx_node *root)
{
    const cx_node *spec;
    CV_TRY(cv_spec(c, root, &spec));
    cx_service *s = &c->o->u.svc;
    cv_push_field(c, "spec");
    cv_rc rc = CV_OK;
    for (uint32_t i = 0; spec && i < spec->len; i++) {
        const cx_node *k = CV_KEY(spec, i);
        switch (cv_field_index(k, service_spec_fields)) {
        case SVC_PORTS:
            rc = cv_items(c, "ports", CV_VAL(spec, i), sizeof *s->ports, read_service_port,
                          (void **)&s->ports, &s->port_count);
            break;
        case -1:
            rc = cv_unknown_field(c, k);
            break;
        default:
            break;
        }
        if (rc != CV_OK)
            break;
    }
    cv_pop(c);
    return rc;
}

/* ---- Secret ---- */

typedef struct key_ref {
    const cx_node *key;
    bool nonempty;
} key_ref;

static int key_ref_compare(const void *pa, const void *pb)
{
    const cx_node *a = ((const key_ref *)pa)->key, *b = ((const key_ref *)pb)->key;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->u.str, b->u.str, n);
    if (c)
        return c;
    return (a->len > b->len) - (a->len < b->len);
}

/* Checks the values of `data` or `stringData` (strings; only their emptiness is kept) and
 * appends the keys to refs. */
static cv_rc secret_keys(cv *c, const char *field, const cx_node *map, key_ref *refs, size_t *n)
{
    cv_push_field(c, field);
    for (uint32_t i = 0; i < map->len; i++) {
        const cx_node *k = CV_KEY(map, i), *v = CV_VAL(map, i);
        size_t len;
        cx_read r;
        cv_rc rc = cv_string_entry(c, k, v, &r, &len);
        if (rc != CV_OK) {
            cv_pop(c);
            return rc;
        }
        refs[*n].key = k;
        refs[*n].nonempty = r == CX_READ_OK && len > 0;
        (*n)++;
    }
    cv_pop(c);
    return CV_OK;
}

/* Sorted, unique keys of data and stringData together; never their values. */
static cv_rc secret_build(cv *c, const cx_node *data, const cx_node *string_data)
{
    size_t total;
    size_t a = data ? data->len : 0, b = string_data ? string_data->len : 0;
    if (!cx_size_add(a, b, &total))
        return CV_NOMEM;
    if (total == 0)
        return CV_OK;
    size_t bytes;
    if (!cx_size_mul(total, sizeof(key_ref), &bytes))
        return CV_NOMEM;
    key_ref *refs = cx_malloc(c->ctx->alloc, bytes);
    if (!refs)
        return CV_NOMEM;
    size_t n = 0;
    cv_rc rc = CV_OK;
    if (data)
        rc = secret_keys(c, "data", data, refs, &n);
    if (rc == CV_OK && string_data)
        rc = secret_keys(c, "stringData", string_data, refs, &n);
    if (rc != CV_OK) {
        cx_free(c->ctx->alloc, refs);
        return rc;
    }
    qsort(refs, n, sizeof *refs, key_ref_compare);
    size_t unique = 0;
    for (size_t i = 0; i < n; i++) {
        if (unique && key_ref_compare(&refs[unique - 1], &refs[i]) == 0)
            refs[unique - 1].nonempty |= refs[i].nonempty;
        else
            refs[unique++] = refs[i];
    }
    cx_secret *s = &c->o->u.sec;
    rc = cv_array(c, unique, sizeof *s->keys, (void **)&s->keys);
    for (size_t i = 0; rc == CV_OK && i < unique; i++) {
        s->keys[i].nonempty = refs[i].nonempty;
        if (!(s->keys[i].key = cv_node_str(c, refs[i].key)))
            rc = CV_NOMEM;
    }
    if (rc == CV_OK)
        s->key_count = (uint32_t)unique;
    cx_free(c->ctx->alloc, refs);
    return rc;
}

cv_rc cv_read_secret(cv *c, const cx_node *root)
{
    const cx_node *data = NULL, *string_data = NULL;
    for (uint32_t i = 0; root && i < root->len; i++) {
        const cx_node *k = CV_KEY(root, i), *v = CV_VAL(root, i);
        if (cx_node_is(k, "data"))
            CV_TRY(cv_map(c, "data", v, &data));
        else if (cx_node_is(k, "stringData"))
            CV_TRY(cv_map(c, "stringData", v, &string_data));
        else if (cx_node_is(k, "type"))
            CV_TRY(cv_string(c, "type", v, &c->o->u.sec.type, NULL));
    }
    return secret_build(c, data, string_data);
}

/* ---- TLSCertificateDelegation ---- */

static const char *const td_spec_fields[] = {"delegations", NULL};
static const char *const td_delegation_fields[] = {"secretName", "targetNamespaces", NULL};

static cv_rc read_cert_delegation(cv *c, const cx_node *item, cx_pos pos, void *elem)
{
    cx_cert_delegation *d = elem;
    d->pos = pos;
    for (uint32_t i = 0; item && i < item->len; i++) {
        const cx_node *v = CV_VAL(item, i);
        switch (cv_field_index(CV_KEY(item, i), td_delegation_fields)) {
        case 0:
            CV_TRY(cv_string(c, "secretName", v, &d->secret_name, NULL));
            break;
        case 1:
            CV_TRY(cv_string_list(c, "targetNamespaces", v, &d->targets, &d->target_count));
            break;
        default:
            CV_TRY(cv_unknown_field(c, CV_KEY(item, i)));
            break;
        }
    }
    return CV_OK;
}

cv_rc cv_read_tlscertdelegation(cv *c, const cx_node *root)
{
    const cx_node *spec;
    CV_TRY(cv_spec(c, root, &spec));
    cx_tlscertdelegation *td = &c->o->u.td;
    cv_push_field(c, "spec");
    cv_rc rc = CV_OK;
    for (uint32_t i = 0; spec && i < spec->len; i++) {
        const cx_node *k = CV_KEY(spec, i);
        if (cv_field_index(k, td_spec_fields) == 0)
            rc = cv_items(c, "delegations", CV_VAL(spec, i), sizeof *td->delegations,
                          read_cert_delegation, (void **)&td->delegations, &td->delegation_count);
        else
            rc = cv_unknown_field(c, k);
        if (rc != CV_OK)
            break;
    }
    cv_pop(c);
    return rc;
}
