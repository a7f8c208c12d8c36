package contour

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
)

// The 1.1 calls and the handles they make: closed twice, used after Close (an error or
// an empty result), copied by value, forgotten (finalizers), and used from many
// goroutines while others change the snapshot and close handles. Run with -race.

const routeWeb = "  - match: /\n    services: [{name: web, port: 80}]\n"

// pair11 is a snapshot with a root and a child loaded as sources, and a graph of it.
func pair11(t testing.TB) (*Snapshot, *Graph) {
	t.Helper()
	s, err := NewSnapshot(nil)
	if err != nil {
		t.Fatal(err)
	}
	for src, y := range map[string]string{
		"svc":   svcWeb,
		"root":  irRoot("default", "r", "a.com", routeWeb+"  - match: /c\n    delegate: {name: c}\n"),
		"child": irChild("default", "c", "  - match: /c\n    services: [{name: web, port: 80}]\n"),
	} {
		if err := s.SetSource(src, []byte(y)); err != nil {
			t.Fatal(err)
		}
	}
	g, err := s.Resolve(nil)
	if err != nil {
		t.Fatal(err)
	}
	return s, g
}

// closedCalls makes every 1.1 call on a snapshot s and a graph g, with an open snapshot
// os and a graph of it other as the other arguments, and returns their errors.
func closedCalls(s *Snapshot, g *Graph, os *Snapshot, other *Graph) map[string]error {
	errOf := func(_ any, err error) error { return err }
	var b bytes.Buffer
	return map[string]error{
		"SetSource":       s.SetSource("x", []byte(svcWeb)),
		"RemoveSource":    s.RemoveSource("svc"),
		"ResolveUpdate":   errOf(s.ResolveUpdate(other, nil)),
		"ResolveUpdate g": errOf(os.ResolveUpdate(g, nil)),
		"DiffGraphs old":  errOf(DiffGraphs(g, other)),
		"DiffGraphs new":  errOf(DiffGraphs(other, g)),
		"RenderDiff":      errOf(RenderDiff(g, other, OutputJSON)),
		"WriteDiff":       errOf(WriteDiff(&b, other, g, OutputText)),
		"ReferencesTo":    errOf(g.ReferencesTo(KindService, "default", "web")),
		"ReferencesFrom":  errOf(g.ReferencesFrom(KindIngressRoute, "default", "r")),
		"WriteTo":         errOf(g.WriteTo(&b)),
		"WriteFormat":     errOf(g.WriteFormat(&b, OutputDOT, &Filter{Namespaces: []string{"default"}})),
		"RenderFiltered":  errOf(g.RenderFiltered(OutputText, nil)),
		"Review":          errOf(s.Review(other, nil, OperationDelete, "<adm>", []byte(svcWeb))),
		"Review base":     errOf(os.Review(g, nil, OperationDelete, "<adm>", []byte(svcWeb))),
		"WhatIf":          errOf(s.WhatIf(other, OperationDelete, "<adm>", []byte(svcWeb))),
		"AdmissionReview": errOf(s.AdmissionReview(other, nil, []byte(`{}`))),
	}
}

