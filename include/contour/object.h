/*
 * libcontour — typed, read-only access to loaded objects, exactly as they were written
 * (defaults are not filled in here; resolution applies them).
 *
 * Names: a getter is named after the manifest field it returns, snake_cased and without
 * "spec." (routes[].enableWebsockets is contour_ingressroute_route_enable_websockets()),
 * except that a concept the route graph also shows keeps the graph's word and unit
 * (healthCheck.intervalSeconds is contour_health_check_interval_s(), tls.minimumProtocolVersion
 * is contour_ingressroute_tls_min_protocol_version()). A list item with several fields is
 * a borrowed handle with its own getters.
 *
 * Every pointer returned is borrowed from the snapshot that holds the object and follows
 * its lifetime and thread-safety rules (see snapshot.h). Strings are NUL-terminated UTF-8.
 * A string getter returns NULL when the field was absent (or null); an integer getter
 * returns 0 then (Contour does not tell an absent integer from 0 either). Calling a getter
 * of one kind on an object of another kind, or with a NULL or out-of-range argument,
 * returns NULL / 0 / false.
 */
#ifndef CONTOUR_OBJECT_H
#define CONTOUR_OBJECT_H

#include "common.h"
#include "diagnostic.h"
#include "snapshot.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------ */
/* Any object                                                                                 */
/* ------------------------------------------------------------------------------------------ */

/** One metadata.annotations entry. Borrowed. */
typedef struct contour_annotation contour_annotation;

/** The object's kind. */
CONTOUR_API contour_kind contour_object_kind(const contour_object *object);
/** apiVersion as written, e.g. "networking.k8s.io/v1". */
CONTOUR_API const char *contour_object_api_version(const contour_object *object);
/** metadata.namespace, or the configured default namespace when it was missing. */
CONTOUR_API const char *contour_object_namespace(const contour_object *object);
/** metadata.name. */
CONTOUR_API const char *contour_object_name(const contour_object *object);
/** Source name (file path or buffer name) the object was loaded from. */
CONTOUR_API const char *contour_object_file(const contour_object *object);
/** 1-based line where the object's document (or List item) starts. */
CONTOUR_API uint32_t contour_object_line(const contour_object *object);
/** 1-based column where the object's document (or List item) starts. */
CONTOUR_API uint32_t contour_object_column(const contour_object *object);
/** Number of metadata.annotations. */
CONTOUR_API size_t contour_object_annotation_count(const contour_object *object);
/** The index-th annotation, in the order written. */
CONTOUR_API const contour_annotation *contour_object_annotation_at(const contour_object *object,
                                                                   size_t index);
/** The annotation with the given key, or NULL. */
CONTOUR_API const contour_annotation *
contour_object_find_annotation(const contour_object *object, const char *key, size_t key_len);
/** The annotation's key. */
CONTOUR_API const char *contour_annotation_key(const contour_annotation *annotation);
/** The annotation's value ("" for an empty or null value). */
CONTOUR_API const char *contour_annotation_value(const contour_annotation *annotation);
/** Number of load diagnostics about this object (warnings; objects with errors are not loaded). */
CONTOUR_API size_t contour_object_diagnostic_count(const contour_object *object);
/** The index-th load diagnostic about this object, in position order. */
CONTOUR_API const contour_diagnostic *contour_object_diagnostic_at(const contour_object *object,
                                                                   size_t index);

/* ------------------------------------------------------------------------------------------ */
/* Health checks: an IngressRoute service's healthCheck as written (0 / NULL when absent),   */
/* or a cluster's (graph.h) with Contour's defaults filled in                                 */
/* ------------------------------------------------------------------------------------------ */

/** A health check. Borrowed. */
typedef struct contour_health_check contour_health_check;

/** healthCheck.path. */
CONTOUR_API const char *contour_health_check_path(const contour_health_check *check);
/** healthCheck.host (a cluster's default: "contour-envoy-healthcheck"). */
CONTOUR_API const char *contour_health_check_host(const contour_health_check *check);
/** healthCheck.intervalSeconds, seconds between checks (a cluster's default: 10). */
CONTOUR_API int64_t contour_health_check_interval_s(const contour_health_check *check);
/** healthCheck.timeoutSeconds (a cluster's default: 2). */
CONTOUR_API int64_t contour_health_check_timeout_s(const contour_health_check *check);
/** healthCheck.unhealthyThresholdCount, failures before a host is unhealthy (default 3). */
CONTOUR_API int64_t contour_health_check_unhealthy_threshold(const contour_health_check *check);
/** healthCheck.healthyThresholdCount, successes before it is healthy again (default 2). */
CONTOUR_API int64_t contour_health_check_healthy_threshold(const contour_health_check *check);

