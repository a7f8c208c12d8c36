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
