package contour

import (
	"reflect"
	"strings"
	"testing"
)

// The outcome of every resolution rule of the spec (shared/spec/route-graph.md), as seen
// through the Go API.

func TestValidRootAndDelegation(t *testing.T) {
	yaml := svcWeb + irRoot("default", "root", "example.com", `  - match: /
    services: [{name: web, port: 80}]
  - match: /blog
    delegate: {name: blog, namespace: marketing}
`) + irChild("marketing", "blog", `  - match: /blog
    services: [{name: blog, port: 8080, weight: 10}, {name: blog, port: 8080, weight: 5}]
`) + `---
apiVersion: v1
kind: Service
metadata: {name: blog, namespace: marketing}
spec: {ports: [{port: 8080}]}
`
	g := resolve(t, yaml, nil)
	for _, ref := range [][2]string{{"default", "root"}, {"marketing", "blog"}} {
		st := mustStatus(t, g, ref[0], ref[1])
		if st.State != StateValid || st.Description != "valid IngressRoute" {
			t.Errorf("%s/%s: %v", ref[0], ref[1], st)
		}
		if !reflect.DeepEqual(st.VirtualHosts, []string{"example.com"}) {
			t.Errorf("%s/%s vhosts = %q", ref[0], ref[1], st.VirtualHosts)
		}
		if st.Kind != KindIngressRoute || st.File != "test.yaml" || st.Line == 0 {
			t.Errorf("status identity/position: %+v", st)
		}
	}
	ls := g.Listeners()
	if len(ls) != 1 || ls[0].Name != "ingress_http" || ls[0].Port != 80 || ls[0].Secure {
		t.Fatalf("listeners: %+v", ls)
	}
	v := vhost(g, false, "example.com")
	if v == nil || len(v.Routes) != 2 || v.TLS != nil || v.TCPProxy != nil {
		t.Fatalf("vhost: %+v", v)
	}
	// Routes by path in descending byte order.
	if v.Routes[0].Path != "/blog" || v.Routes[1].Path != "/" {
		t.Errorf("route order: %q, %q", v.Routes[0].Path, v.Routes[1].Path)
	}
	blog := v.Routes[0]
	if blog.MatchType != MatchPrefix || blog.HTTPSRedirect || blog.Websocket ||
		blog.PrefixRewrite != nil || blog.TimeoutMS != nil || blog.Retry != nil {
		t.Errorf("blog route options: %+v", blog)
	}
	if blog.Source != (ObjectRef{KindIngressRoute, "marketing", "blog"}) {
		t.Errorf("blog source: %+v", blog.Source)
	}
	// The same service twice with different weights gives two clusters, by weight.
	if len(blog.Clusters) != 2 || blog.Clusters[0].Weight != 5 || blog.Clusters[1].Weight != 10 {
		t.Fatalf("blog clusters: %+v", blog.Clusters)
	}
	c := blog.Clusters[0]
	if c.Namespace != "marketing" || c.Service != "blog" || c.Port != 8080 || c.PortName != "" ||
		c.HealthCheck != nil || c.Strategy != "" || c.Protocol != "" || c.MaxConnections != 0 {
		t.Errorf("blog cluster: %+v", c)
	}
	root := v.Routes[1]
	if len(root.Clusters) != 1 || root.Clusters[0].PortName != "http" {
		t.Errorf("root clusters: %+v", root.Clusters)
	}
}

func TestDuplicateFQDN(t *testing.T) {
	yaml := svcWeb + irRoot("ns2", "b", "dup.com", "  - match: /\n    services: [{name: web, port: 80}]\n") +
		irRoot("ns1", "a", "dup.com", "  - match: /\n    services: [{name: web, port: 80}]\n")
	g := resolve(t, yaml, nil)
	for _, ref := range [][2]string{{"ns1", "a"}, {"ns2", "b"}} {
		st := mustStatus(t, g, ref[0], ref[1])
		want := `fqdn "dup.com" is used in multiple IngressRoutes: ns1/a, ns2/b`
		if st.State != StateInvalid || st.Description != want {
			t.Errorf("%v, want invalid: %s", st, want)
		}
		if len(st.VirtualHosts) != 0 {
			t.Errorf("a root rejected as a root has no vhosts: %q", st.VirtualHosts)
		}
	}
	if ls := g.Listeners(); len(ls) != 0 {
		t.Errorf("no vhost expected: %+v", ls)
	}
}

func TestRootNamespaces(t *testing.T) {
	yaml := svcWeb + irRoot("default", "root", "example.com", "  - match: /\n    services: [{name: web, port: 80}]\n")
	g := resolve(t, yaml, &Config{RootNamespaces: []string{"roots", "infra"}})
	st := mustStatus(t, g, "default", "root")
	if st.State != StateInvalid || st.Description != "root IngressRoute cannot be defined in this namespace" {
		t.Errorf("%v", st)
	}
	// The same snapshot resolved with another config: the root is fine there.
	s := load(t, yaml, nil)
	g2, err := s.Resolve(&Config{RootNamespaces: []string{"default"}})
	if err != nil {
		t.Fatal(err)
	}
	defer g2.Close()
	if st := mustStatus(t, g2, "default", "root"); st.State != StateValid {
		t.Errorf("%v", st)
	}
}

