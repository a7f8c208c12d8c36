package main

import (
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"

	contour "github.com/libcontour/libcontour/bindings/go"
)

// view is a resolved graph with the parts of it the controller reads, copied out once.
type view struct {
	graph     *contour.Graph
	listeners []contour.Listener
	statuses  []contour.Status
	byKey     map[[2]string]int // (namespace, name) -> index in statuses
	diags     []contour.Diagnostic
}

func newView(g *contour.Graph) *view {
	v := &view{graph: g, listeners: g.Listeners(), statuses: g.Statuses(), diags: g.Diagnostics()}
	v.byKey = make(map[[2]string]int, len(v.statuses))
	for i := range v.statuses {
		v.byKey[[2]string{v.statuses[i].Namespace, v.statuses[i].Name}] = i
	}
	return v
}

// status returns the status of an IngressRoute, nil when the graph has none.
func (v *view) status(ns, name string) *contour.Status {
	if v == nil {
		return nil
	}
	if i, ok := v.byKey[[2]string{ns, name}]; ok {
		return &v.statuses[i]
	}
	return nil
}

func (v *view) close() {
	if v != nil {
		v.graph.Close()
	}
}

// change says how something differs between the old graph and the new one (the draft
// include/contour/diff.h's contour_change).
type change int

const (
	added   change = iota // only in the new graph
	removed               // only in the old graph
	changed               // in both, different
)

func (c change) String() string { return [...]string{"added", "removed", "changed"}[c] }

// graphDiff is what changed between two graphs, in the shape of the draft
// contour_diff_graphs() (drafts/diff.h): virtual hosts per listener and, within them,
// routes; statuses; diagnostics that appeared or were resolved.
type graphDiff struct {
	VHosts   []vhostChange
	Statuses []statusChange
	// AddedDiagnostics are only in the new graph, ResolvedDiagnostics only in the old.
	AddedDiagnostics    []contour.Diagnostic
	ResolvedDiagnostics []contour.Diagnostic
}

type vhostChange struct {
	Listener string
	Port     uint32
	Change   change
	FQDN     string
	Old, New *contour.VirtualHost
	// TLSChanged: the TLS settings or the tcpproxy differ.
	TLSChanged bool
	// Routes: the route changes of a changed virtual host; every route of an added or
	// removed one.
	Routes []routeChange
}

type routeChange struct {
	Change    change
	MatchType contour.MatchType
	Path      string
	Old, New  *contour.Route
}

type statusChange struct {
	Change   change
	Old, New *contour.Status // nil when added / removed
}

// empty reports whether the two graphs are the same.
func (d *graphDiff) empty() bool {
	return len(d.VHosts) == 0 && len(d.Statuses) == 0 && len(d.AddedDiagnostics) == 0 && len(d.ResolvedDiagnostics) == 0
}

// diffViews compares two graphs; old may be nil (everything is added). It walks both
// graphs whole: time proportional to their size.
//
// TODO(contour_diff_graphs): when contour_diff_graphs() (drafts/diff.h) is in the
// library and the binding, this function becomes a call to it on old.graph and
// new.graph — in time proportional to the change for two graphs of one snapshot — and
// view no longer needs its copies of the listeners and diagnostics.
func diffViews(old, new *view) *graphDiff {
	var o view
	if old != nil {
		o = *old
	}
	d := &graphDiff{}
	d.Statuses = diffStatuses(o.statuses, new.statuses)
	d.VHosts = diffListeners(o.listeners, new.listeners)
	d.AddedDiagnostics, d.ResolvedDiagnostics = diffDiagnostics(o.diags, new.diags)
	return d
}

// merge walks two lists ordered by cmp together and calls f for each element of
// either: with both when cmp says they are the same entry, else with nil for the side
// that lacks it.
func merge[T any](old, new []T, cmp func(a, b *T) int, f func(a, b *T)) {
	i, j := 0, 0
	for i < len(old) || j < len(new) {
		c := 0
		switch {
		case i == len(old):
			c = 1
		case j == len(new):
			c = -1
		default:
			c = cmp(&old[i], &new[j])
		}
		switch {
		case c < 0:
			f(&old[i], nil)
			i++
		case c > 0:
			f(nil, &new[j])
			j++
		default:
			f(&old[i], &new[j])
			i++
			j++
		}
	}
}

// kindOf says whether an entry was added (no old), removed (no new) or is in both.
func kindOf[T any](a, b *T) change {
	switch {
	case a == nil:
		return added
	case b == nil:
		return removed
	}
	return changed
}

// diffStatuses compares two status lists, both ordered by (namespace, name).
func diffStatuses(old, new []contour.Status) []statusChange {
	var out []statusChange
	merge(old, new, func(a, b *contour.Status) int {
		return compareKeys(a.Namespace, a.Name, b.Namespace, b.Name)
	}, func(a, b *contour.Status) {
		c := kindOf(a, b)
		if c == changed && a.State == b.State && a.Description == b.Description && equalStrings(a.VirtualHosts, b.VirtualHosts) {
			return
		}
		out = append(out, statusChange{Change: c, Old: a, New: b})
	})
	return out
}

