package contour

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
)

const smallCluster = svcWeb + secretTLS + `---
apiVersion: contour.heptio.com/v1beta1
kind: IngressRoute
metadata: {name: root, namespace: default}
spec:
  virtualhost: {fqdn: example.com, tls: {secretName: tls}}
  routes:
  - match: /
    services: [{name: web, port: 80}]
  - match: /blog
    delegate: {name: blog, namespace: marketing}
---
apiVersion: contour.heptio.com/v1beta1
kind: IngressRoute
metadata: {name: blog, namespace: marketing}
spec:
  routes:
  - match: /blog
    services: [{name: blog, port: 8080, weight: 10}]
---
apiVersion: v1
kind: Service
metadata: {name: blog, namespace: marketing}
spec: {ports: [{port: 8080}]}
`

func TestVersion(t *testing.T) {
	lib := LibraryVersion()
	if lib.Major != ABIMajor || BuildVersion.Major != ABIMajor {
		t.Errorf("library %s, build %s, ABI %d", lib, BuildVersion, ABIMajor)
	}
	if CheckVersion() != nil {
		t.Errorf("CheckVersion: %v", CheckVersion())
	}
	err := checkVersion(BuildVersion, Version{2, 2, 3})
	var ve *VersionError
	if !errors.As(err, &ve) || !errors.Is(err, ErrVersionMismatch) {
		t.Fatalf("mismatch: %v", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "2.2.3") || !strings.Contains(msg, BuildVersion.String()) ||
		!strings.Contains(msg, "ABI major version 1") {
		t.Errorf("message must name both versions: %s", msg)
	}
	if checkVersion(Version{1, 9, 9}, Version{1, 1, 0}) != nil {
		t.Errorf("same major must be accepted")
	}
}

func TestClosedHandles(t *testing.T) {
	s, err := LoadBytes("c.yaml", []byte(smallCluster), nil)
	if err != nil {
		t.Fatal(err)
	}
	g, err := s.Resolve(nil)
	if err != nil {
		t.Fatal(err)
	}
	objs := s.Objects(KindIngressRoute)
	ls := g.Listeners()
	sts := g.Statuses()
	js, err := g.JSON()
	if err != nil {
		t.Fatal(err)
	}

	// Closing the snapshot leaves the graph and every copy intact.
	for i := 0; i < 2; i++ {
		if err := s.Close(); err != nil {
			t.Fatalf("Close #%d: %v", i+1, err)
		}
	}
	js2, err := g.JSON()
	if err != nil || !bytes.Equal(js, js2) {
		t.Errorf("graph after its snapshot closed: %v", err)
	}
	if !reflect.DeepEqual(ls, g.Listeners()) || !reflect.DeepEqual(sts, g.Statuses()) {
		t.Errorf("graph walk changed after the snapshot closed")
	}
	if objs[0].Name != "root" && objs[1].Name != "root" {
		t.Errorf("copies: %+v", objs)
	}

	isClosed := func(what string, err error) {
		t.Helper()
		if !errors.Is(err, ErrClosed) || !errors.Is(err, ErrInvalid) {
			t.Errorf("%s on a closed handle: %v", what, err)
		}
		var e *Error
		if !errors.As(err, &e) || e.Status != CodeInvalid {
			t.Errorf("%s: not an *Error with CodeInvalid: %#v", what, err)
		}
	}
	isClosed("LoadBytes", s.LoadBytes("x", []byte("{}")))
	isClosed("LoadPath", s.LoadPath("/nonexistent"))
	isClosed("Remove", s.Remove(KindService, "default", "web"))
	isClosed("ReplaceObject", s.ReplaceObject(KindService, "default", "web", "x", []byte(svcWeb)))
	_, err = s.Find(KindService, "default", "web")
	isClosed("Find", err)
	_, err = s.Resolve(nil)
	isClosed("Resolve", err)
	if s.Objects(KindService) != nil || s.Diagnostics() != nil || s.Len(KindService) != 0 || s.ErrorCount() != 0 {
		t.Errorf("reads of a closed snapshot must be empty")
	}

	for i := 0; i < 2; i++ {
		if err := g.Close(); err != nil {
			t.Fatal(err)
		}
	}
	_, err = g.JSON()
	isClosed("JSON", err)
	_, err = g.Text()
	isClosed("Text", err)
	_, err = g.DOT()
	isClosed("DOT", err)
	_, err = g.Status("default", "root")
	isClosed("Status", err)
	if g.Listeners() != nil || g.Statuses() != nil || g.Diagnostics() != nil || g.DiagnosticCount(SeverityError) != 0 {
		t.Errorf("reads of a closed graph must be empty")
	}
	// Copies made before Close are still fine.
	if ls[0].VirtualHosts[0].FQDN != "example.com" || sts[0].Description == "" {
		t.Errorf("copies after Close: %+v %+v", ls, sts)
	}
}

func TestFinalizers(t *testing.T) {
	// Handles that are dropped without Close are freed by their finalizers; this only
	// checks that doing so does not crash (the RSS test checks that Close frees).
	for i := 0; i < 100; i++ {
		s, err := LoadBytes("c.yaml", []byte(smallCluster), nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Resolve(nil); err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC()
	runtime.GC()
}

func TestErrors(t *testing.T) {
	if err := (&Config{HTTPPort: 70000}).Validate(); !errors.Is(err, ErrInvalid) {
		t.Errorf("port 70000: %v", err)
	}
	if err := (&Config{Limits: Limits{Depth: 3}}).Validate(); err != nil {
		t.Errorf("Depth 3: %v", err)
	}
	if err := (&Config{RootNamespaces: []string{""}}).Validate(); !errors.Is(err, ErrInvalid) {
		t.Errorf("empty root namespace: %v", err)
	}
	if err := (&Config{DefaultNamespace: "bad\xff"}).Validate(); !errors.Is(err, ErrInvalid) {
		t.Errorf("non-UTF-8 default namespace: %v", err)
	}
	if err := (&Config{EmptyIngressClass: true, IngressClass: "nginx"}).Validate(); !errors.Is(err, ErrInvalid) {
		t.Errorf("EmptyIngressClass with a class: %v", err)
	}
	if err := (&Config{EmptyIngressClass: true}).Validate(); err != nil {
		t.Errorf("EmptyIngressClass: %v", err)
	}
	if _, err := NewSnapshot(&Config{Format: 7}); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad format: %v", err)
	}
	l, err := DefaultLimits()
	if err != nil || l.InputBytes != 256<<20 || l.Depth != 64 || l.Documents != 1000000 ||
		l.AliasExpansion != 10000 || l.ScalarBytes != 1<<20 || l.DocumentNodes != 1000000 {
		t.Errorf("DefaultLimits = %+v, %v", l, err)
	}

	// An unreadable path: ErrIO, with the io-error diagnostic and its file.
	_, err = Load([]string{"/nonexistent/dir"}, nil)
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, ErrIO) || e.Status != CodeIO || e.Op != "load path" {
		t.Fatalf("Load of a missing path: %#v", err)
	}
	if len(e.Diagnostics) == 0 || e.Diagnostics[0].Code != "io-error" || e.Diagnostics[0].Severity != SeverityError {
		t.Errorf("io diagnostics: %+v", e.Diagnostics)
	}
	if !strings.Contains(err.Error(), "/nonexistent/dir") {
		t.Errorf("message: %v", err)
	}

	// A directory with one file over the input limit: ErrLimit naming it, the others
	// loaded.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.yaml"), []byte(svcWeb), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "b.yaml"), []byte(smallCluster), 0o644); err != nil {
		t.Fatal(err)
	}
	sd, err := NewSnapshot(&Config{Limits: Limits{InputBytes: uint64(len(svcWeb))}})
	if err != nil {
		t.Fatal(err)
	}
	defer sd.Close()
	err = sd.LoadPath(dir)
	if !errors.As(err, &e) || e.Status != CodeLimit || len(e.Diagnostics) != 1 ||
		e.Diagnostics[0].File != filepath.Join(dir, "b.yaml") || e.Diagnostics[0].Code != "limit-input" {
		t.Errorf("directory with a file over the limit: %v", err)
	}
	if sd.Len(KindService) != 1 {
		t.Errorf("the file within the limit must load")
	}

	// Exceeding the input limit: ErrLimit, nothing loaded.
	s, err := NewSnapshot(&Config{Limits: Limits{InputBytes: 10}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.LoadBytes("big", []byte(smallCluster))
	if !errors.Is(err, ErrLimit) {
		t.Errorf("input limit: %v", err)
	}
	if !errors.As(err, &e) || len(e.Diagnostics) == 0 || e.Diagnostics[0].File != "big" {
		t.Errorf("limit diagnostics: %#v", err)
	}
	if s.Len(KindService) != 0 {
		t.Errorf("nothing is loaded past the limit")
	}

	// A depth limit is a diagnostic, not an error (without Strict).
	s2, err := LoadBytes("deep", []byte("a: {b: {c: {d: {e: 1}}}}\n"), &Config{Limits: Limits{Depth: 2}})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if s2.ErrorCount() != 1 {
		t.Errorf("depth: %v", s2.Diagnostics())
	}
}

func TestStrict(t *testing.T) {
	bad := "apiVersion: v1\nkind: Service\nmetadata: {name: ok, namespace: default}\n" +
		"spec: {ports: [{port: 80}]}\n---\napiVersion: v1\nkind: Service\nmetadata: [\n"
	// Lenient: loads the good document, records the error.
	s, err := LoadBytes("bad.yaml", []byte(bad), nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	// Strict: a *LoadError with the positioned diagnostics.
	_, err = LoadBytes("bad.yaml", []byte(bad), &Config{Strict: true})
	var le *LoadError
	if !errors.As(err, &le) {
		t.Fatalf("strict: %#v", err)
	}
	if le.Source != "bad.yaml" || len(le.Diagnostics) == 0 {
		t.Fatalf("LoadError: %+v", le)
	}
	d := le.Diagnostics[0]
	if d.Severity != SeverityError || d.File != "bad.yaml" || d.Line < 6 || d.Column == 0 {
		t.Errorf("diagnostic: %+v", d)
	}
	if !strings.HasPrefix(err.Error(), `contour: load bytes "bad.yaml": 1 error: bad.yaml:`) {
		t.Errorf("message: %v", err)
	}

	// Strict, method form: the snapshot keeps what could be used; only this input's
	// errors are reported.
	s, err = NewSnapshot(&Config{Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.LoadBytes("good.yaml", []byte(svcWeb)); err != nil {
		t.Fatal(err)
	}
	if err := s.LoadBytes("bad.yaml", []byte(bad)); !errors.As(err, &le) {
		t.Fatalf("strict method: %v", err)
	}
	if s.Len(KindService) != 2 {
		t.Errorf("good documents load even in strict mode: %d", s.Len(KindService))
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.yaml"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	err = s.LoadPath(dir)
	if !errors.As(err, &le) || le.Op != "load path" || len(le.Diagnostics) != 1 ||
		le.Diagnostics[0].File != filepath.Join(dir, "a.yaml") {
		t.Errorf("strict LoadPath: %v", err)
	}
}

func TestLoadPaths(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("a.yaml", svcWeb)
	write("sub/b.yml", secretTLS)
	write("sub/c.json", `{"apiVersion":"v1","kind":"Service","metadata":{"name":"j","namespace":"x"},"spec":{"ports":[{"port":1}]}}`)
	write(".hidden.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: hidden}\n")
	write("notes.txt", "apiVersion: v1\nkind: Service\nmetadata: {name: txt}\n")
	s, err := Load([]string{dir}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Len(KindService) != 2 || s.Len(KindSecret) != 1 {
		t.Errorf("services %d, secrets %d", s.Len(KindService), s.Len(KindSecret))
	}
	o, err := s.Find(KindService, "x", "j")
	if err != nil || o.File != filepath.Join(dir, "sub", "c.json") {
		t.Errorf("json object: %+v %v", o, err)
	}
	// Forced format.
	s2, err := LoadBytes("x", []byte(svcWeb), &Config{Format: FormatJSON})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if s2.Len(KindService) != 0 || s2.ErrorCount() == 0 {
		t.Errorf("YAML read as JSON must fail: %v", s2.Diagnostics())
	}
}

func TestRender(t *testing.T) {
	g := resolve(t, smallCluster, nil)
	js, err := g.JSON()
	if err != nil || !bytes.HasPrefix(js, []byte("{")) {
		t.Fatalf("JSON: %v %.40q", err, js)
	}
	txt, err := g.Text()
	if err != nil || !bytes.Contains(txt, []byte("example.com")) {
		t.Errorf("Text: %v %q", err, txt)
	}
	dot, err := g.DOT()
	if err != nil || !bytes.Contains(dot, []byte("digraph")) {
		t.Errorf("DOT: %v %q", err, dot)
	}
	if _, err := g.Render(OutputFormat(9)); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad format: %v", err)
	}
}

// TestConcurrentResolve resolves one snapshot from 8 goroutines at once while 8 more
// read one shared graph. Run with -race.
func TestConcurrentResolve(t *testing.T) {
	s := load(t, string(genCluster(400)), nil)
	g0, err := s.Resolve(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer g0.Close()
	wantJSON, err := g0.JSON()
	if err != nil {
		t.Fatal(err)
	}
	wantListeners, wantStatuses := g0.Listeners(), g0.Statuses()
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 5; j++ {
				g, err := s.Resolve(nil)
				if err != nil {
					errs <- err
					return
				}
				js, err := g.JSON()
				if err != nil || !bytes.Equal(js, wantJSON) {
					errs <- errors.New("concurrent resolve gave different JSON")
				}
				if !reflect.DeepEqual(g.Listeners(), wantListeners) || !reflect.DeepEqual(g.Statuses(), wantStatuses) {
					errs <- errors.New("concurrent resolve gave a different walk")
				}
				g.Close()
			}
		}()
	}
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 5; j++ {
				if len(g0.Listeners()) != len(wantListeners) || len(g0.Diagnostics()) == 0 {
					errs <- errors.New("shared graph read differently")
				}
				if _, err := g0.Status("team-0", "root"); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestConcurrentMutation checks that the lock makes loads, resolves and Close safe to mix
// (the C library would not be).
func TestConcurrentMutation(t *testing.T) {
	s, err := LoadBytes("c.yaml", []byte(smallCluster), nil)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(2)
		go func(i int) {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				s.LoadBytes("more-"+strconv.Itoa(i), []byte(svcWeb))
			}
		}(i)
		go func() {
			defer wg.Done()
			for j := 0; j < 20; j++ {
				if g, err := s.Resolve(nil); err == nil {
					g.Listeners()
					g.Close()
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		runtime.Gosched()
		s.Close()
	}()
	wg.Wait()
	s.Close()
}

func rssBytes(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		t.Skipf("no /proc/self/statm: %v", err)
	}
	f := strings.Fields(string(b))
	pages, _ := strconv.ParseInt(f[1], 10, 64)
	return pages * int64(os.Getpagesize())
}

// TestRSSFlat runs 10,000 load/resolve/walk/close iterations and checks that the resident
// set does not grow beyond a small slack once warmed up: C memory is released by Close.
func TestRSSFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	if underASan {
		t.Skip("AddressSanitizer's quarantine keeps freed memory resident")
	}
	data := []byte(smallCluster)
	iter := func() {
		s, err := LoadBytes("c.yaml", data, nil)
		if err != nil {
			t.Fatal(err)
		}
		g, err := s.Resolve(nil)
		if err != nil {
			t.Fatal(err)
		}
		g.Listeners()
		g.Statuses()
		g.Diagnostics()
		if _, err := g.JSON(); err != nil {
			t.Fatal(err)
		}
		s.Objects(KindIngressRoute)
		g.Close()
		s.Close()
	}
	settle := func() int64 {
		runtime.GC()
		debug.FreeOSMemory()
		return rssBytes(t)
	}
	for i := 0; i < 1000; i++ {
		iter()
	}
	before := settle()
	for i := 0; i < 10000; i++ {
		iter()
	}
	after := settle()
	const slack = 4 << 20
	t.Logf("RSS after warm-up %d KiB, after 10,000 iterations %d KiB (growth %d KiB)",
		before>>10, after>>10, (after-before)>>10)
	if after-before > slack {
		t.Errorf("RSS grew by %d KiB over 10,000 iterations (slack %d KiB)", (after-before)>>10, slack>>10)
	}
}

func TestNamesMatchLibrary(t *testing.T) {
	for k := Kind(-1); k <= 7; k++ {
		if k.String() != cKindName(k) {
			t.Errorf("Kind(%d): %q vs library %q", k, k.String(), cKindName(k))
		}
		if k.valid() && ParseKind(k.String()) != k {
			t.Errorf("ParseKind(%q)", k.String())
		}
	}
	for s := Severity(-1); s <= 4; s++ {
		if s.String() != cSeverityName(s) {
			t.Errorf("Severity(%d): %q vs %q", s, s.String(), cSeverityName(s))
		}
	}
	for s := State(-1); s <= 4; s++ {
		if s.String() != cStateName(s) {
			t.Errorf("State(%d): %q vs %q", s, s.String(), cStateName(s))
		}
	}
	for c := CodeLimit; c <= CodeOK; c++ {
		if c.String() != cStatusStr(c) {
			t.Errorf("Code(%d): %q vs %q", c, c.String(), cStatusStr(c))
		}
	}
}

func TestCopiesAreIndependent(t *testing.T) {
	// The input buffer is not retained: changing it after the load changes nothing.
	data := []byte(svcWeb)
	cfg := &Config{RootNamespaces: []string{"default"}, Strict: true}
	s, err := LoadBytes("buf", data, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range data {
		data[i] = 'x'
	}
	// Nor is the Config: the snapshot resolves with the settings it was created with.
	cfg.RootNamespaces[0] = "elsewhere"
	cfg.Strict = false
	o, err := s.Find(KindService, "default", "web")
	if err != nil || o.Service.Ports[1].Name != "grpc" {
		t.Fatalf("object after the buffer changed: %+v %v", o, err)
	}
	if err := s.LoadBytes("bad", []byte("kind: [")); err == nil {
		t.Errorf("Strict must stay set for the snapshot's loads")
	}
	if err := s.LoadBytes("root", []byte(irRoot("default", "r", "r.com", "  - match: /\n    services: [{name: web, port: 80}]\n"))); err != nil {
		t.Fatal(err)
	}
	g, err := s.Resolve(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if st := mustStatus(t, g, "default", "r"); st.State != StateValid {
		t.Errorf("resolved with a changed Config: %v", st)
	}
	// Returned values may be changed by the caller without affecting later calls.
	ls := g.Listeners()
	ls[0].VirtualHosts[0].FQDN = "changed"
	if g.Listeners()[0].VirtualHosts[0].FQDN != "r.com" {
		t.Errorf("a returned copy is shared")
	}
}

func TestObjectOrder(t *testing.T) {
	var b strings.Builder
	for _, ref := range [][2]string{{"b", "x"}, {"a", "z"}, {"a", "y"}, {"B", "w"}} {
		b.WriteString("---\napiVersion: v1\nkind: Service\nmetadata: {namespace: " + ref[0] + ", name: \"" + ref[1] + "\"}\n")
	}
	s := load(t, b.String(), nil)
	var got []string
	for _, o := range s.Objects(KindService) {
		got = append(got, o.Namespace+"/"+o.Name)
	}
	if want := []string{"B/w", "a/y", "a/z", "b/x"}; !reflect.DeepEqual(got, want) {
		t.Errorf("order %q, want %q", got, want)
	}
	if s.Len(KindService) != 4 || s.Len(KindSecret) != 0 || s.Len(Kind(99)) != 0 {
		t.Errorf("Len")
	}
}
