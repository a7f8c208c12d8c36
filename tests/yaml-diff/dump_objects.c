/* Loads one file and prints, as JSON, every object the library built (each modelled
 * field, read through the public object API) and every error diagnostic, for
 * test_yaml_diff.py to compare with what PyYAML builds from the same bytes.
 *
 * usage: dump_objects FILE */
#include <contour/contour.h>

#include <stdio.h>

static void str(const char *s)
{
    if (!s) {
        fputs("null", stdout);
        return;
    }
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p < 0x20)
            printf("\\u%04x", *p);
        else
            putchar(*p);
    }
    putchar('"');
}

static void key(const char *k)
{
    str(k);
    putchar(':');
}

static void skey(const char *k, const char *v)
{
    key(k);
    str(v);
    putchar(',');
}

static void ikey(const char *k, long long v)
{
    key(k);
    printf("%lld,", v);
}

static void bkey(const char *k, bool v)
{
    key(k);
    fputs(v ? "true," : "false,", stdout);
}

static void service(const contour_ingressroute_service *s)
{
    putchar('{');
    skey("name", contour_ingressroute_service_name(s));
    ikey("port", contour_ingressroute_service_port(s));
    ikey("weight", contour_ingressroute_service_weight(s));
    skey("strategy", contour_ingressroute_service_strategy(s));
    key("healthCheck");
    if ((contour_ingressroute_service_health_check(s) != NULL)) {
        putchar('{');
        skey("path", contour_health_check_path(contour_ingressroute_service_health_check(s)));
        skey("host", contour_health_check_host(contour_ingressroute_service_health_check(s)));
        ikey("intervalSeconds",
             contour_health_check_interval_s(contour_ingressroute_service_health_check(s)));
        ikey("timeoutSeconds",
             contour_health_check_timeout_s(contour_ingressroute_service_health_check(s)));
        ikey("unhealthyThresholdCount", contour_health_check_unhealthy_threshold(
                                            contour_ingressroute_service_health_check(s)));
        ikey("healthyThresholdCount",
             contour_health_check_healthy_threshold(contour_ingressroute_service_health_check(s)));
        fputs("\"_\":0}", stdout);
    } else {
        fputs("null", stdout);
    }
    putchar('}');
}

static void ingressroute(const contour_object *o)
{
    key("virtualhost");
    if (contour_ingressroute_has_virtualhost(o)) {
        putchar('{');
        skey("fqdn", contour_ingressroute_fqdn(o));
        key("tls");
        if (contour_ingressroute_has_tls(o)) {
            putchar('{');
            skey("secretName", contour_ingressroute_tls_secret_name(o));
            skey("minimumProtocolVersion", contour_ingressroute_tls_min_protocol_version(o));
            bkey("passthrough", contour_ingressroute_tls_passthrough(o));
            fputs("\"_\":0}", stdout);
        } else {
            fputs("null", stdout);
        }
        putchar('}');
    } else {
        fputs("null", stdout);
    }
    fputs(",\"routes\":[", stdout);
    for (size_t i = 0; i < contour_ingressroute_route_count(o); i++) {
        const contour_ingressroute_route *r = contour_ingressroute_route_at(o, i);
        fputs(i ? ",{" : "{", stdout);
        skey("match", contour_ingressroute_route_match(r));
        fputs("\"services\":[", stdout);
        for (size_t j = 0; j < contour_ingressroute_route_service_count(r); j++) {
            if (j)
                putchar(',');
            service(contour_ingressroute_route_service_at(r, j));
        }
        fputs("],", stdout);
        key("delegate");
        if (contour_ingressroute_route_has_delegate(r)) {
            putchar('{');
            skey("name", contour_ingressroute_route_delegate_name(r));
            skey("namespace", contour_ingressroute_route_delegate_namespace(r));
            fputs("\"_\":0}", stdout);
        } else {
            fputs("null", stdout);
        }
        putchar(',');
        bkey("enableWebsockets", contour_ingressroute_route_enable_websockets(r));
        bkey("permitInsecure", contour_ingressroute_route_permit_insecure(r));
        skey("prefixRewrite", contour_ingressroute_route_prefix_rewrite(r));
        key("timeoutPolicy");
        if (contour_ingressroute_route_has_timeout_policy(r)) {
            putchar('{');
            skey("request", contour_ingressroute_route_timeout_policy_request(r));
            fputs("\"_\":0}", stdout);
        } else {
            fputs("null", stdout);
        }
        putchar(',');
        key("retryPolicy");
        if (contour_ingressroute_route_has_retry_policy(r)) {
            putchar('{');
            ikey("count", contour_ingressroute_route_retry_policy_count(r));
            skey("perTryTimeout", contour_ingressroute_route_retry_policy_per_try_timeout(r));
            fputs("\"_\":0}", stdout);
        } else {
            fputs("null", stdout);
        }
        putchar('}');
    }
    fputs("],\"tcpproxy\":", stdout);
    if (contour_ingressroute_has_tcpproxy(o)) {
        fputs("{\"services\":[", stdout);
        for (size_t j = 0; j < contour_ingressroute_tcpproxy_service_count(o); j++) {
            if (j)
                putchar(',');
            service(contour_ingressroute_tcpproxy_service_at(o, j));
        }
        fputs("],\"delegate\":", stdout);
        if (contour_ingressroute_tcpproxy_has_delegate(o)) {
            putchar('{');
            skey("name", contour_ingressroute_tcpproxy_delegate_name(o));
            skey("namespace", contour_ingressroute_tcpproxy_delegate_namespace(o));
            fputs("\"_\":0}", stdout);
        } else {
            fputs("null", stdout);
        }
        putchar('}');
    } else {
        fputs("null", stdout);
    }
}

