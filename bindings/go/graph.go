package contour

/*
#include <contour/contour.h>
*/
import "C"

import (
	"unsafe"
)

// Graph is a resolved route graph: listeners → virtual hosts → routes → clusters, one
// status per IngressRoute, and every diagnostic (the snapshot's load diagnostics and
// those of resolution). It owns a C contour_graph; release it with Close (a finalizer
// frees it if it is forgotten). Copies of a Graph value share that C graph: closing one
// closes them all, once.
//
// Thread-safety: a Graph is immutable, and any number of goroutines may read it at once.
// Close does not wait: a read in progress finishes on the graph, which is freed when the
// last one returns, and a read after Close finds the graph closed. Everything
// a method returns is a Go copy that stays valid after Close.
//
// Ordering is part of the contract: listeners by port, virtual hosts by FQDN, routes
// exact-before-prefix then by path in descending byte order, clusters by (namespace,
// service, port, weight, strategy), statuses by (namespace, name), diagnostics by (file,
// line, column).
type Graph struct {
	h *handle[*C.contour_graph] // nil for the zero Graph, which is closed
}

func freeGraph(p *C.contour_graph) { C.contour_graph_free(p) }

func newGraph(p *C.contour_graph) *Graph {
	return &Graph{h: newHandle(p, freeGraph)}
}

// Close releases the graph's C memory. It is idempotent, also across copies of the
// Graph, and always returns nil; a nil *Graph may be closed. After Close, Listeners,
// Statuses and Diagnostics return nil, DiagnosticCount 0, and Status and the renderers an
// error matching ErrClosed and ErrInvalid.
func (g *Graph) Close() error {
	if g != nil {
		g.h.close()
	}
	return nil
}

// handle returns the graph's handle; nil for a nil *Graph.
func (g *Graph) handle() *handle[*C.contour_graph] {
	if g == nil {
		return nil
	}
	return g.h
}

// Listener is a listener of the route graph: "ingress_http" (insecure) or
// "ingress_https" (secure). Only listeners with at least one virtual host exist.
type Listener struct {
	Name         string
	Port         uint32
	Secure       bool
	VirtualHosts []VirtualHost
}

// VirtualHost is a virtual host of a listener.
type VirtualHost struct {
	// FQDN is the host name ("*" for an Ingress rule without host).
	FQDN string
	// TLS is set on every virtual host of the secure listener.
	TLS *TLS
	// Routes are ordered exact matches first, then by path in descending byte order.
	Routes []Route
	// TCPProxy is set when the virtual host proxies TCP (an IngressRoute's
	// spec.tcpproxy); its routes are then empty.
	TCPProxy *TCPProxy
}

// TLS holds the TLS settings of a secure virtual host.
type TLS struct {
	// Secret is the TLS secret; nil for passthrough.
	Secret *ObjectRef
	// MinProtocolVersion is "1.1", "1.2" or "1.3".
	MinProtocolVersion string
	// Passthrough says whether TLS is passed through to the tcpproxy upstream.
	Passthrough bool
}

// TCPProxy is the TCP proxying of a virtual host.
type TCPProxy struct {
	Clusters []Cluster
}

// Route is a route of a virtual host.
type Route struct {
	// MatchType says whether Path is a prefix or the whole path.
	MatchType MatchType
	Path      string
	// HTTPSRedirect says whether plain-HTTP requests are redirected to HTTPS; it is only
	// ever true on the insecure listener.
	HTTPSRedirect bool
	Websocket     bool
	// PrefixRewrite is the prefix rewrite; nil when unset.
	PrefixRewrite *string
	// TimeoutMS is the request timeout in milliseconds, -1 meaning infinity; nil when
	// unset.
	TimeoutMS *int64
	// Retry is the retry policy; nil when unset.
	Retry *Retry
	// Source is the IngressRoute or Ingress the route comes from.
	Source ObjectRef
	// Clusters are where the route sends traffic; empty when every Service it names is
	// missing.
	Clusters []Cluster
}

