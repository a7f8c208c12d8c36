package contour

import (
	"fmt"
	"strings"
)

// genCluster writes a synthetic multi-team cluster of about n objects (a multiple of 20)
// as one multi-document YAML stream. It is deterministic.
//
// Each team namespace holds a unit of 20 objects:
//   - 6 Services (one with circuit-breaker annotations, one with an h2c upstream port),
//   - 3 Secrets (a TLS secret, a TLS secret delegated to the next team, an Opaque one),
//   - 1 TLSCertificateDelegation,
//   - 7 IngressRoutes: a TLS root delegating through a chain of depth 4
//     (root → api → v1 → users → leaf), a second root (using the next team's delegated
//     secret) that shares the chain's "v1" child, and an orphan,
//   - 3 Ingresses (15%): extensions/v1beta1 with a default backend, networking.k8s.io/v1
//     with an Exact path and a named port, and one with TLS and annotations.
//
// A few percent are broken: every 10th unit has a port out of range, every 17th a
// delegation cycle, every 23rd a route to a missing Service, every 29th an unknown field,
// every 31st a document without a name (an error diagnostic).
func genCluster(n int) []byte {
	units := n / 20
	if units < 1 {
		units = 1
	}
	var b strings.Builder
	b.Grow(units * 9000)
	for u := 0; u < units; u++ {
		genUnit(&b, u, units)
	}
	return []byte(b.String())
}