static void backend(const contour_ingress_backend *b)
{
    if (!b) {
        fputs("null", stdout);
        return;
    }
    putchar('{');
    skey("service", contour_ingress_backend_service_name(b));
    if ((contour_ingress_backend_port_name(b) != NULL))
        skey("port", contour_ingress_backend_port_name(b));
    else
        ikey("port", contour_ingress_backend_port(b));
    bkey("resource", contour_ingress_backend_is_resource(b));
    fputs("\"_\":0}", stdout);
}

static void ingress(const contour_object *o)
{
    skey("ingressClassName", contour_ingress_class_name(o));
    key("defaultBackend");
    backend(contour_ingress_default_backend(o));
    fputs(",\"rules\":[", stdout);
    for (size_t i = 0; i < contour_ingress_rule_count(o); i++) {
        const contour_ingress_rule *r = contour_ingress_rule_at(o, i);
        fputs(i ? ",{" : "{", stdout);
        skey("host", contour_ingress_rule_host(r));
        bkey("http", contour_ingress_rule_has_http(r));
        fputs("\"paths\":[", stdout);
        for (size_t j = 0; j < contour_ingress_rule_path_count(r); j++) {
            const contour_ingress_path *p = contour_ingress_rule_path_at(r, j);
            fputs(j ? ",{" : "{", stdout);
            skey("path", contour_ingress_path_path(p));
            skey("pathType", contour_ingress_path_path_type(p));
            key("backend");
            backend(contour_ingress_path_backend(p));
            putchar('}');
        }
        fputs("]}", stdout);
    }
    fputs("],\"tls\":[", stdout);
    for (size_t i = 0; i < contour_ingress_tls_count(o); i++) {
        fputs(i ? ",{" : "{", stdout);
        skey("secretName", contour_ingress_tls_secret_name(contour_ingress_tls_at(o, i)));
        fputs("\"hosts\":[", stdout);
        for (size_t j = 0; j < contour_ingress_tls_host_count(contour_ingress_tls_at(o, i)); j++) {
            if (j)
                putchar(',');
            str(contour_ingress_tls_host_at(contour_ingress_tls_at(o, i), j));
        }
        fputs("]}", stdout);
    }
    putchar(']');
}

