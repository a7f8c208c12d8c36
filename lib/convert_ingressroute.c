/* IngressRoute (contour.heptio.com/v1beta1). Integers are Go ints (64-bit). */
#include "convert_internal.h"

static const char *const spec_fields[] = {"virtualhost", "routes", "tcpproxy", NULL};
enum { SPEC_VHOST, SPEC_ROUTES, SPEC_TCPPROXY };

static const char *const vhost_fields[] = {"fqdn", "tls", NULL};
enum { VH_FQDN, VH_TLS };

static const char *const tls_fields[] = {"secretName", "minimumProtocolVersion", "passthrough",
                                         NULL};
enum { TLS_SECRET, TLS_MIN_VERSION, TLS_PASSTHROUGH };

static const char *const route_fields[] = {"match",
                                           "services",
                                           "delegate",
                                           "enableWebsockets",
                                           "permitInsecure",
                                           "prefixRewrite",
                                           "timeoutPolicy",
                                           "retryPolicy",
                                           NULL};
enum {
    RT_MATCH,
    RT_SERVICES,
    RT_DELEGATE,
    RT_WEBSOCKETS,
    RT_PERMIT_INSECURE,
    RT_PREFIX_REWRITE,
    RT_TIMEOUT,
    RT_RETRY
};

/* `validation` (upstream TLS validation, Contour 1.x) is known and not used. */
static const char *const service_fields[] = {"name",        "port",       "weight", "strategy",
                                             "healthCheck", "validation", NULL};
enum { SV_NAME, SV_PORT, SV_WEIGHT, SV_STRATEGY, SV_HEALTH, SV_VALIDATION };

static const char *const health_fields[] = {"path",
                                            "host",
                                            "intervalSeconds",
                                            "timeoutSeconds",
                                            "unhealthyThresholdCount",
                                            "healthyThresholdCount",
                                            NULL};
enum { HC_PATH, HC_HOST, HC_INTERVAL, HC_TIMEOUT, HC_UNHEALTHY, HC_HEALTHY };

static const char *const delegate_fields[] = {"name", "namespace", NULL};
static const char *const timeout_fields[] = {"request", NULL};
static const char *const retry_fields[] = {"count", "perTryTimeout", NULL};
static const char *const tcpproxy_fields[] = {"services", "delegate", NULL};

/* Enters a sub-map `key`: its map (NULL when null) with the path pushed. The caller pops
 * when the map is not NULL. */
static cv_rc enter(cv *c, const char *key, const cx_node *v, const cx_node **map)
{
    CV_TRY(cv_map(c, key, v, map));
    if (*map)
        cv_push_field(c, key);
    return CV_OK;
}

/* ---- services ---- */

static cv_rc read_health_check(cv *c, const cx_node *map, cx_health_check *h)
{
    for (uint32_t i = 0; map && i < map->len; i++) {
        const cx_node *v = CV_VAL(map, i);
        switch (cv_field_index(CV_KEY(map, i), health_fields)) {
        case HC_PATH:
            CV_TRY(cv_string(c, "path", v, &h->path, NULL));
            break;
        case HC_HOST:
            CV_TRY(cv_string(c, "host", v, &h->host, NULL));
            break;
        case HC_INTERVAL:
            CV_TRY(cv_int(c, "intervalSeconds", v, INT64_MIN, INT64_MAX, &h->interval_s, NULL));
            break;
        case HC_TIMEOUT:
            CV_TRY(cv_int(c, "timeoutSeconds", v, INT64_MIN, INT64_MAX, &h->timeout_s, NULL));
            break;
        case HC_UNHEALTHY:
            CV_TRY(cv_int(c, "unhealthyThresholdCount", v, INT64_MIN, INT64_MAX,
                          &h->unhealthy_threshold, NULL));
            break;
        case HC_HEALTHY:
            CV_TRY(cv_int(c, "healthyThresholdCount", v, INT64_MIN, INT64_MAX,
                          &h->healthy_threshold, NULL));
            break;
        default:
            CV_TRY(cv_unknown_field(c, CV_KEY(map, i)));
            break;
        }
    }
    return CV_OK;
}

