package contour

/*
#include <contour/contour.h>
#include "walk.h"
*/
import "C"

import (
	"runtime"
	"sync"
	"unsafe"
)

// Graph is a resolved route graph: listeners → virtual hosts → routes → clusters, one
// status per IngressRoute, and every diagnostic (the snapshot's load diagnostics and
// those of resolution). It owns a C contour_graph; release it with Close (a finalizer
// frees it if it is forgotten).
//
// Thread-safety: a Graph is immutable, and any number of goroutines may read it at once.
// Close waits for reads in progress. Everything a method returns is a Go copy that stays
// valid after Close.
//
// Ordering is part of the contract: listeners by port, virtual hosts by FQDN, routes
// exact-before-prefix then by path in descending byte order, clusters by (namespace,
// service, port, weight, strategy), statuses by (namespace, name), diagnostics by (file,
// line, column).
type Graph struct {
	mu  sync.RWMutex
	ptr *C.contour_graph // nil once closed
}

func newGraph(p *C.contour_graph) *Graph {
	g := &Graph{ptr: p}
	runtime.SetFinalizer(g, (*Graph).free)
	return g
}

func (g *Graph) free() {
	if g.ptr != nil {
		C.contour_graph_free(g.ptr)
		g.ptr = nil
	}
}

// Close releases the graph's C memory. It is idempotent and always returns nil. After
// Close, Listeners, Statuses and Diagnostics return nil, DiagnosticCount 0, and Status and
// the renderers an error matching ErrClosed and ErrInvalid.
func (g *Graph) Close() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.free()
	runtime.SetFinalizer(g, nil)
	return nil
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

// walk runs a walker over the graph; the caller releases the tape.
func (g *Graph) walk(fn walkFn) *tape {
	t, err := runTape(fn)
	runtime.KeepAlive(g)
	if err != nil {
		panic(err) // C ran out of memory, as a Go allocation failure would
	}
	return t
}

// Listeners returns a copy of the listeners, virtual hosts, routes and clusters, by port;
// nil when the graph has none or is closed. Each call makes a new copy, which the caller
// may change.
func (g *Graph) Listeners() []Listener {
	g.mu.RLock()
	defer g.mu.RUnlock()
	if g.ptr == nil {
		return nil
	}
	t := g.walk(func(out *C.cxgo_result) C.int {
		return C.cxgo_graph_listeners(g.ptr, out)
	})
	defer t.release()
	return t.readListeners()
}

func (t *tape) readListeners() []Listener {
	n := t.count()
	if n == 0 {
		return nil
	}
	ls := make([]Listener, n)
	for i := range ls {
		l := &ls[i]
		l.Name = t.str()
		l.Port = t.u32()
		l.Secure = t.bool()
		if m := t.count(); m > 0 {
			l.VirtualHosts = make([]VirtualHost, m)
			for j := range l.VirtualHosts {
				t.readVirtualHost(&l.VirtualHosts[j])
			}
		}
	}
	return ls
}

func (t *tape) readVirtualHost(v *VirtualHost) {
	v.FQDN = t.str()
	if t.bool() {
		tls := &TLS{}
		ns, name := t.optStr(), t.optStr()
		if name != nil {
			ref := ObjectRef{Kind: KindSecret, Name: *name}
			if ns != nil {
				ref.Namespace = *ns
			}
			tls.Secret = &ref
		}
		tls.MinProtocolVersion = t.str()
		tls.Passthrough = t.bool()
		v.TLS = tls
	}
	if n := t.count(); n > 0 {
		v.Routes = make([]Route, n)
		for i := range v.Routes {
			t.readRoute(&v.Routes[i])
		}
	}
	if t.bool() {
		v.TCPProxy = &TCPProxy{Clusters: t.readClusters()}
	}
}

func (t *tape) readRoute(r *Route) {
	r.MatchType = MatchType(t.int())
	r.Path = t.str()
	r.HTTPSRedirect = t.bool()
	r.Websocket = t.bool()
	r.PrefixRewrite = t.optStr()
	if t.bool() {
		ms := t.int()
		r.TimeoutMS = &ms
	}
	if t.bool() {
		r.Retry = &Retry{On: t.str(), NumRetries: t.u32(), PerTryTimeoutMS: t.int()}
	}
	r.Source.Kind = Kind(t.int())
	r.Source.Namespace = t.str()
	r.Source.Name = t.str()
	r.Clusters = t.readClusters()
}

func (t *tape) readClusters() []Cluster {
	n := t.count()
	if n == 0 {
		return nil
	}
	cs := make([]Cluster, n)
	for i := range cs {
		c := &cs[i]
		c.Namespace = t.str()
		c.Service = t.str()
		c.Port = t.u32()
		c.PortName = t.str()
		c.Weight = t.int()
		c.Strategy = t.str()
		c.Protocol = t.str()
		if t.bool() {
			c.HealthCheck = &HealthCheck{
				Path:               t.str(),
				Host:               t.str(),
				IntervalSeconds:    t.int(),
				TimeoutSeconds:     t.int(),
				UnhealthyThreshold: t.int(),
				HealthyThreshold:   t.int(),
			}
		}
		c.MaxConnections = t.u32()
		c.MaxPendingRequests = t.u32()
		c.MaxRequests = t.u32()
		c.MaxRetries = t.u32()
	}
	return cs
}