/* ------------------------------------------------------------------------------------------ */
/* IngressRoute (contour.heptio.com/v1beta1)                                                  */
/* ------------------------------------------------------------------------------------------ */

/** One entry of spec.routes. Borrowed. */
typedef struct contour_ingressroute_route contour_ingressroute_route;
/** One service of a route or of spec.tcpproxy. Borrowed. */
typedef struct contour_ingressroute_service contour_ingressroute_service;

/** Whether spec.virtualhost is present (the object is a root). */
CONTOUR_API bool contour_ingressroute_has_virtualhost(const contour_object *object);
/** spec.virtualhost.fqdn. */
CONTOUR_API const char *contour_ingressroute_fqdn(const contour_object *object);
/** Whether spec.virtualhost.tls is present. */
CONTOUR_API bool contour_ingressroute_has_tls(const contour_object *object);
/** spec.virtualhost.tls.secretName ("name" or "namespace/name"). */
CONTOUR_API const char *contour_ingressroute_tls_secret_name(const contour_object *object);
/** spec.virtualhost.tls.minimumProtocolVersion, as written. */
CONTOUR_API const char *contour_ingressroute_tls_min_protocol_version(const contour_object *object);
/** spec.virtualhost.tls.passthrough. */
CONTOUR_API bool contour_ingressroute_tls_passthrough(const contour_object *object);
/** Number of spec.routes. */
CONTOUR_API size_t contour_ingressroute_route_count(const contour_object *object);
/** The index-th route. */
CONTOUR_API const contour_ingressroute_route *
contour_ingressroute_route_at(const contour_object *object, size_t index);
/** Whether spec.tcpproxy is present. */
CONTOUR_API bool contour_ingressroute_has_tcpproxy(const contour_object *object);
/** Number of spec.tcpproxy.services. */
CONTOUR_API size_t contour_ingressroute_tcpproxy_service_count(const contour_object *object);
/** The index-th spec.tcpproxy.services entry. */
CONTOUR_API const contour_ingressroute_service *
contour_ingressroute_tcpproxy_service_at(const contour_object *object, size_t index);
/** Whether spec.tcpproxy.delegate is present. */
CONTOUR_API bool contour_ingressroute_tcpproxy_has_delegate(const contour_object *object);
/** spec.tcpproxy.delegate.name. */
CONTOUR_API const char *contour_ingressroute_tcpproxy_delegate_name(const contour_object *object);
/** spec.tcpproxy.delegate.namespace (NULL when not written: the object's own namespace). */
CONTOUR_API const char *
contour_ingressroute_tcpproxy_delegate_namespace(const contour_object *object);

/** routes[].match. */
CONTOUR_API const char *contour_ingressroute_route_match(const contour_ingressroute_route *route);
/** Number of routes[].services. */
CONTOUR_API size_t
contour_ingressroute_route_service_count(const contour_ingressroute_route *route);
/** The index-th routes[].services entry. */
CONTOUR_API const contour_ingressroute_service *
contour_ingressroute_route_service_at(const contour_ingressroute_route *route, size_t index);
/** Whether routes[].delegate is present. */
CONTOUR_API bool contour_ingressroute_route_has_delegate(const contour_ingressroute_route *route);
/** routes[].delegate.name. */
CONTOUR_API const char *
contour_ingressroute_route_delegate_name(const contour_ingressroute_route *route);
/** routes[].delegate.namespace (NULL when not written: the object's own namespace). */
CONTOUR_API const char *
contour_ingressroute_route_delegate_namespace(const contour_ingressroute_route *route);
/** routes[].enableWebsockets. */
CONTOUR_API bool
contour_ingressroute_route_enable_websockets(const contour_ingressroute_route *route);
/** routes[].permitInsecure. */
CONTOUR_API bool
contour_ingressroute_route_permit_insecure(const contour_ingressroute_route *route);
/** routes[].prefixRewrite. */
CONTOUR_API const char *
contour_ingressroute_route_prefix_rewrite(const contour_ingressroute_route *route);
/** Whether routes[].timeoutPolicy is present. */
CONTOUR_API bool
contour_ingressroute_route_has_timeout_policy(const contour_ingressroute_route *route);
/** routes[].timeoutPolicy.request, unparsed (a Go duration or "infinity"). */
CONTOUR_API const char *
contour_ingressroute_route_timeout_policy_request(const contour_ingressroute_route *route);
/** Whether routes[].retryPolicy is present. */
CONTOUR_API bool
contour_ingressroute_route_has_retry_policy(const contour_ingressroute_route *route);
/** routes[].retryPolicy.count. */
CONTOUR_API int64_t
contour_ingressroute_route_retry_policy_count(const contour_ingressroute_route *route);
/** routes[].retryPolicy.perTryTimeout, unparsed. */
CONTOUR_API const char *
contour_ingressroute_route_retry_policy_per_try_timeout(const contour_ingressroute_route *route);

