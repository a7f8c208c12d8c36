package contour

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"runtime"
	"strconv"
	"sync"
	"testing"
)

// A binding never crashes its host: these tests each failed (or crashed) before the fix
// they name.

// TestNULInStrings: C.CString and the library's C strings stop at a NUL byte, so
// LoadPath("secret.txt\x00.yaml") used to load secret.txt and report nothing. Every string
// passed to C is now checked.
func TestNULInStrings(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(dir, "secret.txt")
	if err := os.WriteFile(secret, []byte(svcWeb), 0o644); err != nil {
		t.Fatal(err)
	}
	isNUL := func(what string, err error) {
		t.Helper()
		var e *Error
		if !errors.Is(err, ErrNUL) || !errors.Is(err, ErrInvalid) || !errors.As(err, &e) || e.Status != CodeInvalid {
			t.Errorf("%s: want an *Error matching ErrNUL and ErrInvalid, got %v", what, err)
		}
	}

	s, err := NewSnapshot(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	isNUL("LoadPath", s.LoadPath(secret+"\x00.yaml"))
	if s.Len(KindService) != 0 {
		t.Fatalf("a path cut at its NUL byte was loaded")
	}
	isNUL("LoadBytes name", s.LoadBytes("a\x00b", []byte(svcWeb)))
	if s.Len(KindService) != 0 || s.Diagnostics() != nil {
		t.Fatalf("an input with a bad name was loaded")
	}
	// NUL bytes in the data are the parser's business: a diagnostic, not an error.
	if err := s.LoadBytes("data", []byte("apiVersion: v1\nkind: Service\nmetadata: {name: \"a\\0b\"}\n")); err != nil {
		t.Errorf("NUL in data: %v", err)
	}
	if err := s.LoadBytes("web.yaml", []byte(svcWeb)); err != nil {
		t.Fatal(err)
	}
	_, err = s.Find(KindService, "default\x00x", "web")
	isNUL("Find namespace", err)
	_, err = s.Find(KindService, "default", "web\x00")
	isNUL("Find name", err)
	isNUL("Remove", s.Remove(KindService, "default", "web\x00x"))
	isNUL("ReplaceObject", s.ReplaceObject(KindService, "default", "web\x00x", "s", []byte(svcWeb)))
	if s.Len(KindService) != 1 {
		t.Fatalf("Remove with a NUL name removed something")
	}
	g, err := s.Resolve(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	_, err = g.Status("default\x00", "web")
	isNUL("Status", err)

	for _, cfg := range []*Config{
		{DefaultNamespace: "default\x00evil"},
		{IngressClass: "contour\x00"},
		{RootNamespaces: []string{"ok", "roots\x00"}},
	} {
		isNUL("Validate", cfg.Validate())
		_, err := NewSnapshot(cfg)
		isNUL("NewSnapshot", err)
		_, err = s.Resolve(cfg)
		isNUL("Resolve", err)
	}

	// Load and LoadBytes report it too (and still return the snapshot).
	s2, err := Load([]string{secret + "\x00.yaml"}, nil)
	isNUL("Load", err)
	if s2 == nil || s2.Len(KindService) != 0 {
		t.Errorf("Load of a NUL path")
	}
	s2.Close()
	s3, err := LoadBytes("x\x00", []byte(svcWeb), nil)
	isNUL("LoadBytes", err)
	s3.Close()
}

// smallPair loads smallCluster and resolves it; the caller closes both.
func smallPair(t *testing.T) (*Snapshot, *Graph) {
	t.Helper()
	s, err := LoadBytes("c.yaml", []byte(smallCluster), nil)
	if err != nil {
		t.Fatal(err)
	}
	g, err := s.Resolve(nil)
	if err != nil {
		t.Fatal(err)
	}
	return s, g
}

// TestCopiesShareOneHandle: a Snapshot or Graph copied by value used to carry its own
// copy of the C pointer (and of the lock), so closing both freed the C memory twice.
func TestCopiesShareOneHandle(t *testing.T) {
	s, g := smallPair(t)
	sc, gc := *s, *g
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := sc.Close(); err != nil { // a second free before the fix
		t.Fatal(err)
	}
	if _, err := sc.Find(KindService, "default", "web"); !errors.Is(err, ErrClosed) {
		t.Errorf("Find on a copy of a closed snapshot: %v", err)
	}
	if sc.Len(KindService) != 0 || sc.Objects(KindService) != nil || sc.Diagnostics() != nil || sc.ErrorCount() != 0 {
		t.Errorf("reads of a copy of a closed snapshot must be empty")
	}
	if _, err := sc.Resolve(nil); !errors.Is(err, ErrClosed) {
		t.Errorf("Resolve on a copy: %v", err)
	}
	if _, err := sc.Config(); !errors.Is(err, ErrClosed) {
		t.Errorf("Config on a copy: %v", err)
	}
	if err := sc.LoadBytes("x", []byte(svcWeb)); !errors.Is(err, ErrClosed) {
		t.Errorf("LoadBytes on a copy: %v", err)
	}

	if gc.Listeners() == nil {
		t.Fatal("the copy of an open graph must work")
	}
	gc.Close()
	g.Close()
	if g.Listeners() != nil || gc.Statuses() != nil || g.DiagnosticCount(SeverityError) != 0 {
		t.Errorf("reads of a closed graph must be empty")
	}
	if _, err := gc.JSON(); !errors.Is(err, ErrClosed) {
		t.Errorf("JSON on a copy of a closed graph: %v", err)
	}

	// The zero values and nil pointers are closed handles, not crashes.
	var zs Snapshot
	var zg Graph
	var ns *Snapshot
	var ng *Graph
	for _, snap := range []*Snapshot{&zs, ns} {
		if snap.Close() != nil || snap.Len(KindService) != 0 || snap.Objects(KindService) != nil {
			t.Errorf("zero or nil snapshot")
		}
		if err := snap.LoadPath("x"); !errors.Is(err, ErrClosed) {
			t.Errorf("LoadPath on a zero or nil snapshot: %v", err)
		}
		if _, err := snap.Resolve(nil); !errors.Is(err, ErrClosed) {
			t.Errorf("Resolve on a zero or nil snapshot: %v", err)
		}
	}
	for _, gr := range []*Graph{&zg, ng} {
		if gr.Close() != nil || gr.Listeners() != nil || gr.Diagnostics() != nil {
			t.Errorf("zero or nil graph")
		}
		if _, err := gr.Status("a", "b"); !errors.Is(err, ErrClosed) {
			t.Errorf("Status on a zero or nil graph: %v", err)
		}
	}
}

// TestCloseRacesWithUse: Close from one goroutine while others use copies of the same
// Snapshot and Graph. Every call either works or reports the handle closed; run with
// -race (and under ASan) to see that no call reads freed memory.
func TestCloseRacesWithUse(t *testing.T) {
	for round := 0; round < 20; round++ {
		s, g := smallPair(t)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := 0; i < 4; i++ {
			wg.Add(1)
			go func(sc Snapshot, gc Graph) { // copies, by value
				defer wg.Done()
				<-start
				for j := 0; j < 10; j++ {
					sc.Objects(KindIngressRoute)
					sc.Diagnostics()
					if _, err := sc.Find(KindService, "default", "web"); err != nil && !errors.Is(err, ErrClosed) {
						t.Error(err)
					}
					if g2, err := sc.Resolve(nil); err == nil {
						g2.Listeners()
						g2.Close()
					} else if !errors.Is(err, ErrClosed) {
						t.Error(err)
					}
					if err := sc.LoadBytes("more", []byte(svcWeb)); err != nil && !errors.Is(err, ErrClosed) {
						t.Error(err)
					}
					gc.Listeners()
					gc.Statuses()
					if _, err := gc.JSON(); err != nil && !errors.Is(err, ErrClosed) {
						t.Error(err)
					}
					runtime.Gosched()
				}
			}(*s, *g)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			runtime.Gosched()
			s.Close()
			g.Close()
		}()
		close(start)
		wg.Wait()
		if s.Len(KindService) != 0 || g.Listeners() != nil {
			t.Fatal("handles must be closed at the end")
		}
	}
}

// TestLoadKeepsGoing: Load used to return nil at the first unreadable path, so
// `defer snap.Close()` after it panicked and the other paths were not loaded. Like the C
// library and the Python binding, it now loads every path it can and returns the
// snapshot with the error.
func TestLoadKeepsGoing(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	if err := os.WriteFile(good, []byte(svcWeb), 0o644); err != nil {
		t.Fatal(err)
	}
	snap, err := Load([]string{"/nonexistent/a", good, "/nonexistent/b"}, nil)
	if snap == nil {
		t.Fatal("Load returned no snapshot")
	}
	defer snap.Close()
	if !errors.Is(err, ErrIO) {
		t.Fatalf("want ErrIO, got %v", err)
	}
	var e *Error
	if !errors.As(err, &e) || e.Detail != "/nonexistent/a" || len(e.Diagnostics) != 1 || e.Diagnostics[0].Code != "io-error" {
		t.Errorf("first error: %#v", e)
	}
	if n := len(errorsOf(err)); n != 2 {
		t.Errorf("want both unreadable paths reported, got %d: %v", n, err)
	}
	if snap.Len(KindService) != 1 {
		t.Errorf("the readable path must be loaded: %d services", snap.Len(KindService))
	}
	if _, err := snap.Resolve(nil); err != nil {
		t.Errorf("the snapshot must be usable: %v", err)
	}

	// LoadBytes likewise: a limit error comes with the (empty) snapshot.
	s2, err := LoadBytes("big", []byte(smallCluster), &Config{Limits: Limits{InputBytes: 10}})
	if s2 == nil || !errors.Is(err, ErrLimit) {
		t.Fatalf("LoadBytes over the limit: %v, %v", s2, err)
	}
	s2.Close()
	// Only a snapshot that cannot be made is nil.
	s3, err := Load([]string{good}, &Config{HTTPPort: 70000})
	if s3 != nil || !errors.Is(err, ErrInvalid) {
		t.Errorf("invalid config: %v, %v", s3, err)
	}
	s3.Close() // nil-safe
}

// errorsOf flattens errors.Join.
func errorsOf(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		if _, isOurs := err.(*Error); !isOurs {
			return j.Unwrap()
		}
	}
	return []error{err}
}

// TestSnapshotConfig: the snapshot keeps its own settings, readable back.
func TestSnapshotConfig(t *testing.T) {
	cfg := &Config{DefaultNamespace: "apps", IngressClass: "internal", RootNamespaces: []string{"roots", "infra"},
		HTTPPort: 8080, HTTPSPort: 8443, Limits: Limits{Depth: 20}, Format: FormatYAML, Strict: true,
		Threads: 3, FollowLinks: true}
	s, err := NewSnapshot(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cfg.RootNamespaces[0] = "changed" // the snapshot has its own copy
	got, err := s.Config()
	if err != nil {
		t.Fatal(err)
	}
	def, _ := DefaultLimits()
	want := Config{DefaultNamespace: "apps", IngressClass: "internal", RootNamespaces: []string{"roots", "infra"},
		HTTPPort: 8080, HTTPSPort: 8443, Limits: def, Format: FormatYAML, Strict: true,
		Threads: 3, FollowLinks: true}
	want.Limits.Depth = 20
	if !equalConfig(*got, want) {
		t.Errorf("Config() = %+v, want %+v", *got, want)
	}
	d, err := NewSnapshot(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	got, _ = d.Config()
	if got.DefaultNamespace != "default" || got.IngressClass != "contour" || got.HTTPPort != 80 ||
		got.HTTPSPort != 443 || got.RootNamespaces != nil || got.Limits != def || got.EmptyIngressClass ||
		got.Threads != 1 || got.FollowLinks {
		t.Errorf("default Config() = %+v", *got)
	}
	e, err := NewSnapshot(&Config{EmptyIngressClass: true})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if got, _ := e.Config(); !got.EmptyIngressClass || got.IngressClass != "" {
		t.Errorf("empty class: %+v", *got)
	}
	// Threads: AllThreads is the machine's CPUs (at most 64), more than 64 is 64, other
	// negative values are refused.
	for _, c := range []struct{ in, min, max int }{{AllThreads, 1, 64}, {1000, 64, 64}, {2, 2, 2}} {
		x, err := NewSnapshot(&Config{Threads: c.in})
		if err != nil {
			t.Fatalf("Threads %d: %v", c.in, err)
		}
		got, _ := x.Config()
		x.Close()
		if got.Threads < c.min || got.Threads > c.max {
			t.Errorf("Threads %d read back as %d", c.in, got.Threads)
		}
	}
	if err := (&Config{Threads: -2}).Validate(); !errors.Is(err, ErrInvalid) {
		t.Errorf("Threads -2: want ErrInvalid, got %v", err)
	}
}

func equalConfig(a, b Config) bool { return reflect.DeepEqual(a, b) }

// TestExportLayoutDoc: the record sizes and table numbers the decoder uses are those of
// docs/export.md, which the C unit test checks against the library.
func TestExportLayoutDoc(t *testing.T) {
	if cExportLayoutVersion() != layoutVersion {
		t.Fatalf("library layout %d, binding %d", cExportLayoutVersion(), layoutVersion)
	}
	f, err := os.Open(filepath.Join("..", "..", "docs", "export.md"))
	if err != nil {
		t.Skipf("docs/export.md: %v", err)
	}
	defer f.Close()
	head := regexp.MustCompile("^### Table ([0-9]+): `([A-Z_]+)` \\(([0-9]+) words\\)$")
	seen := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := head.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[1])
		words, _ := strconv.Atoi(m[3])
		if n != seen || n >= numTables {
			t.Fatalf("table %d out of order", n)
		}
		if cExportTableName(n) != m[2] || recordWords[n] != words {
			t.Errorf("table %d: doc %s (%d words), binding %s (%d words)", n, m[2], words, cExportTableName(n), recordWords[n])
		}
		seen++
	}
	if seen != numTables {
		t.Errorf("docs/export.md has %d tables, the binding reads %d", seen, numTables)
	}
}

// TestLimitCount: Limits has one field per limit the library has.
func TestLimitCount(t *testing.T) {
	if cLimitCount() != numLimits {
		t.Errorf("contour_limit_count() = %d, numLimits = %d", cLimitCount(), numLimits)
	}
}