static cv_rc read_service(cv *c, const cx_node *item, cx_pos pos, void *elem)
{
    contour_ingressroute_service *s = elem;
    s->pos = pos;
    s->port_pos = pos;
    s->weight_pos = pos;
    for (uint32_t i = 0; item && i < item->len; i++) {
        const cx_node *v = CV_VAL(item, i);
        const cx_node *map;
        switch (cv_field_index(CV_KEY(item, i), service_fields)) {
        case SV_NAME:
            CV_TRY(cv_string(c, "name", v, &s->name, NULL));
            break;
        case SV_PORT:
            CV_TRY(cv_int(c, "port", v, INT64_MIN, INT64_MAX, &s->port, &s->port_pos));
            break;
        case SV_WEIGHT:
            CV_TRY(cv_int(c, "weight", v, INT64_MIN, INT64_MAX, &s->weight, &s->weight_pos));
            break;
        case SV_STRATEGY:
            CV_TRY(cv_string(c, "strategy", v, &s->strategy, NULL));
            break;
        case SV_HEALTH:
            CV_TRY(enter(c, "healthCheck", v, &map));
            if (map) {
                cx_health_check *hc = cx_arena_zalloc(c->arena, sizeof *hc);
                if (!hc)
                    return CV_NOMEM;
                s->has_health_check = true;
                s->health_check = hc;
                cv_rc rc = read_health_check(c, map, hc);
                cv_pop(c);
                CV_TRY(rc);
            }
            break;
        case SV_VALIDATION:
            break;
        default:
            CV_TRY(cv_unknown_field(c, CV_KEY(item, i)));
            break;
        }
    }
    return CV_OK;
}

/* ---- delegates ---- */

static cv_rc read_delegate(cv *c, const cx_node *v, bool *has, cx_delegate *d)
{
    const cx_node *map;
    CV_TRY(enter(c, "delegate", v, &map));
    if (!map)
        return CV_OK;
    *has = true;
    d->pos = map->pos;
    cv_rc rc = CV_OK;
    for (uint32_t i = 0; map && i < map->len; i++) {
        const cx_node *val = CV_VAL(map, i);
        switch (cv_field_index(CV_KEY(map, i), delegate_fields)) {
        case 0:
            rc = cv_string(c, "name", val, &d->name, NULL);
            break;
        case 1:
            rc = cv_string(c, "namespace", val, &d->ns, NULL);
            break;
        default:
            rc = cv_unknown_field(c, CV_KEY(map, i));
            break;
        }
        if (rc != CV_OK)
            break;
    }
    cv_pop(c);
    return rc;
}

/* ---- routes ---- */

static cv_rc read_timeout_policy(cv *c, const cx_node *map, contour_ingressroute_route *r)
{
    r->has_timeout_policy = true;
    r->timeout_pos = map->pos;
    for (uint32_t i = 0; map && i < map->len; i++) {
        if (cv_field_index(CV_KEY(map, i), timeout_fields) == 0)
            CV_TRY(cv_string(c, "request", CV_VAL(map, i), &r->timeout_request, &r->timeout_pos));
        else
            CV_TRY(cv_unknown_field(c, CV_KEY(map, i)));
    }
    return CV_OK;
}

static cv_rc read_retry_policy(cv *c, const cx_node *map, contour_ingressroute_route *r)
{
    r->has_retry_policy = true;
    r->per_try_pos = map->pos;
    for (uint32_t i = 0; map && i < map->len; i++) {
        const cx_node *v = CV_VAL(map, i);
        switch (cv_field_index(CV_KEY(map, i), retry_fields)) {
        case 0:
            CV_TRY(cv_int(c, "count", v, INT64_MIN, INT64_MAX, &r->retry_count, NULL));
            break;
        case 1:
            CV_TRY(cv_string(c, "perTryTimeout", v, &r->retry_per_try_timeout, &r->per_try_pos));
            break;
        default:
            CV_TRY(cv_unknown_field(c, CV_KEY(map, i)));
            break;
        }
    }
    return CV_OK;
}

static cv_rc read_route(cv *c, const cx_node *item, cx_pos pos, void *elem)
{
    contour_ingressroute_route *r = elem;
    r->pos = pos;
    r->match_pos = pos;
    r->timeout_pos = pos;
    r->per_try_pos = pos;
    for (uint32_t i = 0; item && i < item->len; i++) {
        const cx_node *v = CV_VAL(item, i);
        const cx_node *map;
        cv_rc rc = CV_OK;
        switch (cv_field_index(CV_KEY(item, i), route_fields)) {
        case RT_MATCH:
            rc = cv_string(c, "match", v, &r->match, &r->match_pos);
            break;
        case RT_SERVICES:
            rc = cv_items(c, "services", v, sizeof *r->services, read_service,
                          (void **)&r->services, &r->service_count);
            break;
        case RT_DELEGATE:
            rc = read_delegate(c, v, &r->has_delegate, &r->delegate);
            break;
        case RT_WEBSOCKETS:
            rc = cv_bool(c, "enableWebsockets", v, &r->enable_websockets);
            break;
        case RT_PERMIT_INSECURE:
            rc = cv_bool(c, "permitInsecure", v, &r->permit_insecure);
            break;
        case RT_PREFIX_REWRITE:
            rc = cv_string(c, "prefixRewrite", v, &r->prefix_rewrite, NULL);
            break;
        case RT_TIMEOUT:
            CV_TRY(enter(c, "timeoutPolicy", v, &map));
            if (map) {
                rc = read_timeout_policy(c, map, r);
                cv_pop(c);
            }
            break;
        case RT_RETRY:
            CV_TRY(enter(c, "retryPolicy", v, &map));
            if (map) {
                rc = read_retry_policy(c, map, r);
                cv_pop(c);
            }
            break;
        default:
            rc = cv_unknown_field(c, CV_KEY(item, i));
            break;
        }
        CV_TRY(rc);
    }
    return CV_OK;
}

