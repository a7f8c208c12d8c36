/* The public accessors of loaded objects (contour/object.h): NULL-safe and kind-checked. */
#include "model.h"

#include <string.h>

static const contour_object *of_kind(const contour_object *o, contour_kind k)
{
    return o && o->kind == k ? o : NULL;
}

#define IR(o)  of_kind((o), CONTOUR_KIND_INGRESSROUTE)
#define TD(o)  of_kind((o), CONTOUR_KIND_TLSCERTIFICATEDELEGATION)
#define ING(o) of_kind((o), CONTOUR_KIND_INGRESS)
#define SVC(o) of_kind((o), CONTOUR_KIND_SERVICE)
#define SEC(o) of_kind((o), CONTOUR_KIND_SECRET)

/* ---- any object ---- */

contour_kind contour_object_kind(const contour_object *o)
{
    return o ? o->kind : CONTOUR_KIND_NONE;
}

const char *contour_object_api_version(const contour_object *o)
{
    return o ? o->api_version : NULL;
}

const char *contour_object_namespace(const contour_object *o)
{
    return o ? o->ns : NULL;
}

const char *contour_object_name(const contour_object *o)
{
    return o ? o->name : NULL;
}

const char *contour_object_file(const contour_object *o)
{
    return o && o->source ? o->source->name : NULL;
}

uint32_t contour_object_line(const contour_object *o)
{
    return o ? o->pos.line : 0;
}

uint32_t contour_object_column(const contour_object *o)
{
    return o ? o->pos.col : 0;
}

size_t contour_object_annotation_count(const contour_object *o)
{
    return o ? o->annotation_count : 0;
}

const contour_annotation *contour_object_annotation_at(const contour_object *o, size_t index)
{
    return o && index < o->annotation_count ? &o->annotations[index] : NULL;
}

const contour_annotation *contour_object_find_annotation(const contour_object *o, const char *key,
                                                         size_t key_len)
{
    if (!o || (!key && key_len))
        return NULL;
    for (uint32_t i = 0; i < o->annotation_count; i++) {
        const char *k = o->annotations[i].key;
        if (strlen(k) == key_len && (key_len == 0 || memcmp(k, key, key_len) == 0))
            return &o->annotations[i];
    }
    return NULL;
}

const char *contour_annotation_key(const contour_annotation *a)
{
    return a ? a->key : NULL;
}

const char *contour_annotation_value(const contour_annotation *a)
{
    return a ? (a->value ? a->value : "") : NULL;
}

size_t contour_object_diagnostic_count(const contour_object *o)
{
    return o ? o->diags.count : 0;
}

const contour_diagnostic *contour_object_diagnostic_at(const contour_object *o, size_t index)
{
    return o && o->sorted_diags && index < o->diags.count ? o->sorted_diags[index] : NULL;
}

/* ---- IngressRoute ---- */

bool contour_ingressroute_has_virtualhost(const contour_object *o)
{
    return IR(o) ? o->u.ir.has_virtualhost : false;
}

const char *contour_ingressroute_fqdn(const contour_object *o)
{
    return IR(o) ? o->u.ir.fqdn : NULL;
}

bool contour_ingressroute_has_tls(const contour_object *o)
{
    return IR(o) ? o->u.ir.has_tls : false;
}

const char *contour_ingressroute_tls_secret_name(const contour_object *o)
{
    return IR(o) ? o->u.ir.tls_secret_name : NULL;
}

const char *contour_ingressroute_tls_min_protocol_version(const contour_object *o)
{
    return IR(o) ? o->u.ir.tls_min_version : NULL;
}

bool contour_ingressroute_tls_passthrough(const contour_object *o)
{
    return IR(o) ? o->u.ir.tls_passthrough : false;
}

size_t contour_ingressroute_route_count(const contour_object *o)
{
    return IR(o) ? o->u.ir.route_count : 0;
}

const contour_ingressroute_route *contour_ingressroute_route_at(const contour_object *o,
                                                                size_t index)
{
    return IR(o) && index < o->u.ir.route_count ? &o->u.ir.routes[index] : NULL;
}

bool contour_ingressroute_has_tcpproxy(const contour_object *o)
{
    return IR(o) ? o->u.ir.has_tcpproxy : false;
}

size_t contour_ingressroute_tcpproxy_service_count(const contour_object *o)
{
    return IR(o) ? o->u.ir.tcp_service_count : 0;
}

const contour_ingressroute_service *
contour_ingressroute_tcpproxy_service_at(const contour_object *o, size_t index)
{
    return IR(o) && index < o->u.ir.tcp_service_count ? &o->u.ir.tcp_services[index] : NULL;
}

bool contour_ingressroute_tcpproxy_has_delegate(const contour_object *o)
{
    return IR(o) ? o->u.ir.tcp_has_delegate : false;
}

