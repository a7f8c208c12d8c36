package contour

/*
#include <contour/contour.h>
*/
import "C"

import (
	"io"
	"unsafe"
)

// Change says how something differs between an old graph and a new one.
type Change int

// Changes (contour_change).
const (
	ChangeAdded   Change = 0 // only in the new graph
	ChangeRemoved Change = 1 // only in the old graph
	ChangeChanged Change = 2 // in both, different
)

// String returns "added", "removed" or "changed" ("" for unknown values), as
// contour_change_name does.
func (c Change) String() string {
	switch c {
	case ChangeAdded:
		return "added"
	case ChangeRemoved:
		return "removed"
	case ChangeChanged:
		return "changed"
	}
	return ""
}

// Diff is what changed between two route graphs: virtual hosts added, removed or changed
// per listener, and within a changed one its routes; statuses whose state, description
// or virtual hosts changed; diagnostics that appeared or were resolved. It is a plain Go
// value (no C memory, nothing to close). The zero Diff is empty.
type Diff struct {
	// VirtualHosts are the virtual host changes, by listener port, then FQDN.
	VirtualHosts []VHostChange
	// Statuses are the status changes, by (namespace, name).
	Statuses []StatusChange
	// AddedDiagnostics are only in the new graph, in the graph's diagnostic order.
	AddedDiagnostics []Diagnostic
	// ResolvedDiagnostics are only in the old graph (resolved by the change).
	ResolvedDiagnostics []Diagnostic
}

// Empty reports whether the two graphs are the same: no virtual host, status or
// diagnostic changed.
func (d *Diff) Empty() bool {
	return d == nil || len(d.VirtualHosts) == 0 && len(d.Statuses) == 0 &&
		len(d.AddedDiagnostics) == 0 && len(d.ResolvedDiagnostics) == 0
}

// VHostChange is a virtual host of one listener that was added, removed or changed.
type VHostChange struct {
	// Listener is "ingress_http" or "ingress_https"; Port its port in the new graph (in
	// the old one for a virtual host that was removed).
	Listener string
	Port     uint32
	Change   Change
	FQDN     string
	// Old is the virtual host in the old graph (nil when added), New in the new graph
	// (nil when removed), each whole, with every route.
	Old, New *VirtualHost
	// TLSChanged says whether the TLS settings (secret, minimum version, passthrough) or
	// the TCP proxy differ.
	TLSChanged bool
	// Routes are the route changes of a changed virtual host, every route of an added or
	// removed one, in route order (exact first, then by path descending).
	Routes []RouteChange
}

// RouteChange is a route that was added, removed or changed (its clusters, options or
// source) in a virtual host.
type RouteChange struct {
	Change    Change
	MatchType MatchType
	Path      string
	// Old is the route in the old graph (nil when added), New in the new graph (nil when
	// removed); they point into the VHostChange's Old and New.
	Old, New *Route
}

// StatusChange is an IngressRoute's status that was added, removed or changed (its
// state, description or virtual hosts).
type StatusChange struct {
	Change Change
	// Old is the status in the old graph (nil when added), New in the new one (nil when
	// removed).
	Old, New *Status
}

// Ref returns the IngressRoute the status change is about.
func (s StatusChange) Ref() ObjectRef {
	if s.New != nil {
		return s.New.Ref()
	}
	if s.Old != nil {
		return s.Old.Ref()
	}
	return ObjectRef{}
}

// readGraphs takes the two graphs of a diff for reading, calls f with their C pointers
// and gives them back. A nil *Graph is an empty graph (made here, of an empty snapshot);
// a closed one is an error.
func readGraphs(op string, old, new *Graph, f func(a, b *C.contour_graph) error) error {
	var ps [2]*C.contour_graph
	for i, g := range [2]*Graph{old, new} {
		if g == nil {
			e, err := emptyGraph(op)
			if err != nil {
				return err
			}
			defer C.contour_graph_free(e)
			ps[i] = e
			continue
		}
		h := g.handle()
		if ps[i] = h.rlock(); ps[i] == nil {
			return &Error{Status: CodeInvalid, Op: op, Detail: [2]string{"old graph", "new graph"}[i], Err: ErrClosed}
		}
		defer h.runlock()
	}
	return f(ps[0], ps[1])
}

// emptyGraph resolves an empty snapshot; the caller frees the graph.
func emptyGraph(op string) (*C.contour_graph, error) {
	if versionErr != nil {
		return nil, versionErr
	}
	var s *C.contour_snapshot
	if st := C.contour_snapshot_new(&s, nil); st != C.CONTOUR_OK {
		return nil, newError(st, op, "")
	}
	defer C.contour_snapshot_free(s)
	var g *C.contour_graph
	if st := C.contour_resolve(&g, s, nil); st != C.CONTOUR_OK {
		return nil, newError(st, op, "")
	}
	return g, nil
}

// withDiff compares two graphs in C and calls f with the diff, which it then frees.
func withDiff(op string, old, new *Graph, f func(d *C.contour_diff) error) error {
	return readGraphs(op, old, new, func(a, b *C.contour_graph) error {
		var d *C.contour_diff
		if st := C.contour_diff_graphs(&d, a, b); st != C.CONTOUR_OK {
			return newError(st, op, "")
		}
		defer C.contour_diff_free(d)
		return f(d)
	})
}

