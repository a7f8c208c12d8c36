package contour

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// Random change sequences: a snapshot changed through SetSource, RemoveSource,
// ReplaceObject, Remove and LoadBytes in random batches; after each batch ResolveUpdate of
// the previous graph must render exactly what a full Resolve renders, and DiffGraphs of
// the two graphs must say what a comparison of their JSON says.

// world generates random objects in a few namespaces, names and hosts, so that changes
// collide: delegations to objects that come and go, duplicate FQDNs, cycles, missing
// Services and Secrets, TLS delegations, Ingresses on the IngressRoutes' hosts, and
// documents with errors.
type world struct {
	r *rand.Rand
}

var (
	worldNS    = []string{"a", "b", "c"}
	worldHosts = []string{"h0.example.com", "h1.example.com", "h2.example.com", "h3.example.com"}
	worldPaths = []string{"/", "/x", "/x/y", "/z", "/x/y/z"}
)

func (w *world) pick(xs []string) string { return xs[w.r.Intn(len(xs))] }

func (w *world) chance(p float64) bool { return w.r.Float64() < p }

// key names one object of the world: its kind, namespace and name.
type key struct {
	kind     Kind
	ns, name string
}

func (k key) source() string { return k.kind.String() + "/" + k.ns + "/" + k.name }

// randomKey picks an object of the world.
func (w *world) randomKey() key {
	ns := w.pick(worldNS)
	switch w.r.Intn(10) {
	case 0, 1:
		return key{KindService, ns, "s" + strconv.Itoa(w.r.Intn(3))}
	case 2:
		return key{KindSecret, ns, w.pick([]string{"tls", "other"})}
	case 3:
		return key{KindTLSCertificateDelegation, ns, "deleg"}
	case 4, 5:
		return key{KindIngressRoute, ns, "r" + strconv.Itoa(w.r.Intn(2))}
	case 6, 7, 8:
		return key{KindIngressRoute, ns, "c" + strconv.Itoa(w.r.Intn(3))}
	}
	return key{KindIngress, ns, "i" + strconv.Itoa(w.r.Intn(2))}
}

func (w *world) services(ns string) string {
	var b strings.Builder
	b.WriteString("    services:\n")
	for i, n := 0, 1+w.r.Intn(2); i < n; i++ {
		port := w.pick([]string{"80", "80", "8080", "9999"})
		fmt.Fprintf(&b, "    - name: s%d\n      port: %s\n", w.r.Intn(4), port)
		if w.chance(0.3) {
			fmt.Fprintf(&b, "      weight: %d\n", w.r.Intn(100))
		}
		if w.chance(0.1) {
			b.WriteString("      healthCheck: {path: /healthz}\n")
		}
	}
	return b.String()
}

func (w *world) routes(ns string, child bool) string {
	var b strings.Builder
	b.WriteString("  routes:\n")
	for i, n := 0, 1+w.r.Intn(3); i < n; i++ {
		fmt.Fprintf(&b, "  - match: %s\n", w.pick(worldPaths))
		if w.chance(0.4) {
			dns := ns
			if w.chance(0.3) {
				dns = w.pick(worldNS)
			}
			fmt.Fprintf(&b, "    delegate: {name: c%d, namespace: %s}\n", w.r.Intn(3), dns)
			continue
		}
		b.WriteString(w.services(ns))
		if w.chance(0.2) {
			b.WriteString("    timeoutPolicy: {request: 5s}\n")
		}
		if w.chance(0.1) {
			b.WriteString("    permitInsecure: true\n")
		}
		if w.chance(0.1) {
			b.WriteString("    prefixRewrite: /new\n")
		}
	}
	return b.String()
}