func TestBlankFQDN(t *testing.T) {
	yaml := svcWeb + irRoot("default", "root", `""`, "  - match: /\n    services: [{name: web, port: 80}]\n")
	g := resolve(t, yaml, nil)
	st := mustStatus(t, g, "default", "root")
	if st.State != StateInvalid || st.Description != "Spec.VirtualHost.Fqdn must be specified" {
		t.Errorf("%v", st)
	}
}

func TestTLSAndRedirects(t *testing.T) {
	yaml := svcWeb + secretTLS + `---
apiVersion: contour.heptio.com/v1beta1
kind: IngressRoute
metadata: {name: root, namespace: default}
spec:
  virtualhost:
    fqdn: secure.com
    tls: {secretName: tls, minimumProtocolVersion: "1.3"}
  routes:
  - match: /
    services: [{name: web, port: 80}]
  - match: /insecure
    permitInsecure: true
    services: [{name: web, port: 9000}]
`
	g := resolve(t, yaml, nil)
	ls := g.Listeners()
	if len(ls) != 2 || ls[0].Port != 80 || ls[1].Port != 443 || !ls[1].Secure || ls[1].Name != "ingress_https" {
		t.Fatalf("listeners: %+v", ls)
	}
	sv := vhost(g, true, "secure.com")
	if sv == nil || sv.TLS == nil {
		t.Fatalf("secure vhost: %+v", sv)
	}
	want := &TLS{Secret: &ObjectRef{KindSecret, "default", "tls"}, MinProtocolVersion: "1.3"}
	if !reflect.DeepEqual(sv.TLS, want) {
		t.Errorf("TLS = %+v, want %+v", sv.TLS, want)
	}
	for _, r := range sv.Routes {
		if r.HTTPSRedirect {
			t.Errorf("https_redirect on the secure listener: %+v", r)
		}
	}
	iv := vhost(g, false, "secure.com")
	if r := route(iv, "/"); r == nil || !r.HTTPSRedirect {
		t.Errorf("insecure / should redirect: %+v", r)
	}
	if r := route(iv, "/insecure"); r == nil || r.HTTPSRedirect {
		t.Errorf("permitInsecure route should not redirect: %+v", r)
	}
}

func TestTLSMinimumVersionDefault(t *testing.T) {
	for in, want := range map[string]string{`"1.2"`: "1.2", `"1.3"`: "1.3", `"1.0"`: "1.1", `""`: "1.1"} {
		yaml := svcWeb + secretTLS + `---
apiVersion: contour.heptio.com/v1beta1
kind: IngressRoute
metadata: {name: root, namespace: default}
spec:
  virtualhost:
    fqdn: secure.com
    tls: {secretName: tls, minimumProtocolVersion: ` + in + `}
  routes:
  - match: /
    services: [{name: web, port: 80}]
`
		g := resolve(t, yaml, nil)
		v := vhost(g, true, "secure.com")
		if v == nil || v.TLS == nil || v.TLS.MinProtocolVersion != want {
			t.Errorf("minimumProtocolVersion %s: got %+v, want %s", in, v, want)
		}
	}
}

func TestTLSSecretDelegation(t *testing.T) {
	secret := `---
apiVersion: v1
kind: Secret
metadata: {name: wildcard, namespace: certs}
type: kubernetes.io/tls
data: {tls.crt: eA==, tls.key: eA==}
`
	root := svcWeb + `---
apiVersion: contour.heptio.com/v1beta1
kind: IngressRoute
metadata: {name: root, namespace: default}
spec:
  virtualhost:
    fqdn: d.com
    tls: {secretName: certs/wildcard}
  routes:
  - match: /
    services: [{name: web, port: 80}]
`
	delegation := func(target string) string {
		return `---
apiVersion: contour.heptio.com/v1beta1
kind: TLSCertificateDelegation
metadata: {name: d, namespace: certs}
spec:
  delegations:
  - secretName: wildcard
    targetNamespaces: [` + target + `]
`
	}
	for _, tc := range []struct {
		name   string
		yaml   string
		secure bool
	}{
		{"not delegated", root + secret, false},
		{"delegated to the namespace", root + secret + delegation("default"), true},
		{"delegated to all", root + secret + delegation(`"*"`), true},
		{"delegated elsewhere", root + secret + delegation("other"), false},
		{"missing", root + delegation("default"), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := resolve(t, tc.yaml, nil)
			v := vhost(g, true, "d.com")
			if (v != nil) != tc.secure {
				t.Fatalf("secure vhost = %+v, want present=%v", v, tc.secure)
			}
			if tc.secure {
				if v.TLS.Secret == nil || *v.TLS.Secret != (ObjectRef{KindSecret, "certs", "wildcard"}) {
					t.Errorf("secret: %+v", v.TLS.Secret)
				}
				return
			}
			// Not usable: no redirect, a warning says why; the root stays valid.
			if r := route(vhost(g, false, "d.com"), "/"); r == nil || r.HTTPSRedirect {
				t.Errorf("insecure route: %+v", r)
			}
			if d := hasDiag(g.Diagnostics(), SeverityWarning, "wildcard"); d == nil {
				t.Errorf("no warning naming the secret in %v", g.Diagnostics())
			}
			if st := mustStatus(t, g, "default", "root"); st.State != StateValid {
				t.Errorf("%v", st)
			}
		})
	}
}