func genUnit(b *strings.Builder, u, units int) {
	ns := fmt.Sprintf("team-%d", u)
	next := fmt.Sprintf("team-%d", (u+1)%units)
	doc := func(format string, args ...any) {
		b.WriteString("---\n")
		fmt.Fprintf(b, format, args...)
	}

	// Services.
	for i, name := range []string{"web", "api", "users", "static", "grpc", "admin"} {
		ann := ""
		switch i {
		case 1:
			ann = "  annotations:\n    contour.heptio.com/max-connections: \"100\"\n" +
				"    contour.heptio.com/max-requests: \"200\"\n"
		case 4:
			ann = "  annotations:\n    contour.heptio.com/upstream-protocol.h2c: \"grpc\"\n"
		}
		doc("apiVersion: v1\nkind: Service\nmetadata:\n  name: %s\n  namespace: %s\n%s"+
			"spec:\n  ports:\n  - name: http\n    port: 80\n  - name: grpc\n    port: 9000\n", name, ns, ann)
	}

	// Secrets.
	doc("apiVersion: v1\nkind: Secret\nmetadata:\n  name: tls\n  namespace: %s\n"+
		"type: kubernetes.io/tls\ndata:\n  tls.crt: Y2VydA==\n  tls.key: a2V5\n", ns)
	doc("apiVersion: v1\nkind: Secret\nmetadata:\n  name: shared-tls\n  namespace: %s\n"+
		"type: kubernetes.io/tls\ndata:\n  tls.crt: Y2VydA==\n  tls.key: a2V5\n", ns)
	doc("apiVersion: v1\nkind: Secret\nmetadata:\n  name: opaque\n  namespace: %s\n"+
		"type: Opaque\nstringData:\n  password: hunter2\n", ns)
	doc("apiVersion: contour.heptio.com/v1beta1\nkind: TLSCertificateDelegation\n"+
		"metadata:\n  name: delegation\n  namespace: %s\nspec:\n  delegations:\n"+
		"  - secretName: shared-tls\n    targetNamespaces:\n    - %s\n", ns, next)

	// IngressRoutes: root → api → v1 → users → leaf.
	doc("apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\nmetadata:\n  name: root\n"+
		"  namespace: %s\nspec:\n  virtualhost:\n    fqdn: %s.example.com\n    tls:\n"+
		"      secretName: tls\n      minimumProtocolVersion: \"1.2\"\n  routes:\n"+
		"  - match: /\n    services:\n    - name: web\n      port: 80\n"+
		"  - match: /static\n    permitInsecure: true\n    services:\n    - name: static\n      port: 80\n"+
		"      strategy: Cookie\n"+
		"  - match: /api\n    delegate:\n      name: api\n", ns, ns)
	port := 80
	if u%10 == 9 {
		port = 70000
	}
	doc("apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\nmetadata:\n  name: api\n"+
		"  namespace: %s\nspec:\n  routes:\n  - match: /api\n    services:\n    - name: api\n"+
		"      port: %d\n      weight: 90\n    - name: api\n      port: 9000\n      weight: 10\n"+
		"    timeoutPolicy:\n      request: 30s\n    retryPolicy:\n      count: 3\n      perTryTimeout: 150ms\n"+
		"  - match: /api/v1\n    delegate:\n      name: v1\n", ns, port)
	doc("apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\nmetadata:\n  name: v1\n"+
		"  namespace: %s\nspec:\n  routes:\n  - match: /api/v1\n    enableWebsockets: true\n"+
		"    services:\n    - name: grpc\n      port: 9000\n"+
		"  - match: /api/v1/users\n    delegate:\n      name: users\n", ns)
	missing := "users"
	if u%23 == 22 {
		missing = "no-such-service"
	}
	doc("apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\nmetadata:\n  name: users\n"+
		"  namespace: %s\nspec:\n  routes:\n  - match: /api/v1/users\n    prefixRewrite: /users\n"+
		"    services:\n    - name: %s\n      port: 80\n"+
		"  - match: /api/v1/users/admin\n    delegate:\n      name: leaf\n", ns, missing)
	leafTail := "    services:\n    - name: admin\n      port: 80\n      healthCheck:\n" +
		"        path: /healthz\n        intervalSeconds: 5\n"
	if u%17 == 16 {
		leafTail = "    delegate:\n      name: api\n"
	}
	unknown := ""
	if u%29 == 28 {
		unknown = "  colour: blue\n"
	}
	doc("apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\nmetadata:\n  name: leaf\n"+
		"  namespace: %s\nspec:\n%s  routes:\n  - match: /api/v1/users/admin\n%s", ns, unknown, leafTail)
	// A second root, with the next team's delegated secret, sharing the v1 child.
	doc("apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\nmetadata:\n  name: mobile\n"+
		"  namespace: %s\nspec:\n  virtualhost:\n    fqdn: m.%s.example.com\n    tls:\n"+
		"      secretName: %s/shared-tls\n  routes:\n  - match: /\n    services:\n    - name: web\n"+
		"      port: 80\n  - match: /api/v1\n    delegate:\n      name: v1\n", ns, ns,
		fmt.Sprintf("team-%d", (u+units-1)%units))
	doc("apiVersion: contour.heptio.com/v1beta1\nkind: IngressRoute\nmetadata:\n  name: orphan\n"+
		"  namespace: %s\nspec:\n  routes:\n  - match: /old\n    services:\n    - name: web\n      port: 80\n", ns)

	// Ingresses.
	doc("apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: legacy\n  namespace: %s\n"+
		"spec:\n  backend:\n    serviceName: web\n    servicePort: 80\n  rules:\n"+
		"  - host: legacy.%s.example.com\n    http:\n      paths:\n      - path: /\n"+
		"        backend:\n          serviceName: static\n          servicePort: http\n", ns, ns)
	doc("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: exact\n  namespace: %s\n"+
		"spec:\n  rules:\n  - host: exact.%s.example.com\n    http:\n      paths:\n"+
		"      - path: /login\n        pathType: Exact\n        backend:\n          service:\n"+
		"            name: users\n            port:\n              name: http\n"+
		"      - path: /\n        pathType: Prefix\n        backend:\n          service:\n"+
		"            name: web\n            port:\n              number: 80\n", ns, ns)
	nameLine := "  name: secure\n"
	if u%31 == 30 {
		nameLine = ""
	}
	doc("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n%s  namespace: %s\n"+
		"  annotations:\n    ingress.kubernetes.io/force-ssl-redirect: \"true\"\n"+
		"    contour.heptio.com/request-timeout: 10s\n    contour.heptio.com/websocket-routes: /ws\n"+
		"spec:\n  tls:\n  - hosts:\n    - secure.%s.example.com\n    secretName: tls\n  rules:\n"+
		"  - host: secure.%s.example.com\n    http:\n      paths:\n      - path: /ws\n"+
		"        pathType: Prefix\n        backend:\n          service:\n            name: web\n"+
		"            port:\n              number: 80\n", nameLine, ns, ns, ns)
}