// object writes a random version of the object k.
func (w *world) object(k key) string {
	head := func(apiVersion string) string {
		return fmt.Sprintf("apiVersion: %s\nkind: %s\nmetadata:\n  name: %s\n  namespace: %s\n", apiVersion, k.kind, k.name, k.ns)
	}
	ir := "contour.heptio.com/v1beta1"
	switch k.kind {
	case KindService:
		s := head("v1") + "spec:\n  ports:\n  - name: http\n    port: 80\n"
		if w.chance(0.5) {
			s += "  - port: 8080\n"
		}
		return s
	case KindSecret:
		if w.chance(0.2) {
			return head("v1") + "type: Opaque\ndata: {x: eA==}\n"
		}
		return head("v1") + "type: kubernetes.io/tls\ndata: {tls.crt: eA==, tls.key: eA==}\n"
	case KindTLSCertificateDelegation:
		targets := "[" + w.pick(worldNS) + "]"
		if w.chance(0.3) {
			targets = `["*"]`
		}
		return head(ir) + "spec:\n  delegations:\n  - secretName: tls\n    targetNamespaces: " + targets + "\n"
	case KindIngressRoute:
		s := head(ir) + "spec:\n"
		if strings.HasPrefix(k.name, "r") || w.chance(0.1) {
			s += "  virtualhost:\n    fqdn: " + w.pick(worldHosts) + "\n"
			if w.chance(0.4) {
				secret := "tls"
				if w.chance(0.4) {
					secret = w.pick(worldNS) + "/tls"
				}
				s += "    tls: {secretName: " + secret + "}\n"
			}
			if w.chance(0.1) {
				s += "  tcpproxy:\n" + strings.ReplaceAll(w.services(k.ns), "    ", "  ")
			}
		}
		if w.chance(0.05) {
			s += "  colour: blue\n" // an unknown field: a warning
		}
		return s + w.routes(k.ns, !strings.HasPrefix(k.name, "r"))
	}
	// Ingress.
	s := head("networking.k8s.io/v1") + "spec:\n"
	if w.chance(0.3) {
		s += "  tls:\n  - hosts: [" + w.pick(worldHosts) + "]\n    secretName: tls\n"
	}
	if w.chance(0.3) {
		s += fmt.Sprintf("  defaultBackend:\n    service: {name: s%d, port: {number: 80}}\n", w.r.Intn(4))
	}
	s += "  rules:\n  - host: " + w.pick(worldHosts) + "\n    http:\n      paths:\n"
	for i, n := 0, 1+w.r.Intn(2); i < n; i++ {
		s += fmt.Sprintf("      - path: %s\n        pathType: %s\n        backend:\n          service:\n"+
			"            name: s%d\n            port: {number: 80}\n", w.pick(worldPaths), w.pick([]string{"Prefix", "Exact"}), w.r.Intn(4))
	}
	return s
}

// junk is a document with errors: YAML that does not parse, or an object that cannot be
// used.
func (w *world) junk() string {
	switch w.r.Intn(3) {
	case 0:
		return "apiVersion: v1\nkind: Service\nmetadata: {name: [unclosed\n"
	case 1:
		return "apiVersion: v1\nkind: Service\nmetadata: {namespace: a}\nspec: {ports: [{port: 80}]}\n" // no name
	}
	return "apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\nmetadata: {name: r0, namespace: a}\nspec:\n  routes: 7\n"
}

// changer applies random changes to a snapshot, remembering the sources it set.
type changer struct {
	t       *testing.T
	w       *world
	s       *Snapshot
	sources map[string]bool
	n       int // counter for new source names
	log     []string
}

