/* Ingress: extensions/v1beta1, networking.k8s.io/v1beta1 (same schema) and
 * networking.k8s.io/v1 (defaultBackend, backend.service{name, port{number, name}}). */
#include "convert_internal.h"

#include <string.h>

static const char *const spec_fields_v1beta1[] = {"backend", "rules", "tls", "ingressClassName",
                                                  NULL};
static const char *const spec_fields_v1[] = {"defaultBackend", "rules", "tls", "ingressClassName",
                                             NULL};
enum { SPEC_BACKEND, SPEC_RULES, SPEC_TLS, SPEC_CLASS };

static const char *const backend_fields_v1beta1[] = {"serviceName", "servicePort", "resource",
                                                     NULL};
static const char *const backend_fields_v1[] = {"service", "resource", NULL};
static const char *const service_fields_v1[] = {"name", "port", NULL};
static const char *const port_fields_v1[] = {"number", "name", NULL};
static const char *const rule_fields[] = {"host", "http", NULL};
static const char *const http_fields[] = {"paths", NULL};
static const char *const path_fields[] = {"path", "pathType", "backend", NULL};
static const char *const tls_fields[] = {"hosts", "secretName", NULL};

static bool is_v1(const cv *c)
{
    return c->o->u.ing.api == CX_INGRESS_NETWORKING_V1;
}

/* A sub-map `key` with the path pushed while fn reads it. */
static cv_rc with_map(cv *c, const char *key, const cx_node *v,
                      cv_rc (*fn)(cv *c, const cx_node *map, void *arg), void *arg)
{
    const cx_node *map;
    CV_TRY(cv_map(c, key, v, &map));
    if (!map)
        return CV_OK;
    cv_push_field(c, key);
    cv_rc rc = fn(c, map, arg);
    cv_pop(c);
    return rc;
}

/* ---- backends ---- */

static cv_rc read_port_v1(cv *c, const cx_node *map, void *arg)
{
    contour_ingress_backend *b = arg;
    int64_t number = 0;
    const char *name = NULL;
    for (uint32_t i = 0; map && i < map->len; i++) {
        const cx_node *v = CV_VAL(map, i);
        switch (cv_field_index(CV_KEY(map, i), port_fields_v1)) {
        case 0:
            CV_TRY(cv_int(c, "number", v, CX_INT32_MIN, CX_INT32_MAX, &number, NULL));
            break;
        case 1:
            CV_TRY(cv_string(c, "name", v, &name, NULL));
            break;
        default:
            CV_TRY(cv_unknown_field(c, CV_KEY(map, i)));
            break;
        }
    }
    /* The API server accepts exactly one of the two; a name, when given, is what is used. */
    if (name) {
        b->port_is_name = true;
        b->port_name = name;
    } else {
        b->port_number = number;
    }
    return CV_OK;
}

static cv_rc read_service_v1(cv *c, const cx_node *map, void *arg)
{
    contour_ingress_backend *b = arg;
    for (uint32_t i = 0; map && i < map->len; i++) {
        const cx_node *v = CV_VAL(map, i);
        switch (cv_field_index(CV_KEY(map, i), service_fields_v1)) {
        case 0:
            CV_TRY(cv_string(c, "name", v, &b->service, NULL));
            break;
        case 1:
            CV_TRY(with_map(c, "port", v, read_port_v1, b));
            break;
        default:
            CV_TRY(cv_unknown_field(c, CV_KEY(map, i)));
            break;
        }
    }
    return CV_OK;
}

static cv_rc read_service_port(cv *c, const cx_node *v, contour_ingress_backend *b)
{
    cx_int_or_string p;
    cv_rc rc = CV_OK;
    switch (cx_read_int_or_string(v, CX_INT32_MIN, CX_INT32_MAX, &p)) {
    case CX_READ_ABSENT:
        return CV_OK;
    case CX_READ_OK:
        if (!p.is_string) {
            b->port_number = p.num;
            return CV_OK;
        }
        b->port_is_name = true;
        return (b->port_name = cv_node_str(c, v)) ? CV_OK : CV_NOMEM;
    case CX_READ_RANGE:
        cv_push_field(c, "servicePort");
        rc = cv_out_of_range(c, v, CX_INT32_MIN, CX_INT32_MAX);
        cv_pop(c);
        return rc;
    default:
        cv_push_field(c, "servicePort");
        rc = cv_wrong_type(c, v, "an integer or a string");
        cv_pop(c);
        return rc;
    }
}

static cv_rc read_backend(cv *c, const cx_node *map, void *arg)
{
    contour_ingress_backend *b = arg;
    b->pos = map->pos;
    const char *const *fields = is_v1(c) ? backend_fields_v1 : backend_fields_v1beta1;
    for (uint32_t i = 0; map && i < map->len; i++) {
        const cx_node *k = CV_KEY(map, i), *v = CV_VAL(map, i);
        const cx_node *res;
        int f = cv_field_index(k, fields);
        if (f < 0) {
            CV_TRY(cv_unknown_field(c, k));
        } else if (cx_node_is(k, "resource")) {
            /* A TypedLocalObjectReference; only its presence matters here. */
            CV_TRY(cv_map(c, "resource", v, &res));
            if (res)
                b->is_resource = true;
        } else if (is_v1(c)) {
            CV_TRY(with_map(c, "service", v, read_service_v1, b));
        } else if (f == 0) {
            CV_TRY(cv_string(c, "serviceName", v, &b->service, NULL));
        } else {
            CV_TRY(read_service_port(c, v, b));
        }
    }
    return CV_OK;
}