/* ---- virtualhost, tcpproxy ---- */

static cv_rc read_tls(cv *c, const cx_node *map, cx_ingressroute *ir)
{
    ir->has_tls = true;
    ir->secret_pos = map->pos;
    for (uint32_t i = 0; map && i < map->len; i++) {
        const cx_node *v = CV_VAL(map, i);
        switch (cv_field_index(CV_KEY(map, i), tls_fields)) {
        case TLS_SECRET:
            CV_TRY(cv_string(c, "secretName", v, &ir->tls_secret_name, &ir->secret_pos));
            break;
        case TLS_MIN_VERSION:
            CV_TRY(cv_string(c, "minimumProtocolVersion", v, &ir->tls_min_version, NULL));
            break;
        case TLS_PASSTHROUGH:
            CV_TRY(cv_bool(c, "passthrough", v, &ir->tls_passthrough));
            break;
        default:
            CV_TRY(cv_unknown_field(c, CV_KEY(map, i)));
            break;
        }
    }
    return CV_OK;
}

static cv_rc read_vhost(cv *c, const cx_node *map, cx_ingressroute *ir)
{
    ir->has_virtualhost = true;
    ir->vhost_pos = map->pos;
    ir->fqdn_pos = map->pos;
    ir->secret_pos = map->pos;
    for (uint32_t i = 0; map && i < map->len; i++) {
        const cx_node *v = CV_VAL(map, i);
        const cx_node *tls;
        switch (cv_field_index(CV_KEY(map, i), vhost_fields)) {
        case VH_FQDN:
            CV_TRY(cv_string(c, "fqdn", v, &ir->fqdn, &ir->fqdn_pos));
            break;
        case VH_TLS:
            CV_TRY(enter(c, "tls", v, &tls));
            if (tls) {
                cv_rc rc = read_tls(c, tls, ir);
                cv_pop(c);
                CV_TRY(rc);
            }
            break;
        default:
            CV_TRY(cv_unknown_field(c, CV_KEY(map, i)));
            break;
        }
    }
    return CV_OK;
}

static cv_rc read_tcpproxy(cv *c, const cx_node *map, cx_ingressroute *ir)
{
    ir->has_tcpproxy = true;
    ir->tcp_pos = map->pos;
    for (uint32_t i = 0; map && i < map->len; i++) {
        const cx_node *v = CV_VAL(map, i);
        switch (cv_field_index(CV_KEY(map, i), tcpproxy_fields)) {
        case 0:
            CV_TRY(cv_items(c, "services", v, sizeof *ir->tcp_services, read_service,
                            (void **)&ir->tcp_services, &ir->tcp_service_count));
            break;
        case 1:
            CV_TRY(read_delegate(c, v, &ir->tcp_has_delegate, &ir->tcp_delegate));
            break;
        default:
            CV_TRY(cv_unknown_field(c, CV_KEY(map, i)));
            break;
        }
    }
    return CV_OK;
}

static cv_rc read_spec(cv *c, const cx_node *spec, cx_ingressroute *ir)
{
    for (uint32_t i = 0; spec && i < spec->len; i++) {
        const cx_node *v = CV_VAL(spec, i);
        const cx_node *map;
        cv_rc rc = CV_OK;
        switch (cv_field_index(CV_KEY(spec, i), spec_fields)) {
        case SPEC_VHOST:
            CV_TRY(enter(c, "virtualhost", v, &map));
            if (map) {
                rc = read_vhost(c, map, ir);
                cv_pop(c);
            }
            break;
        case SPEC_ROUTES:
            rc = cv_items(c, "routes", v, sizeof *ir->routes, read_route, (void **)&ir->routes,
                          &ir->route_count);
            break;
        case SPEC_TCPPROXY:
            CV_TRY(enter(c, "tcpproxy", v, &map));
            if (map) {
                rc = read_tcpproxy(c, map, ir);
                cv_pop(c);
            }
            break;
        default:
            rc = cv_unknown_field(c, CV_KEY(spec, i));
            break;
        }
        CV_TRY(rc);
    }
    return CV_OK;
}

cv_rc cv_read_ingressroute(cv *c, const cx_node *root)
{
    const cx_node *spec;
    CV_TRY(cv_spec(c, root, &spec));
    cx_ingressroute *ir = &c->o->u.ir;
    /* Positions of absent parts fall back to the object's. */
    ir->vhost_pos = c->o->pos;
    ir->fqdn_pos = c->o->pos;
    ir->secret_pos = c->o->pos;
    ir->tcp_pos = c->o->pos;
    if (!spec)
        return CV_OK;
    cv_push_field(c, "spec");
    cv_rc rc = read_spec(c, spec, ir);
    cv_pop(c);
    return rc;
}