/** services[].name. */
CONTOUR_API const char *
contour_ingressroute_service_name(const contour_ingressroute_service *service);
/** services[].port. */
CONTOUR_API int64_t contour_ingressroute_service_port(const contour_ingressroute_service *service);
/** services[].weight. */
CONTOUR_API int64_t
contour_ingressroute_service_weight(const contour_ingressroute_service *service);
/** services[].strategy. */
CONTOUR_API const char *
contour_ingressroute_service_strategy(const contour_ingressroute_service *service);
/** services[].healthCheck as written, or NULL when absent. */
CONTOUR_API const contour_health_check *
contour_ingressroute_service_health_check(const contour_ingressroute_service *service);

/* ------------------------------------------------------------------------------------------ */
/* TLSCertificateDelegation (contour.heptio.com/v1beta1)                                      */
/* ------------------------------------------------------------------------------------------ */

/** One entry of spec.delegations. Borrowed. */
typedef struct contour_tlscertificatedelegation_delegation
    contour_tlscertificatedelegation_delegation;

/** Number of spec.delegations. */
CONTOUR_API size_t contour_tlscertificatedelegation_delegation_count(const contour_object *object);
/** The index-th spec.delegations entry. */
CONTOUR_API const contour_tlscertificatedelegation_delegation *
contour_tlscertificatedelegation_delegation_at(const contour_object *object, size_t index);
/** delegations[].secretName. */
CONTOUR_API const char *contour_tlscertificatedelegation_delegation_secret_name(
    const contour_tlscertificatedelegation_delegation *delegation);
/** Number of delegations[].targetNamespaces. */
CONTOUR_API size_t contour_tlscertificatedelegation_delegation_target_namespace_count(
    const contour_tlscertificatedelegation_delegation *delegation);
/** delegations[].targetNamespaces[index] ("*" means every namespace). */
CONTOUR_API const char *contour_tlscertificatedelegation_delegation_target_namespace_at(
    const contour_tlscertificatedelegation_delegation *delegation, size_t index);

/* ------------------------------------------------------------------------------------------ */
/* Ingress (extensions/v1beta1, networking.k8s.io/v1beta1, networking.k8s.io/v1)             */
/* ------------------------------------------------------------------------------------------ */

/** One entry of spec.rules. Borrowed. */
typedef struct contour_ingress_rule contour_ingress_rule;
/** One entry of spec.rules[].http.paths. Borrowed. */
typedef struct contour_ingress_path contour_ingress_path;
/** A backend: spec.backend / spec.defaultBackend or a path's backend. Borrowed. */
typedef struct contour_ingress_backend contour_ingress_backend;
/** One entry of spec.tls. Borrowed. */
typedef struct contour_ingress_tls contour_ingress_tls;

/** spec.ingressClassName (networking.k8s.io/v1beta1 and v1). */
CONTOUR_API const char *contour_ingress_class_name(const contour_object *object);
/** spec.backend (v1beta1) or spec.defaultBackend (v1), or NULL. */
CONTOUR_API const contour_ingress_backend *
contour_ingress_default_backend(const contour_object *object);
/** Number of spec.rules. */
CONTOUR_API size_t contour_ingress_rule_count(const contour_object *object);
/** The index-th rule. */
CONTOUR_API const contour_ingress_rule *contour_ingress_rule_at(const contour_object *object,
                                                                size_t index);