func TestNotATLSSecret(t *testing.T) {
	yaml := svcWeb + `---
apiVersion: v1
kind: Secret
metadata: {name: tls, namespace: default}
type: Opaque
data: {tls.crt: eA==}
` + `---
apiVersion: contour.heptio.com/v1beta1
kind: IngressRoute
metadata: {name: root, namespace: default}
spec:
  virtualhost: {fqdn: s.com, tls: {secretName: tls}}
  routes:
  - match: /
    services: [{name: web, port: 80}]
`
	g := resolve(t, yaml, nil)
	if v := vhost(g, true, "s.com"); v != nil {
		t.Errorf("secure vhost without a usable secret: %+v", v)
	}
	if len(g.DiagnosticsOf(SeverityWarning)) == 0 {
		t.Errorf("expected a warning: %v", g.Diagnostics())
	}
}

func TestInvalidRoutes(t *testing.T) {
	for _, tc := range []struct {
		name   string
		routes string
		want   string
	}{
		{"services and delegate", `  - match: /blog
    services: [{name: web, port: 80}]
    delegate: {name: other}
`, `route "/blog": cannot specify services and delegate in the same route`},
		{"prefix mismatch", `  - match: /other
    services: [{name: web, port: 80}]
`, `the path prefix "/other" does not match the parent's path prefix "/blog"`},
		{"prefix without slash boundary", `  - match: /blogger
    services: [{name: web, port: 80}]
`, `the path prefix "/blogger" does not match the parent's path prefix "/blog"`},
		{"port range", `  - match: /blog
    services: [{name: web, port: 70000}]
`, `route "/blog": service "web": port must be in the range 1-65535`},
		{"negative weight", `  - match: /blog
    services: [{name: web, port: 80, weight: -1}]
`, `route "/blog": service "web": weight must be greater than or equal to zero`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			yaml := svcWeb + irRoot("default", "root", "example.com", `  - match: /
    services: [{name: web, port: 80}]
  - match: /blog
    delegate: {name: child}
`) + irChild("default", "child", tc.routes)
			g := resolve(t, yaml, nil)
			st := mustStatus(t, g, "default", "child")
			if st.State != StateInvalid || st.Description != tc.want {
				t.Errorf("got %v\nwant invalid: %s", st, tc.want)
			}
			if !reflect.DeepEqual(st.VirtualHosts, []string{"example.com"}) {
				t.Errorf("vhosts: %q", st.VirtualHosts)
			}
			if st.Line == 0 || st.File != "test.yaml" {
				t.Errorf("status position: %+v", st.Position)
			}
			// Atomicity: the invalid child contributes no routes.
			v := vhost(g, false, "example.com")
			for _, r := range v.Routes {
				if r.Source.Name == "child" {
					t.Errorf("route of the invalid child published: %+v", r)
				}
			}
			if st := mustStatus(t, g, "default", "root"); st.State != StateValid {
				t.Errorf("root: %v", st)
			}
		})
	}
}

func TestDelegationCycle(t *testing.T) {
	yaml := svcWeb + irRoot("default", "root", "example.com", `  - match: /
    delegate: {name: a}
`) + irChild("default", "a", `  - match: /
    delegate: {name: b}
`) + irChild("default", "b", `  - match: /
    delegate: {name: a}
`)
	g := resolve(t, yaml, nil)
	st := mustStatus(t, g, "default", "b")
	// The path starts at the root, as in Contour.
	want := "route creates a delegation cycle: default/root -> default/a -> default/b -> default/a"
	if st.State != StateInvalid || st.Description != want {
		t.Errorf("got %v\nwant %s", st, want)
	}
}

func TestOrphanAndMissingDelegate(t *testing.T) {
	yaml := svcWeb + irRoot("default", "root", "example.com", `  - match: /
    services: [{name: web, port: 80}]
  - match: /gone
    delegate: {name: gone}
`) + irChild("default", "orphan", `  - match: /
    services: [{name: web, port: 80}]
`)
	g := resolve(t, yaml, nil)
	st := mustStatus(t, g, "default", "orphan")
	if st.State != StateOrphaned ||
		st.Description != "this IngressRoute is not part of a delegation chain from a root IngressRoute" ||
		len(st.VirtualHosts) != 0 {
		t.Errorf("orphan: %v %q", st, st.VirtualHosts)
	}
	if st := mustStatus(t, g, "default", "root"); st.State != StateValid {
		t.Errorf("root with a missing delegate stays valid: %v", st)
	}
	d := hasDiag(g.Diagnostics(), SeverityWarning, "gone")
	if d == nil {
		t.Fatalf("no warning about the missing delegate: %v", g.Diagnostics())
	}
	if d.Object != (ObjectRef{KindIngressRoute, "default", "root"}) || d.File != "test.yaml" || d.Line == 0 {
		t.Errorf("warning identity/position: %+v", d)
	}
	if _, err := g.Status("default", "gone"); !errorsIs(err, ErrNotFound) {
		t.Errorf("Status of a missing object: %v", err)
	}
	if len(g.Statuses()) != 2 {
		t.Errorf("statuses: %v", g.Statuses())
	}
}