static void object(const contour_object *o)
{
    contour_kind k = contour_object_kind(o);
    putchar('{');
    skey("kind", contour_kind_name(k));
    skey("apiVersion", contour_object_api_version(o));
    skey("namespace", contour_object_namespace(o));
    skey("name", contour_object_name(o));
    ikey("line", contour_object_line(o));
    fputs("\"annotations\":{", stdout);
    for (size_t i = 0; i < contour_object_annotation_count(o); i++) {
        if (i)
            putchar(',');
        key(contour_annotation_key(contour_object_annotation_at(o, i)));
        str(contour_annotation_value(contour_object_annotation_at(o, i)));
    }
    fputs("},", stdout);
    switch (k) {
    case CONTOUR_KIND_INGRESSROUTE:
        ingressroute(o);
        break;
    case CONTOUR_KIND_TLSCERTIFICATEDELEGATION:
        fputs("\"delegations\":[", stdout);
        for (size_t i = 0; i < contour_tlscertificatedelegation_delegation_count(o); i++) {
            fputs(i ? ",{" : "{", stdout);
            skey("secretName", contour_tlscertificatedelegation_delegation_secret_name(
                                   contour_tlscertificatedelegation_delegation_at(o, i)));
            fputs("\"targetNamespaces\":[", stdout);
            for (size_t j = 0;
                 j < contour_tlscertificatedelegation_delegation_target_namespace_count(
                         contour_tlscertificatedelegation_delegation_at(o, i));
                 j++) {
                if (j)
                    putchar(',');
                str(contour_tlscertificatedelegation_delegation_target_namespace_at(
                    contour_tlscertificatedelegation_delegation_at(o, i), j));
            }
            fputs("]}", stdout);
        }
        putchar(']');
        break;
    case CONTOUR_KIND_INGRESS:
        ingress(o);
        break;
    case CONTOUR_KIND_SERVICE:
        fputs("\"ports\":[", stdout);
        for (size_t i = 0; i < contour_service_port_count(o); i++) {
            fputs(i ? ",{" : "{", stdout);
            skey("name", contour_service_port_name(contour_service_port_at(o, i)));
            key("port");
            printf("%lld}", (long long)contour_service_port_port(contour_service_port_at(o, i)));
        }
        putchar(']');
        break;
    case CONTOUR_KIND_SECRET:
        skey("type", contour_secret_type(o));
        fputs("\"keys\":{", stdout);
        for (size_t i = 0; i < contour_secret_key_count(o); i++) {
            if (i)
                putchar(',');
            key(contour_secret_key_name(contour_secret_key_at(o, i)));
            fputs(contour_secret_key_has_value(contour_secret_key_at(o, i)) ? "true" : "false",
                  stdout);
        }
        putchar('}');
        break;
    default:
        fputs("\"_\":0", stdout);
        break;
    }
    putchar('}');
}

int main(int argc, char **argv)
{
    contour_snapshot *s = NULL;
    if (argc != 2 || contour_snapshot_new(&s, NULL) != CONTOUR_OK)
        return 2;
    contour_result st = contour_snapshot_load_path(s, argv[1], CONTOUR_FORMAT_AUTO);
    printf("{\"status\":%d,\"objects\":[", (int)st);
    bool first = true;
    for (int k = 1; k <= (int)contour_kind_count(); k++) {
        for (size_t i = 0; i < contour_snapshot_object_count(s, (contour_kind)k); i++) {
            if (!first)
                putchar(',');
            first = false;
            object(contour_snapshot_object_at(s, (contour_kind)k, i));
        }
    }
    fputs("],\"errors\":[", stdout);
    first = true;
    for (size_t i = 0; i < contour_snapshot_diagnostic_count(s); i++) {
        const contour_diagnostic *d = contour_snapshot_diagnostic_at(s, i);
        if (contour_diagnostic_severity(d) != CONTOUR_SEVERITY_ERROR)
            continue;
        fputs(first ? "{" : ",{", stdout);
        first = false;
        skey("code", contour_diagnostic_code(d));
        skey("message", contour_diagnostic_message(d));
        key("line");
        printf("%u}", contour_diagnostic_line(d));
    }
    puts("]}");
    contour_snapshot_free(s);
    return 0;
}
