package contour

import (
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// References: ReferencesFrom of every object is what its typed spec (Snapshot.Objects)
// names, in the order of its fields; ReferencesTo of every object named is the inverse of
// all of them, ordered by the referring object, then type, then position.

// expectedFrom lists the references an object's spec makes, in the order of its fields,
// without TargetMissing (filled in by the caller).
func expectedFrom(o *Object) []Reference {
	var out []Reference
	from := o.Ref()
	add := func(t ReferenceType, to ObjectRef, index, svc uint32, rule int32, path string) {
		out = append(out, Reference{Type: t, From: from, To: to, Index: index, ServiceIndex: svc, Rule: rule, Path: path})
	}
	ref := func(kind Kind, ns, name string) ObjectRef {
		if ns == "" {
			ns = o.Namespace
		}
		return ObjectRef{Kind: kind, Namespace: ns, Name: name}
	}
	// secretRef reads "name" or "namespace/name".
	secretRef := func(s string) ObjectRef {
		if i := strings.IndexByte(s, '/'); i >= 0 {
			return ref(KindSecret, s[:i], s[i+1:])
		}
		return ref(KindSecret, "", s)
	}
	switch {
	case o.IngressRoute != nil:
		ir := o.IngressRoute
		for i, r := range ir.Routes {
			if r.Delegate != nil {
				add(RefDelegate, ref(KindIngressRoute, r.Delegate.Namespace, r.Delegate.Name), uint32(i), 0, -1, r.Match)
			}
			for j, s := range r.Services {
				add(RefService, ref(KindService, "", s.Name), uint32(i), uint32(j), -1, r.Match)
			}
		}
		if tp := ir.TCPProxy; tp != nil {
			if tp.Delegate != nil {
				add(RefTCPDelegate, ref(KindIngressRoute, tp.Delegate.Namespace, tp.Delegate.Name), 0, 0, -1, "")
			}
			for j, s := range tp.Services {
				add(RefTCPService, ref(KindService, "", s.Name), 0, uint32(j), -1, "")
			}
		}
		if vh := ir.VirtualHost; vh != nil && vh.TLS != nil && vh.TLS.SecretName != "" {
			add(RefTLSSecret, secretRef(vh.TLS.SecretName), 0, 0, -1, "")
		}
	case o.Ingress != nil:
		// An Ingress: its TLS secrets, then its rules' backends, then the default one.
		in := o.Ingress
		for i, tls := range in.TLS {
			if tls.SecretName != "" {
				add(RefIngressTLS, secretRef(tls.SecretName), uint32(i), 0, -1, "")
			}
		}
		for r, rule := range in.Rules {
			for p, path := range rule.Paths {
				if b := path.Backend; b != nil && !b.Resource {
					route := path.Path // the route's path: "/" when none is written
					if route == "" {
						route = "/"
					}
					add(RefBackend, ref(KindService, "", b.Service), uint32(p), 0, int32(r), route)
				}
			}
		}
		if b := in.DefaultBackend; b != nil && !b.Resource {
			add(RefBackend, ref(KindService, "", b.Service), 0, 0, -1, "/")
		}
	case o.TLSCertificateDelegation != nil:
		for i, d := range o.TLSCertificateDelegation.Delegations {
			add(RefDelegation, ref(KindSecret, "", d.SecretName), uint32(i), 0, -1, "")
		}
	}
	return out
}

// checkReferences checks ReferencesFrom and ReferencesTo on a snapshot and its graph;
// it returns the number of references seen.
func checkReferences(t *testing.T, where string, s *Snapshot, g *Graph) int {
	t.Helper()
	exists := map[ObjectRef]bool{}
	var all []Object
	for _, k := range Kinds {
		for _, o := range s.Objects(k) {
			exists[o.Ref()] = true
			all = append(all, o)
		}
	}
	// Objects ignored for their ingress class refer to nothing, and are missing as
	// targets: IngressRoutes without a status, Ingresses of another class.
	statuses := map[ObjectRef]bool{}
	for _, st := range g.Statuses() {
		statuses[st.Ref()] = true
	}
	ignored := func(o *Object) bool {
		switch o.Kind {
		case KindIngressRoute:
			return !statuses[o.Ref()]
		case KindIngress:
			class, ok := o.Annotation("kubernetes.io/ingress.class")
			if !ok {
				class, ok = o.Annotation("contour.heptio.com/ingress.class")
			}
			if !ok && o.Ingress.IngressClassName != "" {
				class, ok = o.Ingress.IngressClassName, true
			}
			return ok && class != "contour"
		}
		return false
	}
	for i := range all {
		if ignored(&all[i]) {
			delete(exists, all[i].Ref())
		}
	}

	var every []Reference
	targets := map[ObjectRef]bool{}
	for i := range all {
		o := &all[i]
		var want []Reference
		if !ignored(o) {
			want = expectedFrom(o)
		}
		for j := range want {
			want[j].TargetMissing = !exists[want[j].To]
			targets[want[j].To] = true
		}
		got, err := g.ReferencesFrom(o.Kind, o.Namespace, o.Name)
		if err != nil {
			t.Fatalf("%s: ReferencesFrom(%s): %v", where, o, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: ReferencesFrom(%s):\n got %+v\nwant %+v", where, o, got, want)
		}
		every = append(every, want...)
		targets[o.Ref()] = true
	}
	// Targets nobody has, and names nobody uses.
	targets[ObjectRef{Kind: KindService, Namespace: "nowhere", Name: "nothing"}] = true
	targets[ObjectRef{Kind: KindSecret, Namespace: "", Name: ""}] = true
	byTarget := map[ObjectRef][]Reference{}
	for _, r := range every {
		byTarget[r.To] = append(byTarget[r.To], r)
	}
	for to := range targets {
		want := byTarget[to]
		sort.SliceStable(want, func(i, j int) bool { return refLess(&want[i], &want[j]) })
		got, err := g.ReferencesTo(to.Kind, to.Namespace, to.Name)
		if err != nil {
			t.Fatalf("%s: ReferencesTo(%s %s): %v", where, to.Kind, to, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: ReferencesTo(%s %s):\n got %+v\nwant %+v", where, to.Kind, to, got, want)
		}
	}
	return len(every)
}

// refLess is ReferencesTo's order: the referring object (kind, namespace, name), then
// type; a stable sort keeps the order of the object's fields (ReferencesFrom's) after
// that, which is "then position" (an Ingress's default backend comes after its rules').
func refLess(a, b *Reference) bool {
	if a.From.Kind != b.From.Kind {
		return a.From.Kind < b.From.Kind
	}
	if a.From.Namespace != b.From.Namespace {
		return a.From.Namespace < b.From.Namespace
	}
	if a.From.Name != b.From.Name {
		return a.From.Name < b.From.Name
	}
	return a.Type < b.Type
}

func TestReferencesExamples(t *testing.T) {
	var dirs []string
	for _, root := range []string{examplesDir(t), findShared(filepath.Join("examples", "contour-v0.10"))} {
		if root == "" {
			continue
		}
		subs, _ := filepath.Glob(filepath.Join(root, "0[1-9]-*"))
		for _, sub := range subs {
			dirs = append(dirs, sub)
		}
		dirs = append(dirs, root) // all of them at once
	}
	total := 0
	for _, dir := range dirs {
		paths := []string{dir}
		if !strings.HasSuffix(dir, "contour-v0.10") {
			paths = append(paths, filepath.Join(filepath.Dir(dir), "00-common"))
		}
		s, err := Load(paths, nil)
		if err != nil {
			t.Fatal(err)
		}
		g, err := s.Resolve(nil)
		if err != nil {
			t.Fatal(err)
		}
		total += checkReferences(t, dir, s, g)
		g.Close()
		s.Close()
	}
	if total == 0 {
		t.Fatal("no references in the examples")
	}
}

// findShared returns the path of rel in the shared directory ($CONTOUR_SHARED_ROOT, the
// one beside the repository, /work/shared), or "" when there is none.
func findShared(rel string) string {
	for _, d := range []string{os.Getenv("CONTOUR_SHARED_ROOT"), filepath.Join("..", "..", "..", "shared"), "/work/shared"} {
		if d == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(d, rel)); err == nil {
			return filepath.Join(d, rel)
		}
	}
	return ""
}

// TestReferencesCorpus: every file of the shared real-world corpus, and all of them at
// once.
func TestReferencesCorpus(t *testing.T) {
	dir := findShared(filepath.Join("corpus", "wild"))
	if dir == "" {
		t.Skip("shared corpus/wild not found (set CONTOUR_SHARED_ROOT)")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	for _, f := range files {
		s, _ := Load([]string{f}, nil)
		g, err := s.Resolve(nil)
		if err != nil {
			t.Fatal(err)
		}
		checkReferences(t, f, s, g)
		g.Close()
		s.Close()
	}
	s, _ := Load(files, nil)
	defer s.Close()
	g, err := s.Resolve(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	checkReferences(t, "the whole corpus", s, g)
}

// TestReferencesRandom: the random worlds of the update test, and references read from
// graphs made by ResolveUpdate.
func TestReferencesRandom(t *testing.T) {
	for _, seed := range seeds(t, 5, 6) {
		w := &world{r: rand.New(rand.NewSource(seed))}
		s, err := NewSnapshot(nil)
		if err != nil {
			t.Fatal(err)
		}
		c := &changer{t: t, w: w, s: s, sources: map[string]bool{}}
		var prev *Graph
		for i := 0; i < 30; i++ {
			for j := 0; j < 5; j++ {
				c.step()
			}
			g, err := s.ResolveUpdate(prev, nil)
			if err != nil {
				t.Fatal(err)
			}
			prev.Close()
			prev = g
			checkReferences(t, fmt.Sprintf("seed %d step %d", seed, i), s, g)
		}
		prev.Close()
		s.Close()
	}
}

func TestReferencesErrors(t *testing.T) {
	g := resolve(t, svcWeb+irRoot("default", "r", "a.com", "  - match: /\n    services: [{name: web, port: 80}]\n"), nil)
	if _, err := g.ReferencesTo(Kind(0), "default", "web"); !errors.Is(err, ErrInvalid) {
		t.Errorf("KindNone: %v", err)
	}
	if _, err := g.ReferencesFrom(Kind(9), "default", "web"); !errors.Is(err, ErrInvalid) {
		t.Errorf("Kind(9): %v", err)
	}
	if _, err := g.ReferencesTo(KindService, "default", "web\x00x"); !errors.Is(err, ErrNUL) {
		t.Errorf("NUL: %v", err)
	}
	refs, err := g.ReferencesTo(KindService, "default", "web")
	if err != nil || len(refs) != 1 || refs[0].From.Name != "r" || refs[0].Type != RefService || refs[0].Type.String() != "service" {
		t.Errorf("ReferencesTo: %+v %v", refs, err)
	}
	// The references are Go copies: they outlive the graph.
	g.Close()
	if refs[0].To.Name != "web" || refs[0].Path != "/" {
		t.Errorf("after Close: %+v", refs[0])
	}
	if _, err := g.ReferencesTo(KindService, "default", "web"); !errors.Is(err, ErrClosed) {
		t.Errorf("closed: %v", err)
	}
	if _, err := g.ReferencesFrom(KindIngressRoute, "default", "r"); !errors.Is(err, ErrClosed) {
		t.Errorf("closed: %v", err)
	}
}