func TestMissingServiceAndPort(t *testing.T) {
	yaml := svcWeb + irRoot("default", "root", "example.com", `  - match: /
    services: [{name: nope, port: 80}]
  - match: /port
    services: [{name: web, port: 81}]
  - match: /named
    services: [{name: web, port: 9000}]
`)
	g := resolve(t, yaml, nil)
	v := vhost(g, false, "example.com")
	if r := route(v, "/"); r == nil || len(r.Clusters) != 0 {
		t.Errorf("route to a missing service: %+v", r)
	}
	if r := route(v, "/port"); r == nil || len(r.Clusters) != 0 {
		t.Errorf("route to a missing port: %+v", r)
	}
	if r := route(v, "/named"); r == nil || len(r.Clusters) != 1 || r.Clusters[0].PortName != "grpc" {
		t.Errorf("route to port 9000: %+v", r)
	}
	if n := g.DiagnosticCount(SeverityWarning); n < 2 {
		t.Errorf("want a warning per missing service/port, got %v", g.Diagnostics())
	}
	if st := mustStatus(t, g, "default", "root"); st.State != StateValid {
		t.Errorf("%v", st)
	}
}

func TestDelegateToRoot(t *testing.T) {
	yaml := svcWeb + irRoot("default", "a", "a.com", `  - match: /
    delegate: {name: b}
`) + irRoot("default", "b", "b.com", `  - match: /
    services: [{name: web, port: 80}]
`)
	g := resolve(t, yaml, nil)
	st := mustStatus(t, g, "default", "b")
	if st.State != StateValid || !reflect.DeepEqual(st.VirtualHosts, []string{"a.com", "b.com"}) {
		t.Errorf("%v %q", st, st.VirtualHosts)
	}
	if r := route(vhost(g, false, "a.com"), "/"); r == nil || r.Source.Name != "b" {
		t.Errorf("a.com / : %+v", r)
	}
}

func TestRouteOptionsAndHealthChecks(t *testing.T) {
	yaml := svcWeb + `---
apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: default
  annotations:
    contour.heptio.com/max-connections: "100"
    contour.heptio.com/max-pending-requests: "101"
    contour.heptio.com/max-requests: "102"
    contour.heptio.com/max-retries: "103"
    contour.heptio.com/upstream-protocol.h2c: "80"
spec: {ports: [{name: http, port: 80}]}
` + irRoot("default", "root", "example.com", `  - match: /api
    enableWebsockets: true
    prefixRewrite: /
    timeoutPolicy: {request: 1m30s}
    retryPolicy: {count: 0, perTryTimeout: 250ms}
    services:
    - name: api
      port: 80
      strategy: WeightedLeastRequest
      healthCheck: {path: /healthz}
  - match: /inf
    timeoutPolicy: {request: infinity}
    retryPolicy: {count: 4}
    services:
    - name: web
      port: 80
      healthCheck: {path: /hc, host: h.com, intervalSeconds: 3, timeoutSeconds: 4, unhealthyThresholdCount: 5, healthyThresholdCount: 6}
  - match: /bad
    timeoutPolicy: {request: soon}
    services: [{name: web, port: 80}]
`)
	g := resolve(t, yaml, nil)
	v := vhost(g, false, "example.com")
	api := route(v, "/api")
	if api == nil {
		t.Fatalf("no /api route: %+v", v)
	}
	if !api.Websocket || api.PrefixRewrite == nil || *api.PrefixRewrite != "/" ||
		api.TimeoutMS == nil || *api.TimeoutMS != 90000 {
		t.Errorf("/api options: %+v", api)
	}
	if !reflect.DeepEqual(api.Retry, &Retry{On: "5xx", NumRetries: 1, PerTryTimeoutMS: 250}) {
		t.Errorf("/api retry: %+v", api.Retry)
	}
	want := Cluster{Namespace: "default", Service: "api", Port: 80, PortName: "http",
		Strategy: "WeightedLeastRequest", Protocol: "h2c",
		HealthCheck: &HealthCheck{Path: "/healthz", Host: "contour-envoy-healthcheck",
			IntervalSeconds: 10, TimeoutSeconds: 2, UnhealthyThreshold: 3, HealthyThreshold: 2},
		MaxConnections: 100, MaxPendingRequests: 101, MaxRequests: 102, MaxRetries: 103}
	if len(api.Clusters) != 1 || !reflect.DeepEqual(api.Clusters[0], want) {
		t.Errorf("/api cluster:\n got %+v\nwant %+v", api.Clusters, want)
	}
	inf := route(v, "/inf")
	if inf == nil || inf.TimeoutMS == nil || *inf.TimeoutMS != -1 ||
		!reflect.DeepEqual(inf.Retry, &Retry{On: "5xx", NumRetries: 4}) {
		t.Errorf("/inf: %+v", inf)
	}
	if hc := inf.Clusters[0].HealthCheck; !reflect.DeepEqual(hc, &HealthCheck{"/hc", "h.com", 3, 4, 5, 6}) {
		t.Errorf("/inf health check: %+v", hc)
	}
	bad := route(v, "/bad")
	if bad == nil || bad.TimeoutMS == nil || *bad.TimeoutMS != -1 {
		t.Errorf("unparsable timeout is infinity: %+v", bad)
	}
	if hasDiag(g.DiagnosticsOf(SeverityWarning), SeverityWarning, "soon") == nil {
		t.Errorf("no warning about the unparsable timeout: %v", g.Diagnostics())
	}
}