const char *contour_ingressroute_tcpproxy_delegate_name(const contour_object *o)
{
    return IR(o) && o->u.ir.tcp_has_delegate ? o->u.ir.tcp_delegate.name : NULL;
}

const char *contour_ingressroute_tcpproxy_delegate_namespace(const contour_object *o)
{
    return IR(o) && o->u.ir.tcp_has_delegate ? o->u.ir.tcp_delegate.ns : NULL;
}

/* ---- IngressRoute routes ---- */

const char *contour_ingressroute_route_match(const contour_ingressroute_route *r)
{
    return r ? r->match : NULL;
}

size_t contour_ingressroute_route_service_count(const contour_ingressroute_route *r)
{
    return r ? r->service_count : 0;
}

const contour_ingressroute_service *
contour_ingressroute_route_service_at(const contour_ingressroute_route *r, size_t index)
{
    return r && index < r->service_count ? &r->services[index] : NULL;
}

bool contour_ingressroute_route_has_delegate(const contour_ingressroute_route *r)
{
    return r ? r->has_delegate : false;
}

const char *contour_ingressroute_route_delegate_name(const contour_ingressroute_route *r)
{
    return r && r->has_delegate ? r->delegate.name : NULL;
}

const char *contour_ingressroute_route_delegate_namespace(const contour_ingressroute_route *r)
{
    return r && r->has_delegate ? r->delegate.ns : NULL;
}

bool contour_ingressroute_route_enable_websockets(const contour_ingressroute_route *r)
{
    return r ? r->enable_websockets : false;
}

bool contour_ingressroute_route_permit_insecure(const contour_ingressroute_route *r)
{
    return r ? r->permit_insecure : false;
}

const char *contour_ingressroute_route_prefix_rewrite(const contour_ingressroute_route *r)
{
    return r ? r->prefix_rewrite : NULL;
}

bool contour_ingressroute_route_has_timeout_policy(const contour_ingressroute_route *r)
{
    return r ? r->has_timeout_policy : false;
}

const char *contour_ingressroute_route_timeout_policy_request(const contour_ingressroute_route *r)
{
    return r ? r->timeout_request : NULL;
}

bool contour_ingressroute_route_has_retry_policy(const contour_ingressroute_route *r)
{
    return r ? r->has_retry_policy : false;
}

int64_t contour_ingressroute_route_retry_policy_count(const contour_ingressroute_route *r)
{
    return r ? r->retry_count : 0;
}

const char *
contour_ingressroute_route_retry_policy_per_try_timeout(const contour_ingressroute_route *r)
{
    return r ? r->retry_per_try_timeout : NULL;
}

/* ---- IngressRoute services ---- */

const char *contour_ingressroute_service_name(const contour_ingressroute_service *s)
{
    return s ? s->name : NULL;
}

int64_t contour_ingressroute_service_port(const contour_ingressroute_service *s)
{
    return s ? s->port : 0;
}

int64_t contour_ingressroute_service_weight(const contour_ingressroute_service *s)
{
    return s ? s->weight : 0;
}

const char *contour_ingressroute_service_strategy(const contour_ingressroute_service *s)
{
    return s ? s->strategy : NULL;
}

const contour_health_check *
contour_ingressroute_service_health_check(const contour_ingressroute_service *s)
{
    return s && s->has_health_check ? s->health_check : NULL;
}

/* ---- health checks (as written here; with defaults in a cluster) ---- */

const char *contour_health_check_path(const contour_health_check *h)
{
    return h ? h->path : NULL;
}

const char *contour_health_check_host(const contour_health_check *h)
{
    return h ? h->host : NULL;
}

int64_t contour_health_check_interval_s(const contour_health_check *h)
{
    return h ? h->interval_s : 0;
}

int64_t contour_health_check_timeout_s(const contour_health_check *h)
{
    return h ? h->timeout_s : 0;
}

int64_t contour_health_check_unhealthy_threshold(const contour_health_check *h)
{
    return h ? h->unhealthy_threshold : 0;
}

int64_t contour_health_check_healthy_threshold(const contour_health_check *h)
{
    return h ? h->healthy_threshold : 0;
}

/* ---- TLSCertificateDelegation ---- */

size_t contour_tlscertificatedelegation_delegation_count(const contour_object *o)
{
    return TD(o) ? o->u.td.delegation_count : 0;
}

const contour_tlscertificatedelegation_delegation *
contour_tlscertificatedelegation_delegation_at(const contour_object *o, size_t index)
{
    return TD(o) && index < o->u.td.delegation_count ? &o->u.td.delegations[index] : NULL;
}

const char *contour_tlscertificatedelegation_delegation_secret_name(
    const contour_tlscertificatedelegation_delegation *d)
{
    return d ? d->secret_name : NULL;
}

size_t contour_tlscertificatedelegation_delegation_target_namespace_count(
    const contour_tlscertificatedelegation_delegation *d)
{
    return d ? d->target_count : 0;
}