func (t *tape) readStatus() Status {
	var s Status
	s.Kind = Kind(t.int())
	s.Namespace = t.str()
	s.Name = t.str()
	s.State = State(t.int())
	s.Description = t.str()
	s.VirtualHosts = t.readStrings()
	s.File = t.str()
	s.Line = t.u32()
	s.Column = t.u32()
	return s
}

// Statuses returns one status per IngressRoute that is not ignored because of its
// ingress class, by (namespace, name); nil when there are none or the graph is closed.
func (g *Graph) Statuses() []Status {
	g.mu.RLock()
	defer g.mu.RUnlock()
	if g.ptr == nil {
		return nil
	}
	t := g.walk(func(out *C.cxgo_result) C.int {
		return C.cxgo_graph_statuses(g.ptr, nil, out)
	})
	defer t.release()
	n := t.count()
	if n == 0 {
		return nil
	}
	ss := make([]Status, n)
	for i := range ss {
		ss[i] = t.readStatus()
	}
	return ss
}

// Status returns the status of one IngressRoute, or an *Error matching ErrNotFound when
// the graph has none for it (no such object, or ignored because of its ingress class).
func (g *Graph) Status(namespace, name string) (Status, error) {
	const op = "status"
	g.mu.RLock()
	defer g.mu.RUnlock()
	if g.ptr == nil {
		return Status{}, closedError(op)
	}
	nsp, nsl := cstr(namespace)
	nap, nal := cstr(name)
	one := C.contour_graph_find_status(g.ptr, nsp, nsl, nap, nal)
	if one == nil {
		return Status{}, newError(C.CONTOUR_ERR_NOT_FOUND, op, namespace+"/"+name)
	}
	t := g.walk(func(out *C.cxgo_result) C.int {
		return C.cxgo_graph_statuses(g.ptr, one, out)
	})
	defer t.release()
	t.count()
	return t.readStatus(), nil
}

// Diagnostics returns every diagnostic: the snapshot's load diagnostics and those of
// resolution, by (file, line, column), then severity, code and message. nil when there
// are none or the graph is closed.
func (g *Graph) Diagnostics() []Diagnostic {
	return g.diagnostics(-1)
}

// DiagnosticsOf returns the diagnostics of one severity, in the same order.
func (g *Graph) DiagnosticsOf(severity Severity) []Diagnostic {
	if severity < SeverityInfo || severity > SeverityError {
		return nil
	}
	return g.diagnostics(int(severity))
}

func (g *Graph) diagnostics(severity int) []Diagnostic {
	g.mu.RLock()
	defer g.mu.RUnlock()
	if g.ptr == nil {
		return nil
	}
	t := g.walk(func(out *C.cxgo_result) C.int {
		return C.cxgo_graph_diagnostics(g.ptr, C.int(severity), out)
	})
	defer t.release()
	return t.readDiagnostics()
}

// DiagnosticCount returns the number of diagnostics of a severity (0 when closed).
func (g *Graph) DiagnosticCount(severity Severity) int {
	g.mu.RLock()
	defer g.mu.RUnlock()
	n := int(C.contour_graph_diagnostic_count_by_severity(g.ptr, C.contour_severity(severity)))
	runtime.KeepAlive(g)
	return n
}

// Render renders the graph. The bytes are a Go copy.
func (g *Graph) Render(format OutputFormat) ([]byte, error) {
	const op = "render"
	g.mu.RLock()
	defer g.mu.RUnlock()
	if g.ptr == nil {
		return nil, closedError(op)
	}
	var buf *C.contour_buffer
	st := C.contour_graph_render(&buf, g.ptr, C.contour_output_format(format))
	runtime.KeepAlive(g)
	if st != C.CONTOUR_OK {
		return nil, newError(st, op, "")
	}
	defer C.contour_buffer_free(buf)
	n := int(C.contour_buffer_size(buf))
	out := make([]byte, n)
	if n > 0 {
		copy(out, unsafe.Slice((*byte)(unsafe.Pointer(C.contour_buffer_data(buf))), n))
	}
	return out, nil
}

// JSON renders the route graph as JSON (schema version GraphSchemaVersion): the same
// bytes `contourc graph --format json` prints for the same input and settings.
func (g *Graph) JSON() ([]byte, error) { return g.Render(OutputJSON) }

// Text renders the route graph as an indented human-readable listing.
func (g *Graph) Text() ([]byte, error) { return g.Render(OutputText) }

// DOT renders the delegation graph (roots → delegates → services, broken objects marked)
// for Graphviz.
func (g *Graph) DOT() ([]byte, error) { return g.Render(OutputDOT) }