func TestTCPProxy(t *testing.T) {
	yaml := svcWeb + secretTLS + `---
apiVersion: contour.heptio.com/v1beta1
kind: IngressRoute
metadata: {name: tcp, namespace: default}
spec:
  virtualhost: {fqdn: tcp.com, tls: {secretName: tls}}
  tcpproxy:
    services: [{name: web, port: 9000}]
  routes:
  - match: /ignored
    services: [{name: web, port: 70000}]
---
apiVersion: contour.heptio.com/v1beta1
kind: IngressRoute
metadata: {name: pass, namespace: default}
spec:
  virtualhost: {fqdn: pass.com, tls: {passthrough: true}}
  tcpproxy:
    delegate: {name: backend}
---
apiVersion: contour.heptio.com/v1beta1
kind: IngressRoute
metadata: {name: backend, namespace: default}
spec:
  tcpproxy:
    services: [{name: web, port: 80}]
---
apiVersion: contour.heptio.com/v1beta1
kind: IngressRoute
metadata: {name: both, namespace: default}
spec:
  virtualhost: {fqdn: both.com, tls: {secretName: tls}}
  tcpproxy:
    services: [{name: web, port: 80}]
    delegate: {name: backend}
---
apiVersion: contour.heptio.com/v1beta1
kind: IngressRoute
metadata: {name: missing, namespace: default}
spec:
  virtualhost: {fqdn: missing.com, tls: {secretName: tls}}
  tcpproxy:
    services: [{name: nope, port: 80}]
`
	g := resolve(t, yaml, nil)
	v := vhost(g, true, "tcp.com")
	if v == nil || v.TCPProxy == nil || len(v.TCPProxy.Clusters) != 1 || v.TCPProxy.Clusters[0].Port != 9000 ||
		len(v.Routes) != 0 {
		t.Fatalf("tcp.com: %+v", v)
	}
	if st := mustStatus(t, g, "default", "tcp"); st.State != StateValid {
		t.Errorf("routes of a tcpproxy root are not checked: %v", st)
	}
	p := vhost(g, true, "pass.com")
	if p == nil || p.TLS == nil || !p.TLS.Passthrough || p.TLS.Secret != nil || p.TLS.MinProtocolVersion != "1.1" ||
		p.TCPProxy == nil || len(p.TCPProxy.Clusters) != 1 || p.TCPProxy.Clusters[0].Port != 80 {
		t.Errorf("pass.com: %+v", p)
	}
	if st := mustStatus(t, g, "default", "backend"); st.State != StateValid ||
		!reflect.DeepEqual(st.VirtualHosts, []string{"pass.com"}) {
		t.Errorf("backend: %v %q", st, st.VirtualHosts)
	}
	if st := mustStatus(t, g, "default", "both"); st.State != StateInvalid ||
		st.Description != "tcpproxy: cannot specify services and delegate in the same tcpproxy" {
		t.Errorf("both: %v", st)
	}
	if st := mustStatus(t, g, "default", "missing"); st.State != StateInvalid ||
		st.Description != "tcpproxy: service default/nope/80: not found" {
		t.Errorf("missing: %v", st)
	}
}

