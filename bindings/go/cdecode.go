package contour

/*
#include <contour/contour.h>

// Readers of single records the library hands out by pointer (the vhosts, routes,
// statuses and diagnostics of a diff or a verdict; references): one cgo call fills one
// struct with a record's fields, instead of one call per field. Strings stay borrowed C
// strings, which Go copies with C.GoString before the record's owner is freed.

typedef struct {
	const char *fqdn, *secret_ns, *secret_name, *min_version;
	int has_tls, passthrough, has_tcpproxy;
	size_t routes, tcp_clusters;
} gc_vhost;

static void gc_vhost_get(const contour_vhost *v, gc_vhost *o)
{
	o->fqdn = contour_vhost_fqdn(v);
	o->has_tls = contour_vhost_has_tls(v);
	o->secret_ns = contour_vhost_tls_secret_namespace(v);
	o->secret_name = contour_vhost_tls_secret_name(v);
	o->min_version = contour_vhost_tls_min_protocol_version(v);
	o->passthrough = contour_vhost_tls_passthrough(v);
	o->has_tcpproxy = contour_vhost_has_tcpproxy(v);
	o->routes = contour_vhost_route_count(v);
	o->tcp_clusters = contour_vhost_tcpproxy_cluster_count(v);
}

typedef struct {
	const char *path, *prefix_rewrite, *retry_on, *source_ns, *source_name;
	int match, https_redirect, websocket, has_timeout, has_retry, source_kind;
	int64_t timeout_ms, per_try_timeout_ms;
	uint32_t num_retries;
	size_t clusters;
} gc_route;

static void gc_route_get(const contour_route *r, gc_route *o)
{
	o->match = (int)contour_route_match_type(r);
	o->path = contour_route_path(r);
	o->https_redirect = contour_route_https_redirect(r);
	o->websocket = contour_route_websocket(r);
	o->prefix_rewrite = contour_route_prefix_rewrite(r);
	o->has_timeout = contour_route_has_timeout(r);
	o->timeout_ms = contour_route_timeout_ms(r);
	o->has_retry = contour_route_has_retry(r);
	o->retry_on = contour_route_retry_on(r);
	o->num_retries = contour_route_retry_num_retries(r);
	o->per_try_timeout_ms = contour_route_retry_per_try_timeout_ms(r);
	o->source_kind = (int)contour_route_source_kind(r);
	o->source_ns = contour_route_source_namespace(r);
	o->source_name = contour_route_source_name(r);
	o->clusters = contour_route_cluster_count(r);
}

typedef struct {
	const char *ns, *service, *port_name, *strategy, *protocol, *hc_path, *hc_host;
	uint32_t port, max_connections, max_pending_requests, max_requests, max_retries;
	int64_t weight, hc_interval, hc_timeout, hc_unhealthy, hc_healthy;
	int has_hc;
} gc_cluster;

static void gc_cluster_get(const contour_cluster *c, gc_cluster *o)
{
	o->ns = contour_cluster_namespace(c);
	o->service = contour_cluster_service(c);
	o->port = contour_cluster_port(c);
	o->port_name = contour_cluster_port_name(c);
	o->weight = contour_cluster_weight(c);
	o->strategy = contour_cluster_strategy(c);
	o->protocol = contour_cluster_protocol(c);
	const contour_health_check *hc = contour_cluster_health_check(c);
	o->has_hc = hc != NULL;
	if (hc) {
		o->hc_path = contour_health_check_path(hc);
		o->hc_host = contour_health_check_host(hc);
		o->hc_interval = contour_health_check_interval_s(hc);
		o->hc_timeout = contour_health_check_timeout_s(hc);
		o->hc_unhealthy = contour_health_check_unhealthy_threshold(hc);
		o->hc_healthy = contour_health_check_healthy_threshold(hc);
	}
	o->max_connections = contour_cluster_max_connections(c);
	o->max_pending_requests = contour_cluster_max_pending_requests(c);
	o->max_requests = contour_cluster_max_requests(c);
	o->max_retries = contour_cluster_max_retries(c);
}

static void gc_route_cluster_get(const contour_route *r, size_t i, gc_cluster *o)
{
	gc_cluster_get(contour_route_cluster_at(r, i), o);
}

static void gc_tcp_cluster_get(const contour_vhost *v, size_t i, gc_cluster *o)
{
	gc_cluster_get(contour_vhost_tcpproxy_cluster_at(v, i), o);
}

typedef struct {
	const char *ns, *name, *description, *file;
	int kind, state;
	uint32_t line, column;
	size_t vhosts;
} gc_status;

static void gc_status_get(const contour_status *s, gc_status *o)
{
	o->kind = (int)contour_status_kind(s);
	o->ns = contour_status_namespace(s);
	o->name = contour_status_name(s);
	o->state = (int)contour_status_state(s);
	o->description = contour_status_description(s);
	o->file = contour_status_file(s);
	o->line = contour_status_line(s);
	o->column = contour_status_column(s);
	o->vhosts = contour_status_vhost_count(s);
}

typedef struct {
	const char *code, *message, *file, *field, *object_ns, *object_name;
	int severity, object_kind;
	uint32_t line, column;
} gc_diag;

static void gc_diag_get(const contour_diagnostic *d, gc_diag *o)
{
	o->severity = (int)contour_diagnostic_severity(d);
	o->code = contour_diagnostic_code(d);
	o->message = contour_diagnostic_message(d);
	o->file = contour_diagnostic_file(d);
	o->line = contour_diagnostic_line(d);
	o->column = contour_diagnostic_column(d);
	o->field = contour_diagnostic_field(d);
	o->object_kind = (int)contour_diagnostic_object_kind(d);
	o->object_ns = contour_diagnostic_object_namespace(d);
	o->object_name = contour_diagnostic_object_name(d);
}
*/
import "C"