// Retry is a route's retry policy.
type Retry struct {
	// On is the retry condition (Envoy's retry_on, e.g. "5xx").
	On string
	// NumRetries is at least 1.
	NumRetries uint32
	// PerTryTimeoutMS is the timeout per attempt in milliseconds; 0 when unset.
	PerTryTimeoutMS int64
}

// Cluster is one (Service, port) a route or a TCP proxy sends traffic to.
type Cluster struct {
	Namespace string
	Service   string
	Port      uint32
	// PortName is the ServicePort's name; "" when it has none.
	PortName string
	// Weight is 0 when not given.
	Weight int64
	// Strategy is the load-balancing strategy; "" when not given.
	Strategy string
	// Protocol is the upstream protocol, "h2" or "h2c"; "" when not set.
	Protocol string
	// HealthCheck is nil when no health check is configured; its defaults are filled in.
	HealthCheck *HealthCheck
	// Circuit-breaker limits from the Service's annotations; 0 when unset.
	MaxConnections     uint32
	MaxPendingRequests uint32
	MaxRequests        uint32
	MaxRetries         uint32
}

// HealthCheck is a cluster's HTTP health check, with defaults filled in (host
// "contour-envoy-healthcheck", interval 10 s, timeout 2 s, unhealthy threshold 3,
// healthy threshold 2).
type HealthCheck struct {
	Path               string
	Host               string
	IntervalSeconds    int64
	TimeoutSeconds     int64
	UnhealthyThreshold int64
	HealthyThreshold   int64
}

// Status is the outcome of resolution for one IngressRoute.
type Status struct {
	Kind      Kind // KindIngressRoute
	Namespace string
	Name      string
	State     State
	// Description is Contour's text, e.g. "valid IngressRoute".
	Description string
	// VirtualHosts are the FQDNs the object was reached through, sorted; empty for an
	// orphan and for a root rejected as a root.
	VirtualHosts []string
	// Position is the failing field when invalid, else where the object starts.
	Position
}

// Ref returns the IngressRoute the status is about.
func (s Status) Ref() ObjectRef {
	return ObjectRef{Kind: s.Kind, Namespace: s.Namespace, Name: s.Name}
}

// String returns "namespace/name: state: description".
func (s Status) String() string {
	return s.Namespace + "/" + s.Name + ": " + s.State.String() + ": " + s.Description
}

// export copies parts of the graph out; nil when the graph is closed.
func (g *Graph) export(parts C.uint32_t) *export {
	h := g.handle()
	p := h.rlock()
	if p == nil {
		return nil
	}
	defer h.runlock()
	return runExport("graph export", func(out **C.contour_export) C.contour_result {
		return C.contour_graph_export(out, p, parts)
	})
}

// Listeners returns a copy of the listeners, virtual hosts, routes and clusters, by port;
// nil when the graph has none or is closed. Each call makes a new copy, which the caller
// may change.
func (g *Graph) Listeners() []Listener {
	x := g.export(partListeners)
	if x == nil {
		return nil
	}
	defer x.free()
	return x.listeners()
}

// Statuses returns one status per IngressRoute that is not ignored because of its
// ingress class, by (namespace, name); nil when there are none or the graph is closed.
func (g *Graph) Statuses() []Status {
	x := g.export(partStatuses)
	if x == nil {
		return nil
	}
	defer x.free()
	return x.statuses()
}

// Status returns the status of one IngressRoute, or an *Error matching ErrNotFound when
// the graph has none for it (no such object, or ignored because of its ingress class).
func (g *Graph) Status(namespace, name string) (Status, error) {
	const op = "status"
	nsp, nsl, nap, nal, err := keyArgs(op, namespace, name)
	if err != nil {
		return Status{}, err
	}
	h := g.handle()
	p := h.rlock()
	if p == nil {
		return Status{}, closedError(op)
	}
	defer h.runlock()
	one := C.contour_graph_find_status(p, nsp, nsl, nap, nal)
	if one == nil {
		return Status{}, newError(C.CONTOUR_ERR_NOT_FOUND, op, namespace+"/"+name)
	}
	x := runExport(op, func(out **C.contour_export) C.contour_result {
		return C.contour_graph_export_status(out, p, one)
	})
	defer x.free()
	return x.statuses()[0], nil
}