func (c *changer) step() {
	t, w := c.t, c.w
	k := w.randomKey()
	var err error
	var what string
	switch x := w.r.Intn(100); {
	case x < 40:
		what = "SetSource " + k.source()
		err = c.s.SetSource(k.source(), []byte(w.object(k)))
		c.sources[k.source()] = true
	case x < 55:
		srcs := make([]string, 0, len(c.sources))
		for s := range c.sources {
			srcs = append(srcs, s)
		}
		if len(srcs) == 0 {
			return
		}
		sort.Strings(srcs)
		src := srcs[w.r.Intn(len(srcs))]
		what = "RemoveSource " + src
		err = c.s.RemoveSource(src)
		delete(c.sources, src)
		if errors.Is(err, ErrNotFound) {
			// A source left with nothing (its objects all replaced by other sources',
			// no diagnostic about it) is gone already.
			what += " (gone)"
			if holds := c.sourceHolds(src); holds != "" {
				err = fmt.Errorf("ErrNotFound, but the snapshot has %s from it", holds)
			} else {
				err = nil
			}
		}
	case x < 65:
		what = "ReplaceObject " + k.source()
		err = c.s.ReplaceObject(k.kind, k.ns, k.name, k.source(), []byte(w.object(k)))
		c.sources[k.source()] = true
	case x < 70:
		what = "Remove " + k.source()
		err = c.s.Remove(k.kind, k.ns, k.name)
		if errors.Is(err, ErrNotFound) {
			err = nil
		}
	case x < 82:
		c.n++
		src := "bundle-" + strconv.Itoa(c.n%4)
		k2 := w.randomKey()
		what = "SetSource " + src + " (" + k.source() + ", " + k2.source() + ")"
		err = c.s.SetSource(src, []byte("---\n"+w.object(k)+"---\n"+w.object(k2)))
		c.sources[src] = true
	case x < 90:
		c.n++
		src := "junk-" + strconv.Itoa(c.n%3)
		what = "SetSource " + src + " (junk)"
		err = c.s.SetSource(src, []byte(w.object(k)+"---\n"+w.junk()))
		c.sources[src] = true
	case x < 95:
		c.n++
		src := "extra-" + strconv.Itoa(c.n%3)
		what = "LoadBytes " + src
		err = c.s.LoadBytes(src, []byte(w.object(k)))
		c.sources[src] = true
	default:
		what = "RemoveSource (none)"
		if err = c.s.RemoveSource("no-such-source"); errors.Is(err, ErrNotFound) {
			err = nil
		} else {
			err = fmt.Errorf("RemoveSource of a missing source: want ErrNotFound, got %v", err)
		}
	}
	c.log = append(c.log, what)
	if err != nil {
		t.Fatalf("%s: %v (after: %s)", what, err, strings.Join(c.log, "; "))
	}
}

// sourceHolds names an object or a diagnostic the snapshot has from a source; "" when
// none.
func (c *changer) sourceHolds(src string) string {
	for _, k := range Kinds {
		for _, o := range c.s.Objects(k) {
			if o.File == src {
				return o.String()
			}
		}
	}
	for _, d := range c.s.Diagnostics() {
		if d.File == src {
			return "diagnostic " + d.String()
		}
	}
	return ""
}

// seeds returns the seeds to run: CONTOUR_TEST_SEED when set, else a few fixed ones.
func seeds(t *testing.T, fixed ...int64) []int64 {
	if s := os.Getenv("CONTOUR_TEST_SEED"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatalf("CONTOUR_TEST_SEED: %v", err)
		}
		return []int64{n}
	}
	return fixed
}

// TestResolveUpdateRandom: after every batch of random changes, ResolveUpdate of the
// previous graph renders (JSON, text, DOT) exactly what a full Resolve renders, now and
// with other settings; and the diff of the two graphs is the diff of their JSON.
func TestResolveUpdateRandom(t *testing.T) {
	steps := 150
	if testing.Short() {
		steps = 40
	}
	for _, seed := range seeds(t, 1, 2, 3, 4) {
		t.Run("seed"+strconv.FormatInt(seed, 10), func(t *testing.T) {
			runUpdateSequence(t, seed, steps)
		})
	}
}