func compareKeys(ns1, n1, ns2, n2 string) int {
	if c := strings.Compare(ns1, ns2); c != 0 {
		return c
	}
	return strings.Compare(n1, n2)
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// diffListeners compares the virtual hosts of each listener, by listener name then fqdn.
func diffListeners(old, new []contour.Listener) []vhostChange {
	byName := func(ls []contour.Listener) map[string]*contour.Listener {
		m := make(map[string]*contour.Listener, len(ls))
		for i := range ls {
			m[ls[i].Name] = &ls[i]
		}
		return m
	}
	om, nm := byName(old), byName(new)
	names := make([]*contour.Listener, 0, len(om)+len(nm))
	for _, l := range new {
		names = append(names, nm[l.Name])
	}
	for _, l := range old {
		if nm[l.Name] == nil {
			names = append(names, om[l.Name])
		}
	}
	sort.SliceStable(names, func(a, b int) bool { return names[a].Port < names[b].Port })
	var out []vhostChange
	for _, l := range names {
		var ov, nv []contour.VirtualHost
		if x := om[l.Name]; x != nil {
			ov = x.VirtualHosts
		}
		if x := nm[l.Name]; x != nil {
			nv = x.VirtualHosts
		}
		out = append(out, diffVHosts(l.Name, l.Port, ov, nv)...)
	}
	return out
}

// diffVHosts compares two virtual host lists, both ordered by fqdn.
func diffVHosts(listener string, port uint32, old, new []contour.VirtualHost) []vhostChange {
	var out []vhostChange
	merge(old, new, func(a, b *contour.VirtualHost) int {
		return strings.Compare(a.FQDN, b.FQDN)
	}, func(a, b *contour.VirtualHost) {
		vc := vhostChange{Listener: listener, Port: port, Change: kindOf(a, b), Old: a, New: b}
		switch vc.Change {
		case added:
			vc.FQDN, vc.Routes = b.FQDN, diffRoutes(nil, b.Routes)
		case removed:
			vc.FQDN, vc.Routes = a.FQDN, diffRoutes(a.Routes, nil)
		default:
			vc.FQDN = b.FQDN
			vc.TLSChanged = !reflect.DeepEqual(a.TLS, b.TLS) || !reflect.DeepEqual(a.TCPProxy, b.TCPProxy)
			vc.Routes = diffRoutes(a.Routes, b.Routes)
			if !vc.TLSChanged && len(vc.Routes) == 0 {
				return
			}
		}
		out = append(out, vc)
	})
	return out
}

// routeBefore is the graph's route order: exact matches first, then by path in
// descending byte order.
func routeBefore(a, b *contour.Route) int {
	if a.MatchType != b.MatchType {
		if a.MatchType == contour.MatchExact {
			return -1
		}
		return 1
	}
	return -strings.Compare(a.Path, b.Path)
}

// diffRoutes compares two route lists in the graph's route order; a route changes when
// its clusters, options or source change.
func diffRoutes(old, new []contour.Route) []routeChange {
	var out []routeChange
	merge(old, new, routeBefore, func(a, b *contour.Route) {
		c := kindOf(a, b)
		if c == changed && reflect.DeepEqual(*a, *b) {
			return
		}
		r := b
		if r == nil {
			r = a
		}
		out = append(out, routeChange{Change: c, MatchType: r.MatchType, Path: r.Path, Old: a, New: b})
	})
	return out
}

// diffDiagnostics returns the diagnostics only in new and those only in old (as
// multisets: a diagnostic that appears twice in one and once in the other counts once).
func diffDiagnostics(old, new []contour.Diagnostic) (addedDs, resolvedDs []contour.Diagnostic) {
	count := make(map[contour.Diagnostic]int, len(old))
	for _, d := range old {
		count[d]++
	}
	for _, d := range new {
		if count[d] > 0 {
			count[d]--
		} else {
			addedDs = append(addedDs, d)
		}
	}
	for _, d := range old {
		if count[d] > 0 {
			count[d]--
			resolvedDs = append(resolvedDs, d)
		}
	}
	return addedDs, resolvedDs
}

// print writes the diff, one line per change, at most max lines (0: all) and then how
// many more there were.
func (d *graphDiff) print(w io.Writer, indent string, max int) {
	n := 0
	line := func(format string, args ...interface{}) {
		if max == 0 || n < max {
			fmt.Fprintf(w, indent+format+"\n", args...)
		}
		n++
	}
	for _, s := range d.Statuses {
		switch s.Change {
		case added:
			line("status %s/%s: %s: %s", s.New.Namespace, s.New.Name, s.New.State, s.New.Description)
		case removed:
			line("status %s/%s: removed (was %s)", s.Old.Namespace, s.Old.Name, s.Old.State)
		default:
			if s.Old.State == s.New.State && s.Old.Description == s.New.Description {
				line("status %s/%s: %s, virtual hosts %v -> %v", s.New.Namespace, s.New.Name, s.New.State, s.Old.VirtualHosts, s.New.VirtualHosts)
			} else {
				line("status %s/%s: %s -> %s: %s", s.New.Namespace, s.New.Name, s.Old.State, s.New.State, s.New.Description)
			}
		}
	}
	for _, v := range d.VHosts {
		var what []string
		if v.TLSChanged {
			what = append(what, "tls/tcpproxy changed")
		}
		for _, r := range v.Routes {
			what = append(what, fmt.Sprintf("%s %s %s", r.MatchType, r.Path, r.Change))
		}
		line("vhost %s %s: %s%s", v.Listener, v.FQDN, v.Change, joinWhat(what))
	}
	for _, diag := range d.AddedDiagnostics {
		line("diagnostic + %s", diag)
	}
	for _, diag := range d.ResolvedDiagnostics {
		line("diagnostic - %s", diag)
	}
	if max > 0 && n > max {
		fmt.Fprintf(w, "%s... and %d more\n", indent, n-max)
	}
}

func joinWhat(what []string) string {
	const most = 4
	if len(what) == 0 {
		return ""
	}
	if len(what) > most {
		what = append(what[:most:most], fmt.Sprintf("and %d more", len(what)-most))
	}
	return " (" + strings.Join(what, ", ") + ")"
}
