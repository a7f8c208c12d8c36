package contour

import (
	"bufio"
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// The golden cases of the C library (tests/cases/<case>/: input manifests, an optional
// `config` and `include`, and expected.json), replayed through the Go API as
// tests/run_cases.c replays them through the C API: Graph.JSON() must be expected.json
// byte for byte, and the Go walk must say the same as that JSON.

func isInput(name string) bool {
	return strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml") || strings.HasSuffix(name, ".json")
}

// readLines returns the trimmed lines of a small file, without blanks and comments.
func readLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// caseConfig reads a case's `config` file into a Config.
func caseConfig(t *testing.T, dir string) *Config {
	t.Helper()
	cfg := &Config{}
	for _, l := range readLines(t, filepath.Join(dir, "config")) {
		key, val, ok := strings.Cut(l, " ")
		if !ok {
			t.Fatalf("config line without value: %s", l)
		}
		switch key {
		case "root-namespaces":
			cfg.RootNamespaces = strings.Split(val, ",")
		case "ingress-class":
			if val == `""` {
				cfg.EmptyIngressClass = true
			} else {
				cfg.IngressClass = val
			}
		case "default-namespace":
			cfg.DefaultNamespace = val
		case "limit-routes":
			n, err := strconv.ParseUint(val, 10, 64)
			if err != nil {
				t.Fatalf("config: %s", l)
			}
			cfg.Limits.Routes = n
		case "http-port", "https-port":
			n, err := strconv.ParseUint(val, 10, 32)
			if err != nil {
				t.Fatalf("config: %s", l)
			}
			if key == "http-port" {
				cfg.HTTPPort = uint32(n)
			} else {
				cfg.HTTPSPort = uint32(n)
			}
		default:
			t.Fatalf("bad config line: %s", l)
		}
	}
	return cfg
}

// sharedPath finds a path relative to the shared directory ($CONTOUR_SHARED_ROOT, or the
// repository's own copy of the example manifests).
func sharedPath(t *testing.T, rel string) string {
	t.Helper()
	var roots []string
	if r := os.Getenv("CONTOUR_SHARED_ROOT"); r != "" {
		roots = append(roots, r)
	}
	roots = append(roots, filepath.Join("..", "..", "..", "shared"), "/work/shared")
	for _, r := range roots {
		if _, err := os.Stat(filepath.Join(r, rel)); err == nil {
			return filepath.Join(r, rel)
		}
	}
	if rest, ok := strings.CutPrefix(rel, "examples/"); ok {
		p := filepath.Join("..", "..", "examples", "manifests", rest)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skipf("included path %s not found (set CONTOUR_SHARED_ROOT)", rel)
	return ""
}

// loadCase loads a case's includes and inputs, each as a buffer named as run_cases names
// it, in the same order.
func loadCase(t *testing.T, dir string, cfg *Config) *Snapshot {
	t.Helper()
	s, err := NewSnapshot(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	load := func(path, name string) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.LoadBytes(name, data); err != nil {
			t.Fatalf("loading %s: %v", name, err)
		}
	}
	for _, inc := range readLines(t, filepath.Join(dir, "include")) {
		root := sharedPath(t, inc)
		var files []string
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if p != root && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if !d.IsDir() && (p == root || isInput(d.Name())) {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			rel, _ := filepath.Rel(root, f)
			load(f, filepath.ToSlash(filepath.Join(inc, rel)))
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") || !isInput(e.Name()) || e.Name() == "expected.json" {
			continue
		}
		load(filepath.Join(dir, e.Name()), e.Name())
	}
	return s
}

func TestGoldenCases(t *testing.T) {
	root := filepath.Join("..", "..", "tests", "cases")
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Skipf("no golden cases: %v", err)
	}
	n := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(root, e.Name())
		want, err := os.ReadFile(filepath.Join(dir, "expected.json"))
		if err != nil {
			continue
		}
		n++
		t.Run(e.Name(), func(t *testing.T) {
			cfg := caseConfig(t, dir)
			s := loadCase(t, dir, cfg)
			g, err := s.Resolve(nil)
			if err != nil {
				t.Fatal(err)
			}
			defer g.Close()
			got, err := g.JSON()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Graph.JSON() differs from expected.json\n%s", firstDiff(got, want))
			}
			checkWalkMatchesJSON(t, g, got)
		})
	}
	if n == 0 {
		t.Skip("no golden cases found")
	}
}

// TestWildCorpus loads each real-world manifest of the shared corpus and compares the Go
// JSON and walk with contourc.
func TestWildCorpus(t *testing.T) {
	var dir string
	for _, d := range []string{os.Getenv("CONTOUR_SHARED_ROOT"), filepath.Join("..", "..", "..", "shared"), "/work/shared"} {
		if d == "" {
			continue
		}
		if st, err := os.Stat(filepath.Join(d, "corpus", "wild")); err == nil && st.IsDir() {
			dir = filepath.Join(d, "corpus", "wild")
			break
		}
	}
	if dir == "" {
		t.Skip("shared corpus/wild not found (set CONTOUR_SHARED_ROOT)")
	}
	contourc(t)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() && isInput(e.Name()) {
			files = append(files, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(files)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			want := runContourc(t, "graph", "--format", "json", f)
			s, err := Load([]string{f}, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			g, err := s.Resolve(nil)
			if err != nil {
				t.Fatal(err)
			}
			defer g.Close()
			got, _ := g.JSON()
			if !bytes.Equal(got, want) {
				t.Errorf("differs from contourc\n%s", firstDiff(got, want))
			}
			checkWalkMatchesJSON(t, g, got)
			// Every object copies out without trouble.
			for _, k := range Kinds {
				for _, o := range s.Objects(k) {
					if o.Kind != k || o.Name == "" || o.File != f {
						t.Errorf("object %+v", o)
					}
				}
			}
		})
	}
}
