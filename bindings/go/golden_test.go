package contour

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// exampleDirs are the Contour v0.10 example directories, each loaded with 00-common.
var exampleDirs = []string{
	"01-ingress-to-ingressroute",
	"02-basic",
	"03-delegation-within-namespace",
	"04-blue-green-delegation",
	"05-delegation-across-namespaces",
	"06-multiple-roots",
}

// TestJSONMatchesContourc checks, for each example directory and a generated cluster,
// that Graph.JSON() is byte for byte what `contourc graph --format json` prints for the
// same paths, and that the Go walk (Listeners, Statuses, Diagnostics) says the same as
// that JSON.
func TestJSONMatchesContourc(t *testing.T) {
	ex := examplesDir(t)
	cases := map[string][]string{}
	for _, d := range exampleDirs {
		cases[d] = []string{filepath.Join(ex, "00-common"), filepath.Join(ex, d)}
	}
	gen := filepath.Join(t.TempDir(), "generated.yaml")
	if err := os.WriteFile(gen, genCluster(2000), 0o644); err != nil {
		t.Fatal(err)
	}
	cases["generated"] = []string{gen}
	for name, paths := range cases {
		t.Run(name, func(t *testing.T) {
			want := runContourc(t, append([]string{"graph", "--format", "json"}, paths...)...)
			s, err := Load(paths, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
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
				t.Errorf("Graph.JSON() differs from contourc (%d vs %d bytes)\n%s", len(got), len(want),
					firstDiff(got, want))
			}
			checkWalkMatchesJSON(t, g, got)
			if name != "generated" && len(g.Statuses()) == 0 {
				t.Errorf("no statuses")
			}
		})
	}
}

// TestOtherFormatsMatchContourc compares Text and DOT with contourc for one example.
func TestOtherFormatsMatchContourc(t *testing.T) {
	ex := examplesDir(t)
	paths := []string{filepath.Join(ex, "00-common"), filepath.Join(ex, "04-blue-green-delegation")}
	s, err := Load(paths, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	g, err := s.Resolve(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	for _, f := range []struct {
		name   string
		render func() ([]byte, error)
	}{{"text", g.Text}, {"dot", g.DOT}} {
		want := runContourc(t, append([]string{"graph", "--format", f.name}, paths...)...)
		got, err := f.render()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from contourc\n%s", f.name, firstDiff(got, want))
		}
	}
}

// TestConfigMatchesContourc checks that Config settings reach the library the way the
// CLI flags do.
func TestConfigMatchesContourc(t *testing.T) {
	ex := examplesDir(t)
	paths := []string{filepath.Join(ex, "00-common"), filepath.Join(ex, "05-delegation-across-namespaces")}
	want := runContourc(t, append([]string{"graph", "--format", "json", "--root-namespaces", "default,infra",
		"--http-port", "8080", "--https-port", "8443", "--ingress-class", "contour",
		"--default-namespace", "elsewhere"}, paths...)...)
	cfg := &Config{RootNamespaces: []string{"default", "infra"}, HTTPPort: 8080, HTTPSPort: 8443,
		IngressClass: "contour", DefaultNamespace: "elsewhere"}
	s, err := Load(paths, cfg)
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
		t.Errorf("JSON with options differs from contourc\n%s", firstDiff(got, want))
	}
}

func firstDiff(a, b []byte) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	lo := i - 200
	if lo < 0 {
		lo = 0
	}
	clip := func(x []byte) string {
		hi := i + 200
		if hi > len(x) {
			hi = len(x)
		}
		if lo > len(x) {
			return ""
		}
		return string(x[lo:hi])
	}
	return "first difference at byte " + itoa(i) + "\n--- Go:\n" + clip(a) + "\n--- contourc:\n" + clip(b)
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