func TestClosed11(t *testing.T) {
	s, g := pair11(t)
	o, og := pair11(t)
	defer o.Close()
	defer og.Close()

	// A copy of the values shares the handles: closing both copies, twice, frees once.
	sc, gc := *s, *g
	if err := sc.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gc.Close(); err != nil {
		t.Fatal(err)
	}
	s.Close()
	g.Close()
	s.Close()
	for name, err := range closedCalls(s, g, o, og) {
		if !errors.Is(err, ErrClosed) || !errors.Is(err, ErrInvalid) {
			t.Errorf("%s after Close: want ErrClosed and ErrInvalid, got %v", name, err)
		}
	}
	// The zero values and nil pointers are closed too.
	var zs Snapshot
	var zg Graph
	for name, err := range closedCalls(&zs, &zg, o, og) {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("%s on zero values: %v", name, err)
		}
	}
	var ns *Snapshot
	if err := ns.SetSource("x", nil); !errors.Is(err, ErrClosed) {
		t.Errorf("SetSource on nil: %v", err)
	}
	if _, err := ns.ResolveUpdate(nil, nil); !errors.Is(err, ErrClosed) {
		t.Errorf("ResolveUpdate on nil: %v", err)
	}
	var ng *Graph
	if _, err := ng.ReferencesTo(KindService, "a", "b"); !errors.Is(err, ErrClosed) {
		t.Errorf("ReferencesTo on nil: %v", err)
	}
	if _, err := ng.WriteTo(io.Discard); !errors.Is(err, ErrClosed) {
		t.Errorf("WriteTo on nil: %v", err)
	}
	// A nil graph is an empty one for the diff and for ResolveUpdate (no previous graph).
	if d, err := DiffGraphs(nil, nil); err != nil || !d.Empty() {
		t.Errorf("DiffGraphs(nil, nil): %+v, %v", d, err)
	}
	if d, err := DiffGraphs(nil, og); err != nil || len(d.Statuses) != 2 || d.Statuses[0].Change != ChangeAdded {
		t.Errorf("DiffGraphs(nil, g): %+v, %v", d, err)
	}
	fresh, err := o.ResolveUpdate(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	sameRenderings(t, "ResolveUpdate(nil)", fresh, og)
	fresh.Close()
}

// A previous graph of another snapshot, or of a later version of this one, is refused.
func TestResolveUpdateWrongPrevious(t *testing.T) {
	s, g := pair11(t)
	defer s.Close()
	defer g.Close()
	o, og := pair11(t)
	defer o.Close()
	defer og.Close()
	if _, err := s.ResolveUpdate(og, nil); !errors.Is(err, ErrInvalid) || errors.Is(err, ErrClosed) {
		t.Errorf("a graph of another snapshot: %v", err)
	}
	// A bad Config is refused before anything is read.
	if _, err := s.ResolveUpdate(g, &Config{HTTPPort: 80, HTTPSPort: 80}); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad config: %v", err)
	}
	// The graph of a snapshot that was closed meanwhile still works as a graph.
	o.Close()
	if og.Statuses() == nil {
		t.Error("a graph outlives its snapshot")
	}
}

// Graphs, diffs and writes from many goroutines, while one goroutine changes the
// snapshot (each change followed by a ResolveUpdate everyone then reads) and, at the end,
// everything is closed while still in use.
func TestConcurrent11(t *testing.T) {
	for round := 0; round < 4; round++ {
		s, g := pair11(t)
		var mu sync.Mutex // guards cur
		cur := g
		current := func() Graph {
			mu.Lock()
			defer mu.Unlock()
			return *cur // a copy of the value: it shares the handle
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		stop := make(chan struct{})
		ok := func(err error) {
			if err != nil && !errors.Is(err, ErrClosed) {
				t.Error(err)
			}
		}
		for i := 0; i < 6; i++ {
			wg.Add(1)
			go func(i int, sc Snapshot) {
				defer wg.Done()
				<-start
				for j := 0; ; j++ {
					select {
					case <-stop:
						return
					default:
					}
					gc := current()
					switch (i + j) % 6 {
					case 0:
						n, err := sc.ResolveUpdate(&gc, nil)
						if err == nil {
							d, err := DiffGraphs(&gc, n)
							ok(err)
							_ = d.Empty()
							n.Close()
						} else if !errors.Is(err, ErrInvalid) { // gc may be of an older version
							t.Error(err)
						}
					case 1:
						_, err := gc.WriteFormat(io.Discard, OutputFormat(j%3), nil)
						ok(err)
					case 2:
						_, err := gc.ReferencesTo(KindService, "default", "web")
						ok(err)
						_, err = gc.ReferencesFrom(KindIngressRoute, "default", "r")
						ok(err)
					case 3:
						v, err := sc.Review(&gc, nil, OperationDelete, "<adm>", []byte(svcWeb))
						if err == nil {
							_ = v.Allowed
						} else if !errors.Is(err, ErrInvalid) { // gc older than the snapshot
							t.Error(err)
						}
					case 4:
						_, err := RenderDiff(nil, &gc, OutputText)
						ok(err)
					case 5:
						_, err := gc.RenderFiltered(OutputJSON, &Filter{VirtualHosts: []string{"a.com"}})
						ok(err)
					}
				}
			}(i, *s)
		}
		// The changer.
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for j := 0; j < 30; j++ {
				y := irChild("default", "c", "  - match: /c"+strconv.Itoa(j%3)+"\n    services: [{name: web, port: 80}]\n")
				ok(s.SetSource("child", []byte(y)))
				if j%7 == 3 {
					ok(s.RemoveSource("svc"))
					ok(s.SetSource("svc", []byte(svcWeb)))
				}
				mu.Lock()
				n, err := s.ResolveUpdate(cur, nil)
				if err == nil {
					cur.Close() // readers still using it finish on it
					cur = n
				} else {
					ok(err) // the snapshot closed meanwhile
				}
				mu.Unlock()
				runtime.Gosched()
			}
			close(stop)
		}()
		close(start)
		if round%2 == 1 {
			// Close everything while it is in use.
			runtime.Gosched()
			s.Close()
		}
		wg.Wait()
		mu.Lock()
		cur.Close()
		mu.Unlock()
		s.Close()
	}
}