func TestIngress(t *testing.T) {
	yaml := svcWeb + secretTLS + `---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ing
  namespace: default
  annotations:
    ingress.kubernetes.io/force-ssl-redirect: "true"
    contour.heptio.com/request-timeout: 2s
    contour.heptio.com/retry-on: gateway-error
    contour.heptio.com/num-retries: "7"
    contour.heptio.com/websocket-routes: /ws
spec:
  defaultBackend: {service: {name: web, port: {number: 80}}}
  tls:
  - hosts: [ing.com]
    secretName: tls
  rules:
  - host: ing.com
    http:
      paths:
      - path: /exact
        pathType: Exact
        backend: {service: {name: web, port: {name: grpc}}}
      - path: /ws
        pathType: Prefix
        backend: {service: {name: web, port: {number: 80}}}
  - host: nohttp.com
---
apiVersion: extensions/v1beta1
kind: Ingress
metadata:
  name: old
  namespace: default
  annotations: {kubernetes.io/ingress.allow-http: "false"}
spec:
  tls: [{hosts: [old.com], secretName: tls}]
  rules:
  - host: old.com
    http:
      paths:
      - backend: {serviceName: web, servicePort: "80"}
`
	g := resolve(t, yaml, nil)
	star := vhost(g, false, "*")
	if r := route(star, "/"); r == nil || r.Source != (ObjectRef{KindIngress, "default", "ing"}) {
		t.Errorf("default backend: %+v", star)
	}
	iv := vhost(g, false, "ing.com")
	if iv == nil || len(iv.Routes) != 2 {
		t.Fatalf("ing.com insecure: %+v", iv)
	}
	if iv.Routes[0].MatchType != MatchExact || iv.Routes[0].Path != "/exact" {
		t.Errorf("exact before prefix: %+v", iv.Routes)
	}
	if c := iv.Routes[0].Clusters; len(c) != 1 || c[0].Port != 9000 || c[0].PortName != "grpc" {
		t.Errorf("named port: %+v", c)
	}
	ws := route(iv, "/ws")
	if ws == nil || !ws.HTTPSRedirect || !ws.Websocket || ws.TimeoutMS == nil || *ws.TimeoutMS != 2000 ||
		!reflect.DeepEqual(ws.Retry, &Retry{On: "gateway-error", NumRetries: 7}) {
		t.Errorf("/ws: %+v %+v", ws, ws.Retry)
	}
	if v := vhost(g, true, "ing.com"); v == nil || v.TLS == nil || v.TLS.Secret.Name != "tls" {
		t.Errorf("ing.com secure: %+v", v)
	}
	if v := vhost(g, false, "nohttp.com"); v != nil {
		t.Errorf("a rule without http gives no routes: %+v", v)
	}
	if v := vhost(g, false, "old.com"); v != nil {
		t.Errorf("allow-http false: %+v", v)
	}
	if v := vhost(g, true, "old.com"); v == nil || route(v, "/") == nil || route(v, "/").HTTPSRedirect {
		t.Errorf("old.com secure: %+v", v)
	}
	if len(g.Statuses()) != 0 {
		t.Errorf("Ingresses get no status: %v", g.Statuses())
	}
}

func TestIngressRouteBeatsIngress(t *testing.T) {
	yaml := svcWeb + irRoot("default", "root", "x.com", "  - match: /\n    services: [{name: web, port: 80}]\n") + `---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ing, namespace: default}
spec:
  rules:
  - host: x.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
`
	g := resolve(t, yaml, nil)
	r := route(vhost(g, false, "x.com"), "/")
	if r == nil || r.Source.Kind != KindIngressRoute {
		t.Errorf("IngressRoute must win: %+v", r)
	}
	if d := hasDiag(g.Diagnostics(), SeverityWarning, ""); d == nil {
		t.Errorf("the losing Ingress gets a warning: %v", g.Diagnostics())
	}
}

func TestIngressClass(t *testing.T) {
	yaml := svcWeb + `---
apiVersion: contour.heptio.com/v1beta1
kind: IngressRoute
metadata:
  name: other
  namespace: default
  annotations: {kubernetes.io/ingress.class: nginx}
spec:
  virtualhost: {fqdn: other.com}
  routes:
  - match: /
    services: [{name: web, port: 80}]
` + irRoot("default", "mine", "mine.com", "  - match: /\n    services: [{name: web, port: 80}]\n")
	g := resolve(t, yaml, nil)
	if _, err := g.Status("default", "other"); !errorsIs(err, ErrNotFound) {
		t.Errorf("an object of another class gets no status: %v", err)
	}
	if vhost(g, false, "other.com") != nil || vhost(g, false, "mine.com") == nil {
		t.Errorf("vhosts: %+v", g.Listeners())
	}
	if len(g.DiagnosticsOf(SeverityInfo)) == 0 {
		t.Errorf("expected an info diagnostic: %v", g.Diagnostics())
	}
	// Serving class nginx flips it.
	s := load(t, yaml, nil)
	g2, err := s.Resolve(&Config{IngressClass: "nginx"})
	if err != nil {
		t.Fatal(err)
	}
	defer g2.Close()
	if _, err := g2.Status("default", "other"); err != nil {
		t.Errorf("class nginx: %v", err)
	}
	if _, err := g2.Status("default", "mine"); err != nil {
		t.Errorf("an object without class is served by any class: %v", err)
	}
}

func TestPorts(t *testing.T) {
	yaml := svcWeb + secretTLS + `---
apiVersion: contour.heptio.com/v1beta1
kind: IngressRoute
metadata: {name: root, namespace: default}
spec:
  virtualhost: {fqdn: p.com, tls: {secretName: tls}}
  routes:
  - match: /
    services: [{name: web, port: 80}]
`
	s := load(t, yaml, nil)
	g, err := s.Resolve(&Config{HTTPPort: 8080, HTTPSPort: 8443})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	ls := g.Listeners()
	if len(ls) != 2 || ls[0].Port != 8080 || ls[1].Port != 8443 {
		t.Errorf("ports: %+v", ls)
	}
	if _, err := s.Resolve(&Config{HTTPPort: 443}); !errorsIs(err, ErrInvalid) {
		t.Errorf("equal ports must be invalid: %v", err)
	}
}

