package contour

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// WriteTo and WriteFormat: the bytes of Render and RenderFiltered, in pieces of at most
// 64 KiB; a failing writer's error stops the write and comes back as it is.

// pieces is an io.Writer that records the size of each Write.
type pieces struct {
	bytes.Buffer
	sizes []int
}

func (p *pieces) Write(b []byte) (int, error) {
	p.sizes = append(p.sizes, len(b))
	return p.Buffer.Write(b)
}

// bigGraph resolves a generated cluster whose JSON is several pieces long.
func bigGraph(t *testing.T) *Graph {
	t.Helper()
	s, err := LoadBytes("cluster.yaml", genCluster(2000), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	g, err := s.Resolve(nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	return g
}

func TestWriteEqualsRender(t *testing.T) {
	g := bigGraph(t)
	filters := []*Filter{
		nil,
		{},
		{Namespaces: []string{"team-3"}},
		{VirtualHosts: []string{"team-1.example.com", "legacy.team-2.example.com"}},
		{VirtualHosts: []string{"team-1.example.com"}, Namespaces: []string{"team-1", "team-2"}},
		{VirtualHosts: []string{"no.such.host"}},
	}
	for _, f := range []OutputFormat{OutputJSON, OutputText, OutputDOT} {
		for _, filter := range filters {
			want, err := g.RenderFiltered(f, filter)
			if err != nil {
				t.Fatal(err)
			}
			if filter == nil {
				if whole, _ := g.Render(f); !bytes.Equal(whole, want) {
					t.Fatalf("%s: RenderFiltered(nil) differs from Render", f)
				}
			}
			var p pieces
			n, err := g.WriteFormat(&p, f, filter)
			if err != nil {
				t.Fatalf("%s %+v: %v", f, filter, err)
			}
			if n != int64(len(want)) || !bytes.Equal(p.Bytes(), want) {
				t.Fatalf("%s %+v: WriteFormat wrote %d bytes (%d returned), RenderFiltered %d: they differ", f, filter, p.Len(), n, len(want))
			}
			for _, sz := range p.sizes {
				if sz < 1 || sz > 64<<10 {
					t.Errorf("%s: a piece of %d bytes", f, sz)
				}
			}
			if filter == nil && f == OutputJSON && len(p.sizes) < 2 {
				t.Errorf("the JSON of the generated cluster (%d bytes) came in %d piece(s)", len(want), len(p.sizes))
			}
		}
	}
	// WriteTo is the whole JSON, as an io.WriterTo.
	want, _ := g.JSON()
	var b bytes.Buffer
	var wt io.WriterTo = g
	if n, err := wt.WriteTo(&b); err != nil || n != int64(len(want)) || !bytes.Equal(b.Bytes(), want) {
		t.Fatalf("WriteTo: %d, %v", n, err)
	}
}

// failAfter takes n bytes, then fails with err (or takes less without an error when
// short is set).
type failAfter struct {
	n     int
	err   error
	short bool
	got   bytes.Buffer
	calls int
}

func (w *failAfter) Write(b []byte) (int, error) {
	w.calls++
	if w.n >= len(b) {
		w.n -= len(b)
		return w.got.Write(b)
	}
	k := w.n
	w.n = 0
	w.got.Write(b[:k])
	if w.short {
		return k, nil
	}
	return k, w.err
}

func TestWriteFailingWriter(t *testing.T) {
	g := bigGraph(t)
	want, _ := g.JSON()
	errBroken := errors.New("broken pipe (test)")
	for _, at := range []int{0, 1, 100, 64 << 10, 100000} {
		w := &failAfter{n: at, err: errBroken}
		n, err := g.WriteTo(w)
		if err != errBroken {
			t.Fatalf("failing after %d bytes: want the writer's error as it is, got %v", at, err)
		}
		if n != int64(at) || !bytes.Equal(w.got.Bytes(), want[:at]) {
			t.Fatalf("failing after %d bytes: %d written, %d returned, or not a prefix", at, w.got.Len(), n)
		}
		if rest := len(want) - at; w.calls > 1+at/(1<<16)+1 || rest <= 0 {
			t.Fatalf("failing after %d bytes: %d calls: the write went on after the error", at, w.calls)
		}
		// The graph is still usable.
		if again, err := g.JSON(); err != nil || !bytes.Equal(again, want) {
			t.Fatal("the graph changed")
		}
	}
	// A short write without an error is io.ErrShortWrite.
	w := &failAfter{n: 10, short: true}
	if n, err := g.WriteFormat(w, OutputText, nil); err != io.ErrShortWrite || n != 10 {
		t.Fatalf("short write: %d, %v", n, err)
	}
	// A writer that returns a count out of range is an error, never a slice out of range.
	if _, err := g.WriteTo(badCount{}); !errors.Is(err, errInvalidWrite) {
		t.Fatalf("bad count: %v", err)
	}
	// RenderDiff's writer too.
	empty := resolve(t, "", nil)
	dw := &failAfter{n: 5, err: errBroken}
	if n, err := WriteDiff(dw, empty, g, OutputText); err != errBroken || n != 5 {
		t.Fatalf("WriteDiff: %d, %v", n, err)
	}
}

type badCount struct{}

func (badCount) Write(b []byte) (int, error) { return len(b) + 1, nil }

// A panic in the writer stops the library, which returns, then panics again in the
// caller: nothing leaks and the graph stays usable.
func TestWritePanickingWriter(t *testing.T) {
	g := bigGraph(t)
	calls := 0
	func() {
		defer func() {
			r := recover()
			if r != "writer panic (test)" {
				t.Fatalf("want the writer's panic, got %v", r)
			}
		}()
		g.WriteTo(writerFunc(func(b []byte) (int, error) {
			calls++
			panic("writer panic (test)")
		}))
		t.Fatal("no panic")
	}()
	if calls != 1 {
		t.Errorf("the writer was called %d times", calls)
	}
	if _, err := g.JSON(); err != nil {
		t.Fatal(err)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

// The writer may use the graph, and close it: the graph is freed once the write is over.
func TestWriteReentrant(t *testing.T) {
	g := bigGraph(t)
	want, _ := g.Text()
	var out bytes.Buffer
	inner := 0
	n, err := g.WriteFormat(writerFunc(func(b []byte) (int, error) {
		if inner == 0 {
			// Another write of the same graph from inside the callback.
			var sb strings.Builder
			if _, err := g.WriteFormat(&sb, OutputText, nil); err != nil || sb.String() != string(want) {
				return 0, fmt.Errorf("nested write: %v", err)
			}
			if len(g.Statuses()) == 0 {
				return 0, errors.New("no statuses inside the callback")
			}
			g.Close() // from inside: the write in progress goes on
		}
		inner++
		return out.Write(b)
	}), OutputText, nil)
	if err != nil || n != int64(len(want)) || !bytes.Equal(out.Bytes(), want) {
		t.Fatalf("write: %d, %v", n, err)
	}
	if _, err := g.Text(); !errors.Is(err, ErrClosed) {
		t.Fatalf("after the write: %v", err)
	}
}

func TestWriteErrors(t *testing.T) {
	g := resolve(t, svcWeb+irRoot("default", "r", "a.com", "  - match: /\n    services: [{name: web, port: 80}]\n"), nil)
	var b bytes.Buffer
	for _, c := range []struct {
		f      OutputFormat
		filter *Filter
		target error
	}{
		{OutputFormat(7), nil, ErrInvalid},
		{OutputJSON, &Filter{VirtualHosts: []string{""}}, ErrInvalid},
		{OutputJSON, &Filter{Namespaces: []string{""}}, ErrInvalid},
		{OutputJSON, &Filter{Namespaces: []string{"a\x00b"}}, ErrNUL},
		{OutputJSON, &Filter{VirtualHosts: []string{"a.com\x00"}}, ErrNUL},
	} {
		if n, err := g.WriteFormat(&b, c.f, c.filter); !errors.Is(err, c.target) || n != 0 {
			t.Errorf("%d %+v: %d, %v", c.f, c.filter, n, err)
		}
		if _, err := g.RenderFiltered(c.f, c.filter); !errors.Is(err, c.target) {
			t.Errorf("RenderFiltered %d %+v: %v", c.f, c.filter, err)
		}
	}
	if b.Len() != 0 {
		t.Errorf("the writer was called: %q", b.String())
	}
	if _, err := g.WriteFormat(nil, OutputJSON, nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("nil writer: %v", err)
	}
	if _, err := RenderDiff(g, g, OutputDOT); !errors.Is(err, ErrInvalid) {
		t.Errorf("diff as DOT: %v", err)
	}
	g.Close()
	if n, err := g.WriteTo(&b); !errors.Is(err, ErrClosed) || n != 0 {
		t.Errorf("closed: %d, %v", n, err)
	}
	if _, err := g.RenderFiltered(OutputJSON, nil); !errors.Is(err, ErrClosed) {
		t.Errorf("closed: %v", err)
	}
	var zero Graph
	if _, err := zero.WriteTo(&b); !errors.Is(err, ErrClosed) {
		t.Errorf("zero Graph: %v", err)
	}
}

// The diff renderings: WriteDiff writes RenderDiff's bytes; the text and JSON agree with
// contourc diff.
func TestDiffRenderings(t *testing.T) {
	oldDir := examplesDir(t)
	old, err := Load([]string{oldDir + "/00-common", oldDir + "/03-delegation-within-namespace"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	og, _ := old.Resolve(nil)
	defer og.Close()
	new, err := Load([]string{oldDir + "/00-common", oldDir + "/04-blue-green-delegation"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer new.Close()
	ng, _ := new.Resolve(nil)
	defer ng.Close()
	for _, f := range []OutputFormat{OutputJSON, OutputText} {
		want, err := RenderDiff(og, ng, f)
		if err != nil {
			t.Fatal(err)
		}
		var p pieces
		if n, err := WriteDiff(&p, og, ng, f); err != nil || n != int64(len(want)) || !bytes.Equal(p.Bytes(), want) {
			t.Fatalf("%s: WriteDiff %d, %v", f, n, err)
		}
		cli := runContourc(t, "diff", "--format", f.String(), oldDir+"/00-common", oldDir+"/03-delegation-within-namespace",
			"--", oldDir+"/00-common", oldDir+"/04-blue-green-delegation")
		if !bytes.Equal(cli, want) {
			t.Fatalf("%s: RenderDiff differs from contourc diff:\n%s", f, firstDifference(want, cli))
		}
	}
	d, err := DiffGraphs(og, ng)
	if err != nil || d.Empty() {
		t.Fatalf("DiffGraphs: %+v, %v", d, err)
	}
	checkDiff(t, "examples", og, ng)
	checkDiff(t, "examples, reversed", ng, og)
	checkDiff(t, "from nothing", nil, ng)
	checkDiff(t, "to nothing", og, nil)
	if d, err := DiffGraphs(ng, ng); err != nil || !d.Empty() {
		t.Fatalf("a graph with itself: %+v, %v", d, err)
	}
}