// goStr copies a borrowed C string; NULL is "".
func goStr(p *C.char) string {
	if p == nil {
		return ""
	}
	return C.GoString(p)
}

// decoder copies records out of C by pointer. It remembers the routes it decoded, so
// that the routes of a diff's route changes are the same Go values as those of its
// virtual hosts.
type decoder struct {
	routes map[*C.contour_route]*Route
}

func (d *decoder) cluster(o *C.gc_cluster) Cluster {
	c := Cluster{
		Namespace:          goStr(o.ns),
		Service:            goStr(o.service),
		Port:               uint32(o.port),
		PortName:           goStr(o.port_name),
		Weight:             int64(o.weight),
		Strategy:           goStr(o.strategy),
		Protocol:           goStr(o.protocol),
		MaxConnections:     uint32(o.max_connections),
		MaxPendingRequests: uint32(o.max_pending_requests),
		MaxRequests:        uint32(o.max_requests),
		MaxRetries:         uint32(o.max_retries),
	}
	if o.has_hc != 0 {
		c.HealthCheck = &HealthCheck{
			Path:               goStr(o.hc_path),
			Host:               goStr(o.hc_host),
			IntervalSeconds:    int64(o.hc_interval),
			TimeoutSeconds:     int64(o.hc_timeout),
			UnhealthyThreshold: int64(o.hc_unhealthy),
			HealthyThreshold:   int64(o.hc_healthy),
		}
	}
	return c
}