func TestDefaultNamespace(t *testing.T) {
	s := load(t, "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}\n",
		&Config{DefaultNamespace: "fallback"})
	if _, err := s.Find(KindService, "fallback", "web"); err != nil {
		t.Errorf("Find: %v", err)
	}
}

func TestDiagnosticsWithPositions(t *testing.T) {
	yaml := `apiVersion: contour.heptio.com/v1beta1
kind: IngressRoute
metadata: {name: r, namespace: default}
spec:
  routes:
  - match: /
    services:
    - name: web
      port: 80
      permitInsecure: true
---
apiVersion: v1
kind: Service
metadata: {name: broken
---
apiVersion: v1
kind: Service
metadata: {namespace: default}
spec: {ports: [{port: 80}]}
`
	s := load(t, yaml, nil)
	ds := s.Diagnostics()
	unknown := hasDiag(ds, SeverityWarning, "permitInsecure")
	if unknown == nil {
		t.Fatalf("no unknown-field warning: %v", ds)
	}
	if unknown.Code != "unknown-field" || unknown.File != "test.yaml" || unknown.Line != 10 || unknown.Column != 7 ||
		unknown.Field == "" || unknown.Object != (ObjectRef{KindIngressRoute, "default", "r"}) {
		t.Errorf("unknown field: %+v", *unknown)
	}
	if !strings.HasPrefix(unknown.String(), "test.yaml:10:7: warning: ") || !strings.HasSuffix(unknown.String(), "[default/r]") {
		t.Errorf("String: %s", unknown)
	}
	errs := errorsOnly(ds)
	if len(errs) < 2 || s.ErrorCount() != len(errs) {
		t.Fatalf("want a syntax error and a missing name: %v", ds)
	}
	for _, d := range errs {
		if d.File != "test.yaml" || d.Line < 12 || d.Column == 0 || d.Code == "" {
			t.Errorf("error position: %+v", d)
		}
	}
	// The valid object loaded despite the bad documents, and the warning is on it.
	o, err := s.Find(KindIngressRoute, "default", "r")
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Diagnostics) != 1 || o.Diagnostics[0] != *unknown {
		t.Errorf("object diagnostics: %v", o.Diagnostics)
	}
	// Resolution carries the load diagnostics.
	g, err := s.Resolve(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if g.DiagnosticCount(SeverityError) != len(errs) {
		t.Errorf("graph errors: %v", g.DiagnosticsOf(SeverityError))
	}
}