// Diagnostics returns every diagnostic: the snapshot's load diagnostics and those of
// resolution, by (file, line, column), then severity, code and message. nil when there
// are none or the graph is closed.
func (g *Graph) Diagnostics() []Diagnostic {
	x := g.export(partDiagnostics)
	if x == nil {
		return nil
	}
	defer x.free()
	return x.diagnostics(tDiagnostic)
}

// DiagnosticsOf returns the diagnostics of one severity, in the same order.
func (g *Graph) DiagnosticsOf(severity Severity) []Diagnostic {
	var out []Diagnostic
	for _, d := range g.Diagnostics() {
		if d.Severity == severity {
			out = append(out, d)
		}
	}
	return out
}

// DiagnosticCount returns the number of diagnostics of a severity (0 when closed).
func (g *Graph) DiagnosticCount(severity Severity) int {
	h := g.handle()
	p := h.rlock()
	if p == nil {
		return 0
	}
	defer h.runlock()
	return int(C.contour_graph_diagnostic_count_by_severity(p, C.contour_severity(severity)))
}

// Render renders the graph. The bytes are a Go copy.
func (g *Graph) Render(format OutputFormat) ([]byte, error) {
	const op = "render"
	h := g.handle()
	p := h.rlock()
	if p == nil {
		return nil, closedError(op)
	}
	defer h.runlock()
	var buf *C.contour_buffer
	if st := C.contour_graph_render(&buf, p, C.contour_output_format(format)); st != C.CONTOUR_OK {
		return nil, newError(st, op, "")
	}
	defer C.contour_buffer_free(buf)
	return bufferBytes(buf), nil
}

// bufferBytes copies a buffer's bytes into Go memory (an empty, non-nil slice when it has
// none).
func bufferBytes(buf *C.contour_buffer) []byte {
	n := int(C.contour_buffer_size(buf))
	out := make([]byte, n)
	if n > 0 {
		copy(out, unsafe.Slice((*byte)(unsafe.Pointer(C.contour_buffer_data(buf))), n))
	}
	return out
}

// JSON renders the route graph as JSON (schema version GraphSchemaVersion): the same
// bytes `contourc graph --format json` prints for the same input and settings.
func (g *Graph) JSON() ([]byte, error) { return g.Render(OutputJSON) }

// Text renders the route graph as an indented human-readable listing.
func (g *Graph) Text() ([]byte, error) { return g.Render(OutputText) }

// DOT renders the delegation graph (roots → delegates → services, broken objects marked)
// for Graphviz.
func (g *Graph) DOT() ([]byte, error) { return g.Render(OutputDOT) }

// ---- decoding (docs/export.md: LISTENER, VHOST, ROUTE, CLUSTER, HEALTH_CHECK, STATUS) ----
//
// Each table is decoded once, in row order, into one slice; a parent's range is a
// sub-slice of its children's table, and a ref a pointer into it.

func (x *export) healthChecks() []HealthCheck {
	hs := make([]HealthCheck, x.count[tHealthCheck])
	for i := range hs {
		r := x.rec(tHealthCheck, i)
		hs[i] = HealthCheck{
			Path:               r.str(),
			Host:               r.str(),
			IntervalSeconds:    r.int(),
			TimeoutSeconds:     r.int(),
			UnhealthyThreshold: r.int(),
			HealthyThreshold:   r.int(),
		}
	}
	return hs
}

