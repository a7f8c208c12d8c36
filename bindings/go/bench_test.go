package contour

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// benchObjects is the size of the generated cluster of the Go-versus-C benchmark.
const benchObjects = 100000

// generatedFile writes a generated cluster of n objects into a temporary directory that
// is removed when the benchmark ends.
func generatedFile(b testing.TB, n int) string {
	path := filepath.Join(b.TempDir(), "cluster-"+strconv.Itoa(n)+".yaml")
	if err := os.WriteFile(path, genCluster(n), 0o644); err != nil {
		b.Fatal(err)
	}
	return path
}

// goWalk is what the Go side measures: load + resolve + a full copy-out of the graph.
func goWalk(tb testing.TB, path string) (load, res, walk time.Duration) {
	t0 := time.Now()
	s, err := Load([]string{path}, nil)
	if err != nil {
		tb.Fatal(err)
	}
	t1 := time.Now()
	g, err := s.Resolve(nil)
	if err != nil {
		tb.Fatal(err)
	}
	t2 := time.Now()
	ls := g.Listeners()
	sts := g.Statuses()
	ds := g.Diagnostics()
	t3 := time.Now()
	if len(ls) == 0 || len(sts) == 0 || len(ds) == 0 {
		tb.Fatalf("empty walk: %d listeners, %d statuses, %d diagnostics", len(ls), len(sts), len(ds))
	}
	g.Close()
	s.Close()
	return t1.Sub(t0), t2.Sub(t1), t3.Sub(t2)
}

// cwalkBinary returns the C counterpart, built by run_tests.sh (CONTOUR_CWALK) or here.
func cwalkBinary(b *testing.B) string {
	if p := os.Getenv("CONTOUR_CWALK"); p != "" {
		return p
	}
	out := filepath.Join(b.TempDir(), "cwalk")
	flags, err := exec.Command("pkg-config", "--cflags", "--libs", "contour").Output()
	if err != nil {
		b.Skipf("pkg-config contour: %v", err)
	}
	args := append([]string{"-O2", "-o", out, "bench/cwalk.c"}, strings.Fields(string(flags))...)
	if msg, err := exec.Command("cc", args...).CombinedOutput(); err != nil {
		b.Fatalf("building cwalk: %v\n%s", err, msg)
	}
	return out
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// cwalkRun runs the C counterpart for a warm-up run and a measured one (the Go process
// is warm too) and returns the measured load+resolve+walk and walk times, and the time of
// the bulk copy-out alone (contour_graph_export).
func cwalkRun(b *testing.B, cwalk, path string) (total, walk, export time.Duration) {
	out, err := exec.Command(cwalk, path, "2").Output()
	if err != nil {
		b.Fatalf("cwalk: %v", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 12 && f[0] == "run" && f[1] == "1" {
			w, _ := strconv.ParseInt(f[7], 10, 64)
			t, _ := strconv.ParseInt(f[9], 10, 64)
			e, _ := strconv.ParseInt(f[11], 10, 64)
			return time.Duration(t), time.Duration(w), time.Duration(e)
		}
	}
	b.Fatalf("cwalk output:\n%s", out)
	return 0, 0, 0
}

// BenchmarkGoVsC compares, on a generated 100,000-object cluster, the median of several
// Go runs of load + resolve + full graph walk with the median of the same in C
// (bench/cwalk.c, one process per run after a warm-up run in it, runs interleaved with Go's so that both see the
// same machine). It fails when Go is more than 1.5 times slower. Run it with
// -benchtime=1x: each invocation does all its runs. CONTOUR_BENCH_RUNS sets the number of
// runs (default 7).
func BenchmarkGoVsC(b *testing.B) {
	runs := 7
	if v, err := strconv.Atoi(os.Getenv("CONTOUR_BENCH_RUNS")); err == nil && v > 0 {
		runs = v
	}
	path := generatedFile(b, benchObjects)
	cwalk := cwalkBinary(b)
	for i := 0; i < b.N; i++ {
		var cTotal, cWalk, cExport, goTotal, goWalkT []time.Duration
		for r := 0; r < runs; r++ {
			t, w, e := cwalkRun(b, cwalk, path)
			cTotal = append(cTotal, t)
			cWalk = append(cWalk, w)
			cExport = append(cExport, e)
			runtime.GC()
			l, res, gw := goWalk(b, path)
			goTotal = append(goTotal, l+res+gw)
			goWalkT = append(goWalkT, gw)
		}
		gm, cm := median(goTotal), median(cTotal)
		ratio := float64(gm) / float64(cm)
		b.ReportMetric(float64(gm.Milliseconds()), "go-ms")
		b.ReportMetric(float64(cm.Milliseconds()), "c-ms")
		b.ReportMetric(float64(median(goWalkT).Milliseconds()), "go-walk-ms")
		b.ReportMetric(float64(median(cWalk).Milliseconds()), "c-walk-ms")
		b.ReportMetric(float64(median(cExport).Milliseconds()), "c-export-ms")
		b.ReportMetric(ratio, "go/c")
		b.Logf("%d objects, %d runs: Go median %v (walk %v), C median %v (walk %v; export alone %v), ratio %.3f",
			benchObjects, runs, gm, median(goWalkT), cm, median(cWalk), median(cExport), ratio)
		b.Logf("Go runs %v", goTotal)
		b.Logf("C runs  %v", cTotal)
		if ratio > 1.5 {
			b.Errorf("Go is %.2fx slower than C (limit 1.5x)", ratio)
		}
	}
}

// BenchmarkLoadResolveWalk is a plain per-operation benchmark on a 10,000-object cluster.
func BenchmarkLoadResolveWalk(b *testing.B) {
	data := genCluster(10000)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s, err := LoadBytes("bench.yaml", data, nil)
		if err != nil {
			b.Fatal(err)
		}
		g, err := s.Resolve(nil)
		if err != nil {
			b.Fatal(err)
		}
		g.Listeners()
		g.Statuses()
		g.Diagnostics()
		g.Close()
		s.Close()
	}
}

// benchSize is the size of the cluster of BenchmarkWalk: CONTOUR_BENCH_OBJECTS, or def.
func benchSize(def int) int {
	if v, err := strconv.Atoi(os.Getenv("CONTOUR_BENCH_OBJECTS")); err == nil && v > 0 {
		return v
	}
	return def
}

// BenchmarkWalk measures the copy-out of a resolved graph alone (listeners, statuses and
// diagnostics) on a 10,000-object cluster, or CONTOUR_BENCH_OBJECTS objects.
func BenchmarkWalk(b *testing.B) {
	s, err := LoadBytes("bench.yaml", genCluster(benchSize(10000)), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	g, err := s.Resolve(nil)
	if err != nil {
		b.Fatal(err)
	}
	defer g.Close()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		g.Listeners()
		g.Statuses()
		g.Diagnostics()
	}
}