func TestObjects(t *testing.T) {
	yaml := svcWeb + secretTLS + `---
apiVersion: contour.heptio.com/v1beta1
kind: IngressRoute
metadata:
  name: root
  namespace: default
  annotations: {b: "2", a: "1"}
spec:
  virtualhost:
    fqdn: o.com
    tls: {secretName: certs/tls, minimumProtocolVersion: "1.2"}
  routes:
  - match: /
    permitInsecure: true
    prefixRewrite: /x
    timeoutPolicy: {request: 5s}
    retryPolicy: {count: 2, perTryTimeout: 1s}
    services:
    - {name: web, port: 80, weight: 3, strategy: Random, healthCheck: {path: /h, intervalSeconds: 7}}
  - match: /d
    delegate: {name: child, namespace: other}
  tcpproxy:
    delegate: {name: t}
---
apiVersion: contour.heptio.com/v1beta1
kind: TLSCertificateDelegation
metadata: {name: d, namespace: default}
spec:
  delegations:
  - secretName: tls
    targetNamespaces: [a, "*"]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ing, namespace: default}
spec:
  ingressClassName: contour
  defaultBackend: {service: {name: web, port: {name: http}}}
  tls: [{hosts: [a.com, b.com], secretName: tls}]
  rules:
  - host: a.com
    http:
      paths:
      - {path: /p, pathType: Exact, backend: {service: {name: web, port: {number: 80}}}}
      - {path: /r, pathType: Prefix, backend: {resource: {kind: Bucket, name: b}}}
  - host: b.com
`
	s := load(t, yaml, nil)
	if n := s.Len(KindService); n != 1 {
		t.Errorf("Len(Service) = %d", n)
	}
	irs := s.Objects(KindIngressRoute)
	if len(irs) != 1 {
		t.Fatalf("IngressRoutes: %+v", irs)
	}
	ir := irs[0]
	if ir.Kind != KindIngressRoute || ir.APIVersion != "contour.heptio.com/v1beta1" || ir.Namespace != "default" ||
		ir.Name != "root" || ir.File != "test.yaml" || ir.Line == 0 || ir.Column == 0 {
		t.Errorf("identity: %+v", ir)
	}
	if !reflect.DeepEqual(ir.Annotations, []Annotation{{"b", "2"}, {"a", "1"}}) {
		t.Errorf("annotations in written order: %+v", ir.Annotations)
	}
	if v, ok := ir.Annotation("a"); !ok || v != "1" {
		t.Errorf("Annotation(a) = %q %v", v, ok)
	}
	if ir.Ingress != nil || ir.Service != nil || ir.Secret != nil || ir.TLSCertificateDelegation != nil {
		t.Errorf("only the IngressRoute spec is set")
	}
	want := &IngressRouteSpec{
		VirtualHost: &IRVirtualHost{FQDN: "o.com", TLS: &IRTLS{SecretName: "certs/tls", MinimumProtocolVersion: "1.2"}},
		Routes: []IRRoute{
			{Match: "/", PermitInsecure: true, PrefixRewrite: "/x",
				TimeoutPolicy: &IRTimeoutPolicy{Request: "5s"},
				RetryPolicy:   &IRRetryPolicy{Count: 2, PerTryTimeout: "1s"},
				Services: []IRService{{Name: "web", Port: 80, Weight: 3, Strategy: "Random",
					HealthCheck: &IRHealthCheck{Path: "/h", IntervalSeconds: 7}}}},
			{Match: "/d", Delegate: &IRDelegate{Name: "child", Namespace: "other"}},
		},
		TCPProxy: &IRTCPProxy{Delegate: &IRDelegate{Name: "t"}},
	}
	if !reflect.DeepEqual(ir.IngressRoute, want) {
		t.Errorf("IngressRoute spec:\n got %+v\nwant %+v", ir.IngressRoute, want)
	}

	d, err := s.Find(KindTLSCertificateDelegation, "default", "d")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d.TLSCertificateDelegation, &TLSCertificateDelegationSpec{
		Delegations: []CertificateDelegation{{SecretName: "tls", TargetNamespaces: []string{"a", "*"}}}}) {
		t.Errorf("delegation: %+v", d.TLSCertificateDelegation)
	}

	ing, err := s.Find(KindIngress, "default", "ing")
	if err != nil {
		t.Fatal(err)
	}
	wantIng := &IngressSpec{
		IngressClassName: "contour",
		DefaultBackend:   &IngressBackend{Service: "web", PortIsName: true, PortName: "http"},
		Rules: []IngressRule{
			{Host: "a.com", HasHTTP: true, Paths: []IngressPath{
				{Path: "/p", PathType: "Exact", Backend: &IngressBackend{Service: "web", PortNumber: 80}},
				{Path: "/r", PathType: "Prefix", Backend: &IngressBackend{Resource: true}},
			}},
			{Host: "b.com"},
		},
		TLS: []IngressTLS{{SecretName: "tls", Hosts: []string{"a.com", "b.com"}}},
	}
	if !reflect.DeepEqual(ing.Ingress, wantIng) {
		t.Errorf("Ingress spec:\n got %+v\nwant %+v", ing.Ingress, wantIng)
	}

	svc, err := s.Find(KindService, "default", "web")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(svc.Service, &ServiceSpec{Ports: []ServicePort{{"http", 80}, {"grpc", 9000}}}) {
		t.Errorf("Service: %+v", svc.Service)
	}
	sec, err := s.Find(KindSecret, "default", "tls")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(sec.Secret, &SecretSpec{Type: "kubernetes.io/tls",
		Keys: []SecretKey{{"tls.crt", true}, {"tls.key", true}}, IsTLS: true}) {
		t.Errorf("Secret: %+v", sec.Secret)
	}

	if _, err := s.Find(KindService, "default", "nope"); !errorsIs(err, ErrNotFound) {
		t.Errorf("Find missing: %v", err)
	}
	if _, err := s.Find(Kind(42), "default", "web"); !errorsIs(err, ErrInvalid) {
		t.Errorf("Find bad kind: %v", err)
	}
	if s.Objects(Kind(42)) != nil || s.Objects(KindNone) != nil {
		t.Errorf("Objects of an unknown kind")
	}
}

func TestRemoveAndReplace(t *testing.T) {
	yaml := svcWeb + irRoot("default", "root", "r.com", "  - match: /\n    delegate: {name: child}\n") +
		irChild("default", "child", "  - match: /\n    services: [{name: web, port: 80}]\n")
	s := load(t, yaml, nil)
	g1, err := s.Resolve(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer g1.Close()
	json1, _ := g1.JSON()
	if err := s.Remove(KindIngressRoute, "default", "child"); err != nil {
		t.Fatal(err)
	}
	if err := s.Remove(KindIngressRoute, "default", "child"); !errorsIs(err, ErrNotFound) {
		t.Errorf("second Remove: %v", err)
	}
	if err := s.LoadBytes("update", []byte(irChild("default", "child",
		"  - match: /\n    services: [{name: web, port: 0}]\n"))); err != nil {
		t.Fatal(err)
	}
	g2, err := s.Resolve(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer g2.Close()
	st := mustStatus(t, g2, "default", "child")
	if st.State != StateInvalid || st.File != "update" {
		t.Errorf("replaced child: %v at %v", st, st.Position)
	}
	if hasDiag(s.Diagnostics(), SeverityWarning, "duplicate") != nil {
		t.Errorf("remove then load gives no duplicate warning: %v", s.Diagnostics())
	}
	// The earlier graph is unchanged.
	json1b, _ := g1.JSON()
	if string(json1) != string(json1b) {
		t.Errorf("earlier graph changed")
	}
	if st := mustStatus(t, g1, "default", "child"); st.State != StateValid {
		t.Errorf("earlier graph: %v", st)
	}
}
