package contour_test

import (
	"fmt"
	"log"

	contour "github.com/libcontour/libcontour/bindings/go"
)

const manifests = `
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  ports: [{name: http, port: 80}]
---
apiVersion: v1
kind: Secret
metadata: {name: tls, namespace: default}
type: kubernetes.io/tls
data: {tls.crt: Y2VydA==, tls.key: a2V5}
---
apiVersion: contour.heptio.com/v1beta1
kind: IngressRoute
metadata: {name: root, namespace: default}
spec:
  virtualhost:
    fqdn: example.com
    tls: {secretName: tls}
  routes:
  - match: /
    services: [{name: web, port: 80}]
  - match: /blog
    delegate: {name: blog}
---
apiVersion: contour.heptio.com/v1beta1
kind: IngressRoute
metadata: {name: blog, namespace: default}
spec:
  routes:
  - match: /blog
    services: [{name: web, port: 80, weight: 70000}]
  - match: /news
    services: [{name: web, port: 80}]
`

// Load manifests, resolve them, walk the route graph and print a status.
func Example() {
	snap, err := contour.LoadBytes("manifests.yaml", []byte(manifests), nil)
	if err != nil {
		log.Fatal(err)
	}
	defer snap.Close()

	graph, err := snap.Resolve(&contour.Config{RootNamespaces: []string{"default"}})
	if err != nil {
		log.Fatal(err)
	}
	defer graph.Close()

	for _, l := range graph.Listeners() {
		fmt.Printf("%s :%d\n", l.Name, l.Port)
		for _, v := range l.VirtualHosts {
			fmt.Printf("  %s\n", v.FQDN)
			for _, r := range v.Routes {
				fmt.Printf("    %s %s redirect=%v from %s\n", r.MatchType, r.Path, r.HTTPSRedirect, r.Source)
				for _, c := range r.Clusters {
					fmt.Printf("      -> %s/%s:%d (%s)\n", c.Namespace, c.Service, c.Port, c.PortName)
				}
			}
		}
	}

	st, err := graph.Status("default", "blog")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s is %s: %s (%s)\n", st.Ref(), st.State, st.Description, st.Position)
	// Output:
	// ingress_http :80
	//   example.com
	//     prefix / redirect=true from default/root
	//       -> default/web:80 (http)
	// ingress_https :443
	//   example.com
	//     prefix / redirect=false from default/root
	//       -> default/web:80 (http)
	// default/blog is invalid: the path prefix "/news" does not match the parent's path prefix "/blog" (manifests.yaml:34:12)
}

// Follow changes as a controller does: one source per object, an incremental
// resolution after each change, and what changed.
func ExampleSnapshot_ResolveUpdate() {
	snap, err := contour.NewSnapshot(nil)
	if err != nil {
		log.Fatal(err)
	}
	defer snap.Close()
	// Each object under a source named after it, as a watch would deliver it.
	objects := map[string]string{
		"Service/default/web": `{"apiVersion": "v1", "kind": "Service",
			"metadata": {"name": "web", "namespace": "default"}, "spec": {"ports": [{"port": 80}]}}`,
		"IngressRoute/default/root": `{"apiVersion": "contour.heptio.com/v1beta1", "kind": "IngressRoute",
			"metadata": {"name": "root", "namespace": "default"},
			"spec": {"virtualhost": {"fqdn": "example.com"},
				"routes": [{"match": "/", "services": [{"name": "web", "port": 80}]}]}}`,
	}
	for _, src := range []string{"Service/default/web", "IngressRoute/default/root"} {
		if err := snap.SetSource(src, []byte(objects[src])); err != nil {
			log.Fatal(err)
		}
	}
	prev, err := snap.ResolveUpdate(nil, nil) // no previous graph: a full resolution
	if err != nil {
		log.Fatal(err)
	}
	defer func() { prev.Close() }()

	// The Service is deleted.
	if err := snap.RemoveSource("Service/default/web"); err != nil {
		log.Fatal(err)
	}
	next, err := snap.ResolveUpdate(prev, nil)
	if err != nil {
		log.Fatal(err)
	}
	diff, err := contour.DiffGraphs(prev, next)
	if err != nil {
		log.Fatal(err)
	}
	for _, v := range diff.VirtualHosts {
		for _, r := range v.Routes {
			fmt.Printf("%s %s %s: %s, %d clusters\n", v.Listener, v.FQDN, r.Path, r.Change, len(r.New.Clusters))
		}
	}
	for _, d := range diff.AddedDiagnostics {
		fmt.Println("+", d.Message)
	}
	prev.Close()
	prev = next

	// Who uses the Service now that it is gone.
	refs, err := next.ReferencesTo(contour.KindService, "default", "web")
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range refs {
		fmt.Printf("%s %s route %q -> %s (missing: %v)\n", r.Type, r.From, r.Path, r.To, r.TargetMissing)
	}
	// Output:
	// ingress_http example.com /: changed, 0 clusters
	// + Service default/web not found; route "/" has no cluster for it
	// service default/root route "/" -> default/web (missing: true)
}