func runUpdateSequence(t *testing.T, seed int64, steps int) {
	w := &world{r: rand.New(rand.NewSource(seed))}
	cfg := &Config{}
	if seed%2 == 0 {
		cfg.Threads = 2
	}
	s, err := NewSnapshot(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c := &changer{t: t, w: w, s: s, sources: map[string]bool{}}
	// A start with something in it.
	for i := 0; i < 20; i++ {
		c.step()
	}
	prev, err := s.Resolve(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { prev.Close() }()
	other := &Config{RootNamespaces: []string{"a", "b"}, HTTPPort: 8080}
	for i := 0; i < steps; i++ {
		c.log = c.log[:0]
		for j, n := 0, 1+w.r.Intn(4); j < n; j++ {
			c.step()
		}
		next, err := s.ResolveUpdate(prev, nil)
		if err != nil {
			t.Fatalf("step %d: ResolveUpdate: %v", i, err)
		}
		full, err := s.Resolve(nil)
		if err != nil {
			t.Fatal(err)
		}
		where := fmt.Sprintf("seed %d step %d after %s", seed, i, strings.Join(c.log, "; "))
		sameRenderings(t, where, next, full)
		checkDiff(t, where, prev, next)
		full.Close()

		// Other settings: resolved from scratch, the same as Resolve with them; and back.
		if i%25 == 24 {
			o, err := s.ResolveUpdate(next, other)
			if err != nil {
				t.Fatal(err)
			}
			f, err := s.Resolve(other)
			if err != nil {
				t.Fatal(err)
			}
			sameRenderings(t, where+" (other settings)", o, f)
			checkDiff(t, where+" (other settings)", next, o)
			back, err := s.ResolveUpdate(o, &Config{})
			if err != nil {
				t.Fatal(err)
			}
			sameRenderings(t, where+" (back)", back, next)
			if d, err := DiffGraphs(next, back); err != nil || !d.Empty() {
				t.Errorf("%s: back to the snapshot's settings: diff %+v, %v", where, d, err)
			}
			o.Close()
			f.Close()
			back.Close()
		}
		prev.Close()
		prev = next
	}
}

// sameRenderings fails unless two graphs render the same bytes in every format.
func sameRenderings(t *testing.T, where string, got, want *Graph) {
	t.Helper()
	for _, f := range []OutputFormat{OutputJSON, OutputText, OutputDOT} {
		a, err := got.Render(f)
		if err != nil {
			t.Fatal(err)
		}
		b, err := want.Render(f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Fatalf("%s: ResolveUpdate's %s differs from Resolve's:\n%s", where, f, firstDifference(a, b))
		}
	}
}

// firstDifference shows where two texts part, with a few lines of each.
func firstDifference(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(al) || i < len(bl); i++ {
		if i >= len(al) || i >= len(bl) || al[i] != bl[i] {
			lo := i - 3
			if lo < 0 {
				lo = 0
			}
			cut := func(l []string) string {
				hi := i + 4
				if hi > len(l) {
					hi = len(l)
				}
				if lo >= hi {
					return "(end)"
				}
				return strings.Join(l[lo:hi], "\n")
			}
			return fmt.Sprintf("at line %d:\n--- got\n%s\n--- want\n%s", i+1, cut(al), cut(bl))
		}
	}
	return "(same lines)"
}

// ---- the diff of two graphs, from their JSON ----

type jobj = map[string]any

func parseJSON(t *testing.T, b []byte) jobj {
	t.Helper()
	var v jobj
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("bad JSON: %v\n%s", err, b)
	}
	return v
}

// canon is a value's JSON with sorted keys, for comparing and counting.
func canon(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

// routeKey is a route's match and path from its JSON, and whether it sorts before
// another: exact matches first, then by path in descending byte order.
func routeKey(r jobj) (exact bool, path string) {
	if p, ok := r["exact"].(string); ok {
		return true, p
	}
	p, _ := r["prefix"].(string)
	return false, p
}

func routeCmp(a, b jobj) int {
	ae, ap := routeKey(a)
	be, bp := routeKey(b)
	if ae != be {
		if ae {
			return -1
		}
		return 1
	}
	return -strings.Compare(ap, bp)
}

// mergeJSON walks two lists ordered by cmp and calls f with the entries of either side
// (nil for the side that lacks one).
func mergeJSON(a, b []any, cmp func(x, y jobj) int, f func(x, y jobj)) {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		var c int
		switch {
		case i == len(a):
			c = 1
		case j == len(b):
			c = -1
		default:
			c = cmp(a[i].(jobj), b[j].(jobj))
		}
		switch {
		case c < 0:
			f(a[i].(jobj), nil)
			i++
		case c > 0:
			f(nil, b[j].(jobj))
			j++
		default:
			f(a[i].(jobj), b[j].(jobj))
			i++
			j++
		}
	}
}

func changeName(a, b jobj) string {
	switch {
	case a == nil:
		return "added"
	case b == nil:
		return "removed"
	}
	return "changed"
}

// vhostSide is what the diff JSON shows of one side of a virtual host: its TLS and TCP
// proxy.
func vhostSide(v jobj) jobj {
	out := jobj{}
	for _, k := range []string{"tls", "tcpproxy"} {
		if x, ok := v[k]; ok {
			out[k] = x
		}
	}
	return out
}

// jsonDiff computes the diff JSON (docs/route-graph.md, "Graph diff") of two graphs from
// their JSON alone.
func jsonDiff(old, new jobj) jobj {
	type lst struct {
		name   string
		port   float64
		vhosts []any
	}
	listeners := func(g jobj) map[string]lst {
		m := map[string]lst{}
		for _, l := range list(g["listeners"]) {
			lo := l.(jobj)
			m[lo["name"].(string)] = lst{lo["name"].(string), lo["port"].(float64), list(lo["virtualhosts"])}
		}
		return m
	}
	ol, nl := listeners(old), listeners(new)
	var names []lst
	for _, l := range nl {
		names = append(names, l)
	}
	for n, l := range ol {
		if _, ok := nl[n]; !ok {
			names = append(names, l)
		}
	}
	sort.Slice(names, func(i, j int) bool { return names[i].port < names[j].port })
	vhosts := []any{}
	for _, l := range names {
		mergeJSON(ol[l.name].vhosts, nl[l.name].vhosts, func(x, y jobj) int {
			return strings.Compare(x["fqdn"].(string), y["fqdn"].(string))
		}, func(a, b jobj) {
			// The port of the graph the virtual host is in: the new one's, the old one's
			// for a virtual host that was removed (docs/route-graph.md, "Graph diff";
			// diff.h says "for a removed listener", which differs when the settings
			// changed the port and the listener stays).
			port := l.port
			if b == nil {
				port = ol[l.name].port
			}
			c := jobj{"listener": l.name, "port": port, "change": changeName(a, b)}
			routes := []any{}
			addRoutes := func(x, y jobj) {
				mergeJSON(list(x["routes"]), list(y["routes"]), routeCmp, func(ra, rb jobj) {
					if ra != nil && rb != nil && canon(ra) == canon(rb) {
						return
					}
					r := ra
					if r == nil {
						r = rb
					}
					exact, path := routeKey(r)
					rc := jobj{"change": changeName(ra, rb)}
					if exact {
						rc["exact"] = path
					} else {
						rc["prefix"] = path
					}
					if ra != nil {
						rc["old"] = ra
					}
					if rb != nil {
						rc["new"] = rb
					}
					routes = append(routes, rc)
				})
			}
			tls := false
			switch {
			case a == nil:
				c["fqdn"] = b["fqdn"]
				c["new"] = vhostSide(b)
				addRoutes(jobj{}, b)
			case b == nil:
				c["fqdn"] = a["fqdn"]
				c["old"] = vhostSide(a)
				addRoutes(a, jobj{})
			default:
				c["fqdn"] = b["fqdn"]
				tls = canon(vhostSide(a)) != canon(vhostSide(b))
				if tls {
					c["old"], c["new"] = vhostSide(a), vhostSide(b)
				}
				addRoutes(a, b)
				if !tls && len(routes) == 0 {
					return
				}
			}
			c["tls_changed"] = tls
			c["routes"] = routes
			vhosts = append(vhosts, c)
		})
	}
	statuses := []any{}
	mergeJSON(list(old["statuses"]), list(new["statuses"]), func(x, y jobj) int {
		if c := strings.Compare(x["namespace"].(string), y["namespace"].(string)); c != 0 {
			return c
		}
		return strings.Compare(x["name"].(string), y["name"].(string))
	}, func(a, b jobj) {
		if a != nil && b != nil && canon(a) == canon(b) {
			return
		}
		x := a
		if x == nil {
			x = b
		}
		c := jobj{"change": changeName(a, b), "kind": x["kind"], "namespace": x["namespace"], "name": x["name"]}
		if a != nil {
			c["old"] = a
		}
		if b != nil {
			c["new"] = b
		}
		statuses = append(statuses, c)
	})
	onlyIn := func(a, b []any) []any {
		n := map[string]int{}
		for _, d := range b {
			n[canon(d)]++
		}
		out := []any{}
		for _, d := range a {
			if k := canon(d); n[k] > 0 {
				n[k]--
			} else {
				out = append(out, d)
			}
		}
		return out
	}
	od, nd := list(old["diagnostics"]), list(new["diagnostics"])
	return jobj{
		"virtualhosts": vhosts,
		"statuses":     statuses,
		"diagnostics":  jobj{"added": onlyIn(nd, od), "resolved": onlyIn(od, nd)},
	}
}

// checkDiff checks DiffGraphs(old, new), RenderDiff and WriteDiff against the diff of the
// two graphs' JSON, and the Go values of the Diff against those of the graphs.
func checkDiff(t *testing.T, where string, old, new *Graph) {
	t.Helper()
	graphJSON := func(g *Graph) []byte {
		if g == nil { // DiffGraphs reads nil as an empty graph
			return []byte(`{"listeners": [], "statuses": [], "diagnostics": []}`)
		}
		b, err := g.JSON()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	oj, nj := graphJSON(old), graphJSON(new)
	want := jsonDiff(parseJSON(t, oj), parseJSON(t, nj))
	got, err := RenderDiff(old, new, OutputJSON)
	if err != nil {
		t.Fatalf("%s: RenderDiff: %v", where, err)
	}
	if canon(parseJSON(t, got)) != canon(want) {
		gb, _ := json.MarshalIndent(parseJSON(t, got), "", "  ")
		wb, _ := json.MarshalIndent(want, "", "  ")
		t.Fatalf("%s: the diff's JSON differs from the diff of the graphs' JSON:\n%s", where, firstDifference(gb, wb))
	}
	var sb strings.Builder
	if n, err := WriteDiff(&sb, old, new, OutputJSON); err != nil || n != int64(len(got)) || sb.String() != string(got) {
		t.Fatalf("%s: WriteDiff: %d bytes, %v; differs from RenderDiff: %v", where, n, err, sb.String() != string(got))
	}

	d, err := DiffGraphs(old, new)
	if err != nil {
		t.Fatal(err)
	}
	checkDiffValues(t, where, d, want, old, new)
}

// checkDiffValues compares a Diff with the JSON diff (what changed) and with the graphs'
// own Go values (the old and new sides).
func checkDiffValues(t *testing.T, where string, d *Diff, want jobj, old, new *Graph) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("%s: Diff: "+format, append([]any{where}, args...)...)
	}
	wv := list(want["virtualhosts"])
	if len(d.VirtualHosts) != len(wv) {
		fail("%d virtual host changes, the JSON diff has %d", len(d.VirtualHosts), len(wv))
	}
	findVHost := func(g *Graph, listener, fqdn string) *VirtualHost {
		if g == nil {
			return nil
		}
		for _, l := range g.Listeners() {
			if l.Name != listener {
				continue
			}
			for i := range l.VirtualHosts {
				if l.VirtualHosts[i].FQDN == fqdn {
					return &l.VirtualHosts[i]
				}
			}
		}
		return nil
	}
	for i, vc := range d.VirtualHosts {
		w := wv[i].(jobj)
		if vc.Listener != w["listener"] || float64(vc.Port) != w["port"] || vc.FQDN != w["fqdn"] ||
			vc.Change.String() != w["change"] || vc.TLSChanged != w["tls_changed"] {
			fail("virtual host change %d: %s %d %s %s tls %v, want %v", i, vc.Listener, vc.Port, vc.FQDN, vc.Change, vc.TLSChanged, canon(w))
		}
		ov, nv := findVHost(old, vc.Listener, vc.FQDN), findVHost(new, vc.Listener, vc.FQDN)
		if !reflect.DeepEqual(vc.Old, ov) || !reflect.DeepEqual(vc.New, nv) {
			fail("virtual host change %s %s: old/new %+v %+v, the graphs have %+v %+v", vc.Listener, vc.FQDN, vc.Old, vc.New, ov, nv)
		}
		wr := list(w["routes"])
		if len(vc.Routes) != len(wr) {
			fail("%s %s: %d route changes, want %d", vc.Listener, vc.FQDN, len(vc.Routes), len(wr))
		}
		for j, rc := range vc.Routes {
			exact, path := routeKey(wr[j].(jobj))
			if rc.Change.String() != wr[j].(jobj)["change"] || (rc.MatchType == MatchExact) != exact || rc.Path != path {
				fail("%s %s route change %d: %s %s %s, want %s", vc.Listener, vc.FQDN, j, rc.Change, rc.MatchType, rc.Path, canon(wr[j]))
			}
			side := func(v *VirtualHost, r *Route) {
				t.Helper()
				if r == nil {
					return
				}
				if v == nil {
					fail("%s %s %s: a route without its virtual host", vc.Listener, vc.FQDN, rc.Path)
				}
				for k := range v.Routes {
					if &v.Routes[k] == r {
						return
					}
				}
				fail("%s %s %s: the route is not one of its virtual host's", vc.Listener, vc.FQDN, rc.Path)
			}
			side(vc.Old, rc.Old)
			side(vc.New, rc.New)
			if (rc.Old == nil) != (rc.Change == ChangeAdded) || (rc.New == nil) != (rc.Change == ChangeRemoved) ||
				(rc.Old != nil && (rc.Old.MatchType != rc.MatchType || rc.Old.Path != rc.Path)) {
				fail("%s %s route change %d: sides %v %v for %s", vc.Listener, vc.FQDN, j, rc.Old, rc.New, rc.Change)
			}
		}
	}
	ws := list(want["statuses"])
	if len(d.Statuses) != len(ws) {
		fail("%d status changes, want %d", len(d.Statuses), len(ws))
	}
	for i, sc := range d.Statuses {
		w := ws[i].(jobj)
		ref := sc.Ref()
		if sc.Change.String() != w["change"] || ref.Namespace != w["namespace"] || ref.Name != w["name"] {
			fail("status change %d: %s %s, want %v", i, sc.Change, ref, canon(w))
		}
		for _, x := range []struct {
			g  *Graph
			st *Status
		}{{old, sc.Old}, {new, sc.New}} {
			st, err := x.g.Status(ref.Namespace, ref.Name)
			if x.st == nil {
				if err == nil {
					fail("status change %s: a side missing that the graph has", ref)
				}
				continue
			}
			if err != nil || !reflect.DeepEqual(*x.st, st) {
				fail("status change %s: %+v, the graph has %+v (%v)", ref, *x.st, st, err)
			}
		}
	}
	// Diagnostics: as multisets of the graphs' Go values, in the graphs' order.
	onlyIn := func(a, b []Diagnostic) []Diagnostic {
		n := map[Diagnostic]int{}
		for _, x := range b {
			n[x]++
		}
		var out []Diagnostic
		for _, x := range a {
			if n[x] > 0 {
				n[x]--
			} else {
				out = append(out, x)
			}
		}
		return out
	}
	od, nd := old.Diagnostics(), new.Diagnostics()
	if added := onlyIn(nd, od); !reflect.DeepEqual(d.AddedDiagnostics, added) {
		fail("added diagnostics %v, want %v", d.AddedDiagnostics, added)
	}
	if resolved := onlyIn(od, nd); !reflect.DeepEqual(d.ResolvedDiagnostics, resolved) {
		fail("resolved diagnostics %v, want %v", d.ResolvedDiagnostics, resolved)
	}
	if d.Empty() != (len(wv) == 0 && len(ws) == 0 && len(list(want["diagnostics"].(jobj)["added"])) == 0 &&
		len(list(want["diagnostics"].(jobj)["resolved"])) == 0) {
		fail("Empty() = %v", d.Empty())
	}
}