// walkJSON rebuilds the JSON form of the route graph (spec §4) from the Go walk.
func walkJSON(g *Graph) map[string]any {
	ref := func(r ObjectRef) map[string]any {
		return map[string]any{"kind": r.Kind.String(), "namespace": r.Namespace, "name": r.Name}
	}
	clusters := func(cs []Cluster) []any {
		out := []any{}
		for _, c := range cs {
			m := map[string]any{"namespace": c.Namespace, "service": c.Service, "port": c.Port, "weight": c.Weight}
			if c.PortName != "" {
				m["port_name"] = c.PortName
			}
			if c.Strategy != "" {
				m["strategy"] = c.Strategy
			}
			if c.Protocol != "" {
				m["protocol"] = c.Protocol
			}
			if hc := c.HealthCheck; hc != nil {
				m["health_check"] = map[string]any{"path": hc.Path, "host": hc.Host,
					"interval_s": hc.IntervalSeconds, "timeout_s": hc.TimeoutSeconds,
					"unhealthy_threshold": hc.UnhealthyThreshold, "healthy_threshold": hc.HealthyThreshold}
			}
			for k, v := range map[string]uint32{"max_connections": c.MaxConnections,
				"max_pending_requests": c.MaxPendingRequests, "max_requests": c.MaxRequests,
				"max_retries": c.MaxRetries} {
				if v != 0 {
					m[k] = v
				}
			}
			out = append(out, m)
		}
		return out
	}
	listeners := []any{}
	for _, l := range g.Listeners() {
		vhosts := []any{}
		for _, v := range l.VirtualHosts {
			vm := map[string]any{"fqdn": v.FQDN}
			if v.TLS != nil {
				tm := map[string]any{"min_protocol_version": v.TLS.MinProtocolVersion, "passthrough": v.TLS.Passthrough}
				if v.TLS.Secret != nil {
					tm["secret"] = map[string]any{"namespace": v.TLS.Secret.Namespace, "name": v.TLS.Secret.Name}
				}
				vm["tls"] = tm
			}
			routes := []any{}
			for _, r := range v.Routes {
				rm := map[string]any{r.MatchType.String(): r.Path, "https_redirect": r.HTTPSRedirect,
					"websocket": r.Websocket, "source": ref(r.Source), "clusters": clusters(r.Clusters)}
				if r.PrefixRewrite != nil {
					rm["prefix_rewrite"] = *r.PrefixRewrite
				}
				if r.TimeoutMS != nil {
					rm["timeout_ms"] = *r.TimeoutMS
				}
				if r.Retry != nil {
					retry := map[string]any{"on": r.Retry.On, "num_retries": r.Retry.NumRetries}
					if r.Retry.PerTryTimeoutMS != 0 {
						retry["per_try_timeout_ms"] = r.Retry.PerTryTimeoutMS
					}
					rm["retry"] = retry
				}
				routes = append(routes, rm)
			}
			vm["routes"] = routes
			if v.TCPProxy != nil {
				vm["tcpproxy"] = map[string]any{"clusters": clusters(v.TCPProxy.Clusters)}
			}
			vhosts = append(vhosts, vm)
		}
		listeners = append(listeners, map[string]any{"name": l.Name, "port": l.Port, "virtualhosts": vhosts})
	}
	statuses := []any{}
	for _, s := range g.Statuses() {
		vh := []any{}
		for _, v := range s.VirtualHosts {
			vh = append(vh, v)
		}
		statuses = append(statuses, map[string]any{"kind": s.Kind.String(), "namespace": s.Namespace,
			"name": s.Name, "status": s.State.String(), "description": s.Description, "vhosts": vh})
	}
	diags := []any{}
	for _, d := range g.Diagnostics() {
		m := map[string]any{"severity": d.Severity.String(), "code": d.Code, "message": d.Message,
			"file": d.File, "line": d.Line, "column": d.Column}
		if d.Object.Kind != KindNone { // the JSON leaves "object" out when there is none
			m["object"] = ref(d.Object)
		}
		if d.Field != "" {
			m["field"] = d.Field
		}
		diags = append(diags, m)
	}
	return map[string]any{"listeners": listeners, "statuses": statuses, "diagnostics": diags}
}

// checkWalkMatchesJSON compares the Go walk with the library's JSON, key by key.
func checkWalkMatchesJSON(t *testing.T, g *Graph, js []byte) {
	t.Helper()
	var lib map[string]any
	if err := json.Unmarshal(js, &lib); err != nil {
		t.Fatalf("library JSON: %v", err)
	}
	raw, err := json.Marshal(walkJSON(g))
	if err != nil {
		t.Fatal(err)
	}
	var walked map[string]any
	if err := json.Unmarshal(raw, &walked); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"listeners", "statuses", "diagnostics"} {
		got, want := walked[key], lib[key]
		if !reflect.DeepEqual(got, want) {
			gb, _ := json.MarshalIndent(got, "", " ")
			wb, _ := json.MarshalIndent(want, "", " ")
			t.Errorf("walk of %s differs from the library's JSON\n%s", key, firstDiff(gb, wb))
		}
	}
}