// Forgotten graphs and snapshots are freed by their finalizers without trouble.
func TestFinalizers11(t *testing.T) {
	s, g := pair11(t)
	defer s.Close()
	defer g.Close()
	for i := 0; i < 200; i++ {
		n, err := s.ResolveUpdate(g, nil)
		if err != nil {
			t.Fatal(err)
		}
		w, err := s.WhatIf(g, OperationDelete, "<adm>", []byte(svcWeb))
		if err != nil {
			t.Fatal(err)
		}
		_ = n
		_ = w
		if i%50 == 0 {
			runtime.GC()
		}
	}
	runtime.GC()
	runtime.GC()
	if _, err := g.JSON(); err != nil {
		t.Fatal(err)
	}
}

// TestLoadUnreadableInTheMiddle: Load keeps going past a path it cannot read, here a file
// that is a dangling link in the middle of the list, and a directory with one: it loads
// the others and returns the snapshot with the error.
func TestLoadUnreadableInTheMiddle(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	a := write("a.yaml", svcWeb)
	c := write("c.yaml", irRoot("default", "r", "a.com", routeWeb))
	dangling := filepath.Join(dir, "b.yaml")
	if err := os.Symlink(filepath.Join(dir, "missing"), dangling); err != nil {
		t.Fatal(err)
	}
	for _, strict := range []bool{false, true} {
		snap, err := Load([]string{a, dangling, c}, &Config{Strict: strict})
		if snap == nil {
			t.Fatal("no snapshot")
		}
		if !errors.Is(err, ErrIO) {
			t.Errorf("strict %v: want ErrIO, got %v", strict, err)
		}
		if snap.Len(KindService) != 1 || snap.Len(KindIngressRoute) != 1 {
			t.Errorf("strict %v: the paths around the unreadable one must load", strict)
		}
		g, err := snap.Resolve(nil)
		if err != nil {
			t.Fatal(err)
		}
		if st, _ := g.Status("default", "r"); st.State != StateValid {
			t.Errorf("strict %v: %v", strict, st)
		}
		g.Close()
		snap.Close()
		snap.Close()
	}
	// The directory holding the dangling link: its readable files load.
	snap, err := Load([]string{dir}, nil)
	defer snap.Close()
	if !errors.Is(err, ErrIO) || snap.Len(KindService) != 1 || snap.Len(KindIngressRoute) != 1 {
		t.Errorf("directory: %v, %d services", err, snap.Len(KindService))
	}
}