/** Number of spec.tls entries. */
CONTOUR_API size_t contour_ingress_tls_count(const contour_object *object);
/** The index-th spec.tls entry. */
CONTOUR_API const contour_ingress_tls *contour_ingress_tls_at(const contour_object *object,
                                                              size_t index);

/** tls[].secretName. */
CONTOUR_API const char *contour_ingress_tls_secret_name(const contour_ingress_tls *tls);
/** Number of tls[].hosts. */
CONTOUR_API size_t contour_ingress_tls_host_count(const contour_ingress_tls *tls);
/** tls[].hosts[index]. */
CONTOUR_API const char *contour_ingress_tls_host_at(const contour_ingress_tls *tls, size_t index);

/** rules[].host. */
CONTOUR_API const char *contour_ingress_rule_host(const contour_ingress_rule *rule);
/** Whether rules[].http is present. */
CONTOUR_API bool contour_ingress_rule_has_http(const contour_ingress_rule *rule);
/** Number of rules[].http.paths. */
CONTOUR_API size_t contour_ingress_rule_path_count(const contour_ingress_rule *rule);
/** The index-th path. */
CONTOUR_API const contour_ingress_path *
contour_ingress_rule_path_at(const contour_ingress_rule *rule, size_t index);

/** paths[].path. */
CONTOUR_API const char *contour_ingress_path_path(const contour_ingress_path *path);
/** paths[].pathType ("Exact", "Prefix", "ImplementationSpecific"). */
CONTOUR_API const char *contour_ingress_path_path_type(const contour_ingress_path *path);
/** paths[].backend, or NULL when absent. */
CONTOUR_API const contour_ingress_backend *
contour_ingress_path_backend(const contour_ingress_path *path);

/** The Service name (serviceName or service.name); NULL for a resource backend. */
CONTOUR_API const char *
contour_ingress_backend_service_name(const contour_ingress_backend *backend);
/** The port number (servicePort: 80, or service.port.number); 0 when given by name. */
CONTOUR_API int64_t contour_ingress_backend_port(const contour_ingress_backend *backend);
/** The port name (servicePort: "http", or service.port.name); NULL when given by number. */
CONTOUR_API const char *contour_ingress_backend_port_name(const contour_ingress_backend *backend);
/** Whether this is a `resource` backend (not a Service). */
CONTOUR_API bool contour_ingress_backend_is_resource(const contour_ingress_backend *backend);

/* ------------------------------------------------------------------------------------------ */
/* Service (v1)                                                                               */
/* ------------------------------------------------------------------------------------------ */

/** One entry of spec.ports. Borrowed. */
typedef struct contour_service_port contour_service_port;

/** Number of spec.ports. */
CONTOUR_API size_t contour_service_port_count(const contour_object *object);
/** The index-th spec.ports entry. */
CONTOUR_API const contour_service_port *contour_service_port_at(const contour_object *object,
                                                                size_t index);
/** ports[].name (NULL when unnamed). */
CONTOUR_API const char *contour_service_port_name(const contour_service_port *port);
/** ports[].port. */
CONTOUR_API int64_t contour_service_port_port(const contour_service_port *port);

/* ------------------------------------------------------------------------------------------ */
/* Secret (v1) — only the names of data keys are kept, never their values                     */
/* ------------------------------------------------------------------------------------------ */

/** One key of data or stringData. Borrowed. */
typedef struct contour_secret_key contour_secret_key;

/** The Secret's type, e.g. "kubernetes.io/tls". */
CONTOUR_API const char *contour_secret_type(const contour_object *object);
/** Number of keys in data and stringData together (a key in both counts once). */
CONTOUR_API size_t contour_secret_key_count(const contour_object *object);
/** The index-th key, in byte order of the names. */
CONTOUR_API const contour_secret_key *contour_secret_key_at(const contour_object *object,
                                                            size_t index);
/** The key's name. */
CONTOUR_API const char *contour_secret_key_name(const contour_secret_key *key);
/** Whether the key has a non-empty value. */
CONTOUR_API bool contour_secret_key_has_value(const contour_secret_key *key);
/** Whether both tls.crt and tls.key are present with non-empty values. */
CONTOUR_API bool contour_secret_is_tls(const contour_object *object);

#ifdef __cplusplus
}
#endif

#endif