/* ---- rules ---- */

static cv_rc read_path(cv *c, const cx_node *item, cx_pos pos, void *elem)
{
    contour_ingress_path *p = elem;
    p->pos = pos;
    p->backend.pos = pos;
    for (uint32_t i = 0; item && i < item->len; i++) {
        const cx_node *v = CV_VAL(item, i);
        switch (cv_field_index(CV_KEY(item, i), path_fields)) {
        case 0:
            CV_TRY(cv_string(c, "path", v, &p->path, NULL));
            break;
        case 1:
            CV_TRY(cv_string(c, "pathType", v, &p->path_type, NULL));
            break;
        case 2:
            if (!cx_node_is_null(v))
                p->has_backend = true;
            CV_TRY(with_map(c, "backend", v, read_backend, &p->backend));
            break;
        default:
            CV_TRY(cv_unknown_field(c, CV_KEY(item, i)));
            break;
        }
    }
    return CV_OK;
}

static cv_rc read_http(cv *c, const cx_node *map, void *arg)
{
    contour_ingress_rule *r = arg;
    r->has_http = true;
    for (uint32_t i = 0; map && i < map->len; i++) {
        if (cv_field_index(CV_KEY(map, i), http_fields) == 0)
            CV_TRY(cv_items(c, "paths", CV_VAL(map, i), sizeof *r->paths, read_path,
                            (void **)&r->paths, &r->path_count));
        else
            CV_TRY(cv_unknown_field(c, CV_KEY(map, i)));
    }
    return CV_OK;
}

static cv_rc read_rule(cv *c, const cx_node *item, cx_pos pos, void *elem)
{
    contour_ingress_rule *r = elem;
    r->pos = pos;
    for (uint32_t i = 0; item && i < item->len; i++) {
        const cx_node *v = CV_VAL(item, i);
        switch (cv_field_index(CV_KEY(item, i), rule_fields)) {
        case 0:
            CV_TRY(cv_string(c, "host", v, &r->host, NULL));
            break;
        case 1:
            CV_TRY(with_map(c, "http", v, read_http, r));
            break;
        default:
            CV_TRY(cv_unknown_field(c, CV_KEY(item, i)));
            break;
        }
    }
    return CV_OK;
}

static cv_rc read_tls(cv *c, const cx_node *item, cx_pos pos, void *elem)
{
    cx_ingress_tls *t = elem;
    t->pos = pos;
    t->secret_pos = pos;
    for (uint32_t i = 0; item && i < item->len; i++) {
        const cx_node *v = CV_VAL(item, i);
        switch (cv_field_index(CV_KEY(item, i), tls_fields)) {
        case 0:
            CV_TRY(cv_string_list(c, "hosts", v, &t->hosts, &t->host_count));
            break;
        case 1:
            CV_TRY(cv_string(c, "secretName", v, &t->secret_name, &t->secret_pos));
            break;
        default:
            CV_TRY(cv_unknown_field(c, CV_KEY(item, i)));
            break;
        }
    }
    return CV_OK;
}

/* ---- spec ---- */

static cv_rc read_spec(cv *c, const cx_node *spec, cx_ingress *ing)
{
    const char *const *fields = is_v1(c) ? spec_fields_v1 : spec_fields_v1beta1;
    for (uint32_t i = 0; spec && i < spec->len; i++) {
        const cx_node *k = CV_KEY(spec, i), *v = CV_VAL(spec, i);
        switch (cv_field_index(k, fields)) {
        case SPEC_BACKEND:
            if (!cx_node_is_null(v))
                ing->has_default_backend = true;
            CV_TRY(with_map(c, is_v1(c) ? "defaultBackend" : "backend", v, read_backend,
                            &ing->default_backend));
            break;
        case SPEC_RULES:
            CV_TRY(cv_items(c, "rules", v, sizeof *ing->rules, read_rule, (void **)&ing->rules,
                            &ing->rule_count));
            break;
        case SPEC_TLS:
            CV_TRY(cv_items(c, "tls", v, sizeof *ing->tls, read_tls, (void **)&ing->tls,
                            &ing->tls_count));
            break;
        case SPEC_CLASS:
            CV_TRY(cv_string(c, "ingressClassName", v, &ing->class_name, NULL));
            break;
        default:
            CV_TRY(cv_unknown_field(c, k));
            break;
        }
    }
    return CV_OK;
}

cv_rc cv_read_ingress(cv *c, const cx_node *root)
{
    cx_ingress *ing = &c->o->u.ing;
    const char *api = c->o->api_version;
    if (strcmp(api, "networking.k8s.io/v1") == 0)
        ing->api = CX_INGRESS_NETWORKING_V1;
    else if (strcmp(api, "networking.k8s.io/v1beta1") == 0)
        ing->api = CX_INGRESS_NETWORKING_V1BETA1;
    else
        ing->api = CX_INGRESS_EXTENSIONS_V1BETA1;
    const cx_node *spec;
    CV_TRY(cv_spec(c, root, &spec));
    if (!spec)
        return CV_OK;
    cv_push_field(c, "spec");
    cv_rc rc = read_spec(c, spec, ing);
    cv_pop(c);
    return rc;
}