const char *contour_tlscertificatedelegation_delegation_target_namespace_at(
    const contour_tlscertificatedelegation_delegation *d, size_t index)
{
    return d && index < d->target_count ? d->targets[index] : NULL;
}

/* ---- Ingress ---- */

const char *contour_ingress_class_name(const contour_object *o)
{
    return ING(o) ? o->u.ing.class_name : NULL;
}

const contour_ingress_backend *contour_ingress_default_backend(const contour_object *o)
{
    return ING(o) && o->u.ing.has_default_backend ? &o->u.ing.default_backend : NULL;
}

size_t contour_ingress_rule_count(const contour_object *o)
{
    return ING(o) ? o->u.ing.rule_count : 0;
}

const contour_ingress_rule *contour_ingress_rule_at(const contour_object *o, size_t index)
{
    return ING(o) && index < o->u.ing.rule_count ? &o->u.ing.rules[index] : NULL;
}

size_t contour_ingress_tls_count(const contour_object *o)
{
    return ING(o) ? o->u.ing.tls_count : 0;
}

const contour_ingress_tls *contour_ingress_tls_at(const contour_object *o, size_t index)
{
    return ING(o) && index < o->u.ing.tls_count ? &o->u.ing.tls[index] : NULL;
}

const char *contour_ingress_tls_secret_name(const contour_ingress_tls *t)
{
    return t ? t->secret_name : NULL;
}

size_t contour_ingress_tls_host_count(const contour_ingress_tls *t)
{
    return t ? t->host_count : 0;
}

const char *contour_ingress_tls_host_at(const contour_ingress_tls *t, size_t index)
{
    return t && index < t->host_count ? t->hosts[index] : NULL;
}

const char *contour_ingress_rule_host(const contour_ingress_rule *r)
{
    return r ? r->host : NULL;
}

bool contour_ingress_rule_has_http(const contour_ingress_rule *r)
{
    return r ? r->has_http : false;
}

size_t contour_ingress_rule_path_count(const contour_ingress_rule *r)
{
    return r ? r->path_count : 0;
}

const contour_ingress_path *contour_ingress_rule_path_at(const contour_ingress_rule *r,
                                                         size_t index)
{
    return r && index < r->path_count ? &r->paths[index] : NULL;
}

const char *contour_ingress_path_path(const contour_ingress_path *p)
{
    return p ? p->path : NULL;
}

const char *contour_ingress_path_path_type(const contour_ingress_path *p)
{
    return p ? p->path_type : NULL;
}

const contour_ingress_backend *contour_ingress_path_backend(const contour_ingress_path *p)
{
    return p && p->has_backend ? &p->backend : NULL;
}

const char *contour_ingress_backend_service_name(const contour_ingress_backend *b)
{
    return b ? b->service : NULL;
}

int64_t contour_ingress_backend_port(const contour_ingress_backend *b)
{
    return b && !b->port_is_name ? b->port_number : 0;
}

const char *contour_ingress_backend_port_name(const contour_ingress_backend *b)
{
    return b && b->port_is_name ? b->port_name : NULL;
}

bool contour_ingress_backend_is_resource(const contour_ingress_backend *b)
{
    return b ? b->is_resource : false;
}

/* ---- Service ---- */

size_t contour_service_port_count(const contour_object *o)
{
    return SVC(o) ? o->u.svc.port_count : 0;
}

const contour_service_port *contour_service_port_at(const contour_object *o, size_t index)
{
    return SVC(o) && index < o->u.svc.port_count ? &o->u.svc.ports[index] : NULL;
}

const char *contour_service_port_name(const contour_service_port *p)
{
    return p ? p->name : NULL;
}

int64_t contour_service_port_port(const contour_service_port *p)
{
    return p ? p->port : 0;
}

/* ---- Secret ---- */

const char *contour_secret_type(const contour_object *o)
{
    return SEC(o) ? o->u.sec.type : NULL;
}

size_t contour_secret_key_count(const contour_object *o)
{
    return SEC(o) ? o->u.sec.key_count : 0;
}

const contour_secret_key *contour_secret_key_at(const contour_object *o, size_t index)
{
    return SEC(o) && index < o->u.sec.key_count ? &o->u.sec.keys[index] : NULL;
}

const char *contour_secret_key_name(const contour_secret_key *k)
{
    return k ? k->key : NULL;
}

bool contour_secret_key_has_value(const contour_secret_key *k)
{
    return k ? k->nonempty : false;
}

static bool secret_has(const contour_object *o, const char *key)
{
    for (uint32_t i = 0; i < o->u.sec.key_count; i++) {
        if (strcmp(o->u.sec.keys[i].key, key) == 0)
            return o->u.sec.keys[i].nonempty;
    }
    return false;
}

bool contour_secret_is_tls(const contour_object *o)
{
    return SEC(o) && secret_has(o, "tls.crt") && secret_has(o, "tls.key");
}
