package contour

import (
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
)

// irChildJSON is a delegated IngressRoute as the API server sends it: JSON on one line,
// with metadata and status the library does not read.
func irChildJSON(ns, name, prefix string) []byte {
	return []byte(fmt.Sprintf(`{"apiVersion":"contour.heptio.com/v1beta1","kind":"IngressRoute",`+
		`"metadata":{"name":%q,"namespace":%q,"resourceVersion":"42","uid":"u-%s"},`+
		`"spec":{"routes":[{"match":%q,"services":[{"name":"web","port":80}]}]},`+
		`"status":{"currentStatus":"valid","description":"valid IngressRoute"}}`, name, ns, name, prefix))
}

// resolveSnapshot resolves s; the graph is closed at the end of the test.
func resolveSnapshot(t testing.TB, s *Snapshot) *Graph {
	t.Helper()
	g, err := s.Resolve(nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	return g
}

// TestReplaceObject applies updates as a controller does: each version of an object
// replaces the one before under a source named after the object.
func TestReplaceObject(t *testing.T) {
	s := load(t, svcWeb+irRoot("default", "root", "r.com", "  - match: /y\n    delegate: {name: child}\n"), nil)
	const src = "IngressRoute/default/child"
	status := func() Status {
		t.Helper()
		return mustStatus(t, resolveSnapshot(t, s), "default", "child")
	}

	// An object the snapshot does not have yet is loaded.
	if err := s.ReplaceObject(KindIngressRoute, "default", "child", src, irChildJSON("default", "child", "/y")); err != nil {
		t.Fatal(err)
	}
	if st := status(); st.State != StateValid || st.File != src {
		t.Errorf("first version: %v at %v", st, st.Position)
	}
	// A new version replaces it, without a duplicate warning.
	if err := s.ReplaceObject(KindIngressRoute, "default", "child", src, irChildJSON("default", "child", "/x")); err != nil {
		t.Fatal(err)
	}
	want := `the path prefix "/x" does not match the parent's path prefix "/y"`
	if st := status(); st.State != StateInvalid || st.Description != want {
		t.Errorf("second version: %v, want invalid: %s", st, want)
	}
	if s.Len(KindIngressRoute) != 2 {
		t.Errorf("%d IngressRoutes, want 2", s.Len(KindIngressRoute))
	}
	if d := hasDiag(s.Diagnostics(), SeverityWarning, "duplicate"); d != nil {
		t.Errorf("a replacement is not a duplicate: %v", d)
	}
	// And back: the same statuses as a snapshot loaded from scratch.
	if err := s.ReplaceObject(KindIngressRoute, "default", "child", src, irChildJSON("default", "child", "/y/z")); err != nil {
		t.Fatal(err)
	}
	if st := status(); st.State != StateValid {
		t.Errorf("third version: %v", st)
	}
	fresh := load(t, svcWeb+irRoot("default", "root", "r.com", "  - match: /y\n    delegate: {name: child}\n"), nil)
	if err := fresh.LoadBytes(src, irChildJSON("default", "child", "/y/z")); err != nil {
		t.Fatal(err)
	}
	js, _ := resolveSnapshot(t, s).JSON()
	jf, _ := resolveSnapshot(t, fresh).JSON()
	if string(js) != string(jf) {
		t.Errorf("replaced three times:\n%s\nloaded once:\n%s", js, jf)
	}
}

// TestReplaceObjectDiagnostics: the load diagnostics of the old version go with it.
func TestReplaceObjectDiagnostics(t *testing.T) {
	s := load(t, "", nil)
	const src = "Service/default/web"
	bad := []byte(`{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default"},` +
		`"spec":{"ports":[{"port":80,"appProtocol":"x"}]},"annotations":{}}`)
	good := []byte(`{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default"},` +
		`"spec":{"ports":[{"port":80}]}}`)
	if err := s.ReplaceObject(KindService, "default", "web", src, bad); err != nil {
		t.Fatal(err)
	}
	if len(s.Diagnostics()) == 0 {
		t.Fatalf("the first version should have a diagnostic (an unknown top-level field)")
	}
	if err := s.ReplaceObject(KindService, "default", "web", src, good); err != nil {
		t.Fatal(err)
	}
	if ds := s.Diagnostics(); len(ds) != 0 {
		t.Errorf("diagnostics of the replaced version remain: %v", ds)
	}
	if s.Len(KindService) != 1 {
		t.Errorf("%d Services", s.Len(KindService))
	}
}

func TestReplaceObjectErrors(t *testing.T) {
	s := load(t, svcWeb, nil)
	data := []byte(svcWeb)
	unchanged := func(what string) {
		t.Helper()
		if s.Len(KindService) != 1 || len(s.Diagnostics()) != 0 {
			t.Errorf("%s changed the snapshot: %d services, %v", what, s.Len(KindService), s.Diagnostics())
		}
	}
	for _, k := range []Kind{KindNone, Kind(42), Kind(-1)} {
		if err := s.ReplaceObject(k, "default", "web", "x", data); !errors.Is(err, ErrInvalid) {
			t.Errorf("kind %d: %v", k, err)
		}
		unchanged("an invalid kind")
	}
	for i, args := range [][3]string{{"default\x00", "web", "s"}, {"default", "web\x00x", "s"}, {"default", "web", "s\x00"}} {
		err := s.ReplaceObject(KindService, args[0], args[1], args[2], data)
		if !errors.Is(err, ErrNUL) || !errors.Is(err, ErrInvalid) {
			t.Errorf("NUL #%d: %v", i, err)
		}
		unchanged("a NUL byte")
	}
	// An empty source name is allowed, as for LoadBytes.
	if err := s.ReplaceObject(KindService, "default", "web", "", data); err != nil {
		t.Errorf("empty source: %v", err)
	}
	unchanged("a replacement by the same object")

	// Too large: the old version is gone, nothing is loaded.
	small := load(t, `{"apiVersion":"v1","kind":"Service","metadata":{"name":"web"}}`, &Config{Limits: Limits{InputBytes: 100}})
	err := small.ReplaceObject(KindService, "default", "web", "big", data)
	if !errors.Is(err, ErrLimit) {
		t.Errorf("over the input limit: %v", err)
	}
	if small.Len(KindService) != 0 || len(data) <= 100 {
		t.Errorf("over the input limit: the old version should be gone")
	}

	// Strict: a *LoadError about the source.
	strict := load(t, svcWeb, &Config{Strict: true})
	err = strict.ReplaceObject(KindService, "default", "web", "bad", []byte("kind: Service\napiVersion: v1\nmetadata: {name: web, namespace: [x]}\n"))
	var le *LoadError
	if !errors.As(err, &le) || le.Source != "bad" || len(le.Diagnostics) == 0 {
		t.Errorf("strict: %v", err)
	}

	s.Close()
	err = s.ReplaceObject(KindService, "default", "web", "x", data)
	if !errors.Is(err, ErrClosed) || !errors.Is(err, ErrInvalid) {
		t.Errorf("closed: %v", err)
	}
}

// TestReplaceObjectConcurrent: replacements racing with resolutions (run with -race).
// Every graph sees each object exactly once.
func TestReplaceObjectConcurrent(t *testing.T) {
	s := load(t, svcWeb+irRoot("default", "root", "r.com", "  - match: /y\n    delegate: {name: child}\n"), nil)
	const src = "IngressRoute/default/child"
	if err := s.ReplaceObject(KindIngressRoute, "default", "child", src, irChildJSON("default", "child", "/y")); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(2)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				prefix := "/y/" + strconv.Itoa(w*100+i)
				if i%2 == 1 {
					prefix = "/x"
				}
				if err := s.ReplaceObject(KindIngressRoute, "default", "child", src, irChildJSON("default", "child", prefix)); err != nil {
					t.Error(err)
					return
				}
			}
		}(w)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				g, err := s.Resolve(nil)
				if err != nil {
					t.Error(err)
					return
				}
				if n := len(g.Statuses()); n != 2 {
					t.Errorf("a graph with %d statuses", n)
				}
				g.Close()
			}
		}()
	}
	wg.Wait()
	if s.Len(KindIngressRoute) != 2 {
		t.Errorf("%d IngressRoutes", s.Len(KindIngressRoute))
	}
}