// DiffGraphs compares two graphs: what changed from old to new. Any two graphs can be
// compared, in time proportional to their size; two graphs of one snapshot (a graph and
// its ResolveUpdate) are compared in time proportional to the change. A nil graph is an
// empty one (DiffGraphs(nil, g) lists everything in g as added). Both graphs stay open
// and unchanged; the Diff is a Go copy that does not depend on them.
//
// A closed graph gives an *Error matching ErrClosed and ErrInvalid.
func DiffGraphs(old, new *Graph) (*Diff, error) {
	var out *Diff
	err := withDiff("diff", old, new, func(d *C.contour_diff) error {
		out = diffFromC(d)
		return nil
	})
	return out, err
}

// diffFromC copies a diff out.
func diffFromC(d *C.contour_diff) *Diff {
	out := &Diff{}
	var dec decoder
	if n := int(C.contour_diff_vhost_count(d)); n > 0 {
		out.VirtualHosts = make([]VHostChange, n)
		for i := range out.VirtualHosts {
			vc := C.contour_diff_vhost_at(d, C.size_t(i))
			c := &out.VirtualHosts[i]
			c.Listener = goStr(C.contour_vhost_change_listener(vc))
			c.Port = uint32(C.contour_vhost_change_port(vc))
			c.Change = Change(C.contour_vhost_change_kind(vc))
			c.FQDN = goStr(C.contour_vhost_change_fqdn(vc))
			c.Old = dec.vhost(C.contour_vhost_change_old(vc))
			c.New = dec.vhost(C.contour_vhost_change_new(vc))
			c.TLSChanged = bool(C.contour_vhost_change_tls_changed(vc))
			if m := int(C.contour_vhost_change_route_count(vc)); m > 0 {
				c.Routes = make([]RouteChange, m)
				for j := range c.Routes {
					rc := C.contour_vhost_change_route_at(vc, C.size_t(j))
					c.Routes[j] = RouteChange{
						Change:    Change(C.contour_route_change_kind(rc)),
						MatchType: MatchType(C.contour_route_change_match_type(rc)),
						Path:      goStr(C.contour_route_change_path(rc)),
						Old:       dec.route(C.contour_route_change_old(rc)),
						New:       dec.route(C.contour_route_change_new(rc)),
					}
				}
			}
		}
	}
	if n := int(C.contour_diff_status_count(d)); n > 0 {
		out.Statuses = make([]StatusChange, n)
		for i := range out.Statuses {
			sc := C.contour_diff_status_at(d, C.size_t(i))
			out.Statuses[i] = StatusChange{
				Change: Change(C.contour_status_change_kind(sc)),
				Old:    statusFromC(C.contour_status_change_old(sc)),
				New:    statusFromC(C.contour_status_change_new(sc)),
			}
		}
	}
	if n := int(C.contour_diff_added_diagnostic_count(d)); n > 0 {
		out.AddedDiagnostics = make([]Diagnostic, n)
		for i := range out.AddedDiagnostics {
			out.AddedDiagnostics[i] = diagnosticFromC(C.contour_diff_added_diagnostic_at(d, C.size_t(i)))
		}
	}
	if n := int(C.contour_diff_resolved_diagnostic_count(d)); n > 0 {
		out.ResolvedDiagnostics = make([]Diagnostic, n)
		for i := range out.ResolvedDiagnostics {
			out.ResolvedDiagnostics[i] = diagnosticFromC(C.contour_diff_resolved_diagnostic_at(d, C.size_t(i)))
		}
	}
	return out
}

// RenderDiff renders what changed from old to new (as DiffGraphs compares them) as JSON
// (the "Graph diff" of docs/route-graph.md; `contourc diff --format json` prints the same)
// or text. OutputDOT gives an *Error matching ErrInvalid.
func RenderDiff(old, new *Graph, format OutputFormat) ([]byte, error) {
	const op = "render diff"
	var out []byte
	err := withDiff(op, old, new, func(d *C.contour_diff) error {
		var buf *C.contour_buffer
		if st := C.contour_diff_render(&buf, d, C.contour_output_format(format)); st != C.CONTOUR_OK {
			return newError(st, op, formatDetail(format))
		}
		defer C.contour_buffer_free(buf)
		out = bufferBytes(buf)
		return nil
	})
	return out, err
}

// WriteDiff writes what RenderDiff returns to w, in pieces of at most 64 KiB, without
// building it in memory first. It returns the number of bytes written; an error of w
// stops the write and is returned as it is.
func WriteDiff(w io.Writer, old, new *Graph, format OutputFormat) (int64, error) {
	const op = "write diff"
	var n int64
	err := withDiff(op, old, new, func(d *C.contour_diff) error {
		var err error
		n, err = writeThrough(w, op, formatDetail(format), func(fn C.contour_write_fn, ud unsafe.Pointer) C.contour_result {
			return C.contour_diff_write(d, C.contour_output_format(format), fn, ud)
		})
		return err
	})
	return n, err
}