// route decodes a route with its clusters; a route decoded before is returned again.
func (d *decoder) route(r *C.contour_route) *Route {
	if r == nil {
		return nil
	}
	if rt, ok := d.routes[r]; ok {
		return rt
	}
	var o C.gc_route
	C.gc_route_get(r, &o)
	rt := &Route{
		MatchType:     MatchType(o.match),
		Path:          goStr(o.path),
		HTTPSRedirect: o.https_redirect != 0,
		Websocket:     o.websocket != 0,
		Source:        ObjectRef{Kind: Kind(o.source_kind), Namespace: goStr(o.source_ns), Name: goStr(o.source_name)},
	}
	if o.prefix_rewrite != nil {
		s := C.GoString(o.prefix_rewrite)
		rt.PrefixRewrite = &s
	}
	if o.has_timeout != 0 {
		ms := int64(o.timeout_ms)
		rt.TimeoutMS = &ms
	}
	if o.has_retry != 0 {
		rt.Retry = &Retry{On: goStr(o.retry_on), NumRetries: uint32(o.num_retries), PerTryTimeoutMS: int64(o.per_try_timeout_ms)}
	}
	if n := int(o.clusters); n > 0 {
		rt.Clusters = make([]Cluster, n)
		var co C.gc_cluster
		for i := range rt.Clusters {
			C.gc_route_cluster_get(r, C.size_t(i), &co)
			rt.Clusters[i] = d.cluster(&co)
		}
	}
	if d.routes == nil {
		d.routes = make(map[*C.contour_route]*Route)
	}
	d.routes[r] = rt
	return rt
}

// vhost decodes a virtual host with its routes and TCP proxy.
func (d *decoder) vhost(v *C.contour_vhost) *VirtualHost {
	if v == nil {
		return nil
	}
	var o C.gc_vhost
	C.gc_vhost_get(v, &o)
	vh := &VirtualHost{FQDN: goStr(o.fqdn)}
	if o.has_tls != 0 {
		vh.TLS = &TLS{MinProtocolVersion: goStr(o.min_version), Passthrough: o.passthrough != 0}
		if o.secret_name != nil {
			vh.TLS.Secret = &ObjectRef{Kind: KindSecret, Namespace: goStr(o.secret_ns), Name: C.GoString(o.secret_name)}
		}
	}
	if n := int(o.routes); n > 0 {
		vh.Routes = make([]Route, n)
		for i := range vh.Routes {
			r := C.contour_vhost_route_at(v, C.size_t(i))
			vh.Routes[i] = *d.route(r)
			// The route changes point at the virtual host's own routes.
			d.routes[r] = &vh.Routes[i]
		}
	}
	if o.has_tcpproxy != 0 {
		vh.TCPProxy = &TCPProxy{}
		if n := int(o.tcp_clusters); n > 0 {
			vh.TCPProxy.Clusters = make([]Cluster, n)
			var co C.gc_cluster
			for i := range vh.TCPProxy.Clusters {
				C.gc_tcp_cluster_get(v, C.size_t(i), &co)
				vh.TCPProxy.Clusters[i] = d.cluster(&co)
			}
		}
	}
	return vh
}

// status decodes a status; nil for NULL.
func statusFromC(s *C.contour_status) *Status {
	if s == nil {
		return nil
	}
	var o C.gc_status
	C.gc_status_get(s, &o)
	st := &Status{
		Kind:        Kind(o.kind),
		Namespace:   goStr(o.ns),
		Name:        goStr(o.name),
		State:       State(o.state),
		Description: goStr(o.description),
		Position:    Position{File: goStr(o.file), Line: uint32(o.line), Column: uint32(o.column)},
	}
	if n := int(o.vhosts); n > 0 {
		st.VirtualHosts = make([]string, n)
		for i := range st.VirtualHosts {
			st.VirtualHosts[i] = goStr(C.contour_status_vhost_at(s, C.size_t(i)))
		}
	}
	return st
}

// diagnosticFromC decodes a diagnostic.
func diagnosticFromC(p *C.contour_diagnostic) Diagnostic {
	var o C.gc_diag
	C.gc_diag_get(p, &o)
	return Diagnostic{
		Severity: Severity(o.severity),
		Code:     goStr(o.code),
		Message:  goStr(o.message),
		Position: Position{File: goStr(o.file), Line: uint32(o.line), Column: uint32(o.column)},
		Field:    goStr(o.field),
		Object:   ObjectRef{Kind: Kind(o.object_kind), Namespace: goStr(o.object_ns), Name: goStr(o.object_name)},
	}
}