func (x *export) clusters() []Cluster {
	hcs := x.healthChecks()
	cs := make([]Cluster, x.count[tCluster])
	for i := range cs {
		r := x.rec(tCluster, i)
		c := &cs[i]
		c.Namespace = r.str()
		c.Service = r.str()
		c.Port = r.u32()
		c.PortName = r.str()
		c.Weight = r.int()
		c.Strategy = r.str()
		c.Protocol = r.str()
		if hc := r.ref(); hc >= 0 {
			c.HealthCheck = &hcs[hc]
		}
		c.MaxConnections = r.u32()
		c.MaxPendingRequests = r.u32()
		c.MaxRequests = r.u32()
		c.MaxRetries = r.u32()
	}
	return cs
}

func (x *export) routes(clusters []Cluster) []Route {
	rs := make([]Route, x.count[tRoute])
	var rewrites chunks[string]
	var timeouts chunks[int64]
	var retries chunks[Retry]
	for i := range rs {
		r := x.rec(tRoute, i)
		rt := &rs[i]
		rt.MatchType = MatchType(r.int())
		rt.Path = r.str()
		rt.HTTPSRedirect = r.bool()
		rt.Websocket = r.bool()
		rt.PrefixRewrite = r.optStr(&rewrites)
		hasTimeout, ms := r.bool(), r.int()
		if hasTimeout {
			rt.TimeoutMS = timeouts.new()
			*rt.TimeoutMS = ms
		}
		hasRetry := r.bool()
		retry := Retry{On: r.str(), NumRetries: r.u32(), PerTryTimeoutMS: r.int()}
		if hasRetry {
			rt.Retry = retries.new()
			*rt.Retry = retry
		}
		rt.Source.Kind = Kind(r.int())
		rt.Source.Namespace = r.str()
		rt.Source.Name = r.str()
		rt.Clusters = rangeOf(clusters, &r)
	}
	return rs
}

func (x *export) listeners() []Listener {
	clusters := x.clusters()
	routes := x.routes(clusters)
	vs := make([]VirtualHost, x.count[tVHost])
	var tlss chunks[TLS]
	var secrets chunks[ObjectRef]
	var tcps chunks[TCPProxy]
	for i := range vs {
		r := x.rec(tVHost, i)
		v := &vs[i]
		v.FQDN = r.str()
		hasTLS := r.bool()
		ns, nsNull := r.isNull()
		name, nameNull := r.isNull()
		tls := TLS{MinProtocolVersion: r.str(), Passthrough: r.bool()}
		if hasTLS {
			if !nameNull {
				tls.Secret = secrets.new()
				*tls.Secret = ObjectRef{Kind: KindSecret, Name: name}
				if !nsNull {
					tls.Secret.Namespace = ns
				}
			}
			v.TLS = tlss.new()
			*v.TLS = tls
		}
		v.Routes = rangeOf(routes, &r)
		hasTCP := r.bool()
		first, n := r.rng()
		if hasTCP {
			v.TCPProxy = tcps.new()
			v.TCPProxy.Clusters = sub(clusters, first, n)
		}
	}
	n := x.count[tListener]
	if n == 0 {
		return nil
	}
	ls := make([]Listener, n)
	for i := range ls {
		r := x.rec(tListener, i)
		ls[i] = Listener{Name: r.str(), Port: r.u32(), Secure: r.bool()}
		ls[i].VirtualHosts = rangeOf(vs, &r)
	}
	return ls
}

func (x *export) statuses() []Status {
	n := x.count[tStatus]
	if n == 0 {
		return nil
	}
	strs := x.strings()
	ss := make([]Status, n)
	for i := range ss {
		r := x.rec(tStatus, i)
		s := &ss[i]
		s.Kind = Kind(r.int())
		s.Namespace = r.str()
		s.Name = r.str()
		s.State = State(r.int())
		s.Description = r.str()
		s.VirtualHosts = rangeOf(strs, &r)
		s.File = r.str()
		s.Line = r.u32()
		s.Column = r.u32()
	}
	return ss
}
