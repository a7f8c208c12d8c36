package contour

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestMain(m *testing.M) {
	fmt.Fprintf(os.Stderr, "libcontour %s (binding built against %s, ABI major %d)\n",
		LibraryVersion(), BuildVersion, ABIMajor)
	if err := CheckVersion(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

// buildDir is the meson build directory run_tests.sh passes in CONTOUR_BUILD_DIR.
func buildDir() string { return os.Getenv("CONTOUR_BUILD_DIR") }

// contourc returns the path of the contourc binary, skipping the test when no build
// directory is known (run_tests.sh always sets one).
func contourc(t testing.TB) string {
	t.Helper()
	dir := buildDir()
	if dir == "" {
		t.Skip("CONTOUR_BUILD_DIR not set: run bindings/go/run_tests.sh BUILD_DIR to compare with contourc")
	}
	p := filepath.Join(dir, "tools", "contourc")
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("contourc not found in the build directory: %v", err)
	}
	return p
}

// examplesDir returns the Contour v0.10 example manifests: the copy in the repository,
// else the shared one.
func examplesDir(t testing.TB) string {
	t.Helper()
	for _, d := range []string{
		os.Getenv("CONTOUR_EXAMPLES"),
		filepath.Join("..", "..", "examples", "manifests", "contour-v0.10"),
		"/work/shared/examples/contour-v0.10",
	} {
		if d == "" {
			continue
		}
		if st, err := os.Stat(filepath.Join(d, "00-common")); err == nil && st.IsDir() {
			return d
		}
	}
	t.Skip("Contour v0.10 example manifests not found (set CONTOUR_EXAMPLES)")
	return ""
}

// runContourc runs contourc and returns its standard output; exit status 1 (findings) is
// not an error.
func runContourc(t testing.TB, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(contourc(t), args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 {
		err = nil
	}
	if err != nil {
		t.Fatalf("contourc %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return out
}

// load loads YAML text into a new snapshot closed at the end of the test.
func load(t testing.TB, yaml string, cfg *Config) *Snapshot {
	t.Helper()
	s, err := LoadBytes("test.yaml", []byte(yaml), cfg)
	if err != nil {
		t.Fatalf("LoadBytes: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// resolve loads YAML text and resolves it with cfg; the graph is closed at the end of
// the test.
func resolve(t testing.TB, yaml string, cfg *Config) *Graph {
	t.Helper()
	s := load(t, yaml, cfg)
	g, err := s.Resolve(nil)
	if err != nil {
		t.Fatalf("Resolve: %v (resolution not available in this libcontour?)", err)
	}
	t.Cleanup(func() { g.Close() })
	return g
}

func mustStatus(t testing.TB, g *Graph, ns, name string) Status {
	t.Helper()
	st, err := g.Status(ns, name)
	if err != nil {
		t.Fatalf("Status(%s/%s): %v; statuses: %v", ns, name, err, g.Statuses())
	}
	return st
}

func listener(g *Graph, secure bool) *Listener {
	for _, l := range g.Listeners() {
		if l.Secure == secure {
			l := l
			return &l
		}
	}
	return nil
}

func vhost(g *Graph, secure bool, fqdn string) *VirtualHost {
	l := listener(g, secure)
	if l == nil {
		return nil
	}
	for i := range l.VirtualHosts {
		if l.VirtualHosts[i].FQDN == fqdn {
			return &l.VirtualHosts[i]
		}
	}
	return nil
}

func route(v *VirtualHost, path string) *Route {
	if v == nil {
		return nil
	}
	for i := range v.Routes {
		if v.Routes[i].Path == path {
			return &v.Routes[i]
		}
	}
	return nil
}

func hasDiag(ds []Diagnostic, sev Severity, substr string) *Diagnostic {
	for i := range ds {
		if ds[i].Severity == sev && strings.Contains(ds[i].Message, substr) {
			return &ds[i]
		}
	}
	return nil
}

// Manifests used by several tests.
const (
	svcWeb = `---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  ports:
  - {name: http, port: 80}
  - {name: grpc, port: 9000}
`
	secretTLS = `---
apiVersion: v1
kind: Secret
metadata: {name: tls, namespace: default}
type: kubernetes.io/tls
data: {tls.crt: eA==, tls.key: eA==}
`
)

func irRoot(ns, name, fqdn, routes string) string {
	return fmt.Sprintf(`---
apiVersion: contour.heptio.com/v1beta1
kind: IngressRoute
metadata: {name: %s, namespace: %s}
spec:
  virtualhost: {fqdn: %s}
  routes:
%s`, name, ns, fqdn, routes)
}

func irChild(ns, name, routes string) string {
	return fmt.Sprintf(`---
apiVersion: contour.heptio.com/v1beta1
kind: IngressRoute
metadata: {name: %s, namespace: %s}
spec:
  routes:
%s`, name, ns, routes)
}

func errorsIs(err, target error) bool { return errors.Is(err, target) }
