// Command contour-loadgen drives the controller's benchmark (../bench.sh): it creates a
// generated cluster through the API server, waits until the controller has written every
// IngressRoute's status, and measures how long each of a series of updates takes to get
// its status written.
//
//	contour-loadgen create --trees N [--namespaces M] [--workers W]
//	contour-loadgen wait   --trees N [--since UNIX_NANOS] [--timeout D]
//	contour-loadgen update --trees N --count C [--workers W] [--timeout D]
//
// A tree is 10 objects in namespace team-(t mod M): a root IngressRoute with TLS (its own
// Secret) delegating /a and /b, two children, a grandchild under /a/x, and five Services;
// every 25th grandchild has a prefix outside its parent's, so it is invalid. An update
// changes tree t's child b to match /z, which makes it invalid. Each command prints one
// JSON object on standard output.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/dynamic"
	restclient "k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
)

var (
	gvrIR        = schema.GroupVersionResource{Group: "contour.heptio.com", Version: "v1beta1", Resource: "ingressroutes"}
	gvrService   = schema.GroupVersionResource{Version: "v1", Resource: "services"}
	gvrSecret    = schema.GroupVersionResource{Version: "v1", Resource: "secrets"}
	gvrNamespace = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}
)

const (
	valid   = "valid IngressRoute"
	badLeaf = `the path prefix "/q" does not match the parent's path prefix "/a/x"`
	badB    = `the path prefix "/z" does not match the parent's path prefix "/b"`
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: contour-loadgen create|wait|update [flags]")
		os.Exit(2)
	}
	cmd := os.Args[1]
	fs := flag.NewFlagSet(cmd, flag.ExitOnError)
	kubeconfig := fs.String("kubeconfig", os.Getenv("KUBECONFIG"), "kubeconfig file")
	trees := fs.Int("trees", 1000, "trees of 10 objects")
	namespaces := fs.Int("namespaces", 100, "namespaces the trees are spread over")
	workers := fs.Int("workers", 8, "requests in flight")
	count := fs.Int("count", 1000, "updates (at most one per tree)")
	since := fs.Int64("since", 0, "wait: measure from this time (Unix nanoseconds; default now)")
	timeout := fs.Duration("timeout", 10*time.Minute, "give up after this long")
	fs.Parse(os.Args[2:])

	rest, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		fail(err)
	}
	rest.QPS, rest.Burst = 5000, 5000
	rest.UserAgent = "libcontour-loadgen"
	// The generated TLS Secrets hold no real certificate: the API server warns about each.
	rest.WarningHandler = restclient.NoWarnings{}
	dyn, err := dynamic.NewForConfig(rest)
	if err != nil {
		fail(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	g := gen{trees: *trees, namespaces: *namespaces}
	var res interface{}
	switch cmd {
	case "create":
		res, err = create(ctx, dyn, g, *workers)
	case "wait":
		start := time.Now()
		if *since != 0 {
			start = time.Unix(0, *since)
		}
		res, err = waitStatuses(ctx, dyn, g, start)
	case "update":
		if *count > *trees {
			fail(fmt.Errorf("--count %d is more than --trees %d", *count, *trees))
		}
		res, err = update(ctx, dyn, g, *count, *workers)
	default:
		fail(fmt.Errorf("unknown command %q", cmd))
	}
	if err != nil {
		fail(err)
	}
	json.NewEncoder(os.Stdout).Encode(res)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "contour-loadgen:", err)
	os.Exit(1)
}

// gen describes the generated cluster.
type gen struct{ trees, namespaces int }

func (g gen) ns(t int) string { return fmt.Sprintf("team-%03d", t%g.namespaces) }

type obj = map[string]interface{}

func meta(name, ns string) obj { return obj{"name": name, "namespace": ns} }

func svcRef(t, i int, weight int) obj {
	return obj{"name": fmt.Sprintf("svc-%d-%d", t, i), "port": 80, "weight": weight}
}

func route(match string, services ...obj) obj {
	list := make([]interface{}, len(services))
	for i := range services {
		list[i] = services[i]
	}
	return obj{"match": match, "services": list}
}

func delegate(match, name string) obj { return obj{"match": match, "delegate": obj{"name": name}} }

func ingressRoute(name, ns string, spec obj) obj {
	return obj{"apiVersion": "contour.heptio.com/v1beta1", "kind": "IngressRoute", "metadata": meta(name, ns), "spec": spec}
}

// leafBroken says whether tree t's grandchild is outside its parent's prefix.
func leafBroken(t int) bool { return t%25 == 24 }

// tree returns tree t's objects, each with its resource, and the statuses its
// IngressRoutes should get.
func (g gen) tree(t int) (objs []obj, gvrs []schema.GroupVersionResource, want map[string]string) {
	ns := g.ns(t)
	add := func(gvr schema.GroupVersionResource, o obj) { objs, gvrs = append(objs, o), append(gvrs, gvr) }
	add(gvrSecret, obj{"apiVersion": "v1", "kind": "Secret", "metadata": meta(fmt.Sprintf("tls-%d", t), ns),
		"type": "kubernetes.io/tls", "data": obj{"tls.crt": "eA==", "tls.key": "eA=="}})
	for i := 0; i < 5; i++ {
		add(gvrService, obj{"apiVersion": "v1", "kind": "Service", "metadata": meta(fmt.Sprintf("svc-%d-%d", t, i), ns),
			"spec": obj{"clusterIP": "None", "ports": []interface{}{obj{"name": "http", "port": 80}}}})
	}
	leafMatch := "/a/x"
	if leafBroken(t) {
		leafMatch = "/q"
	}
	add(gvrIR, ingressRoute(fmt.Sprintf("root-%d", t), ns, obj{
		"virtualhost": obj{"fqdn": fmt.Sprintf("t%d.example.com", t), "tls": obj{"secretName": fmt.Sprintf("tls-%d", t)}},
		"routes":      []interface{}{route("/", svcRef(t, 0, 0)), delegate("/a", fmt.Sprintf("child-%d-a", t)), delegate("/b", fmt.Sprintf("child-%d-b", t))}}))
	add(gvrIR, ingressRoute(fmt.Sprintf("child-%d-a", t), ns, obj{
		"routes": []interface{}{route("/a", svcRef(t, 1, 0)), delegate("/a/x", fmt.Sprintf("leaf-%d-ax", t))}}))
	add(gvrIR, ingressRoute(fmt.Sprintf("child-%d-b", t), ns, obj{"routes": []interface{}{route("/b", svcRef(t, 2, 0))}}))
	add(gvrIR, ingressRoute(fmt.Sprintf("leaf-%d-ax", t), ns, obj{
		"routes": []interface{}{route(leafMatch, svcRef(t, 3, 90), svcRef(t, 4, 10))}}))
	want = map[string]string{
		ns + "/root-" + fmt.Sprint(t):         valid,
		ns + "/child-" + fmt.Sprint(t) + "-a": valid,
		ns + "/child-" + fmt.Sprint(t) + "-b": valid,
		ns + "/leaf-" + fmt.Sprint(t) + "-ax": valid,
	}
	if leafBroken(t) {
		want[ns+"/leaf-"+fmt.Sprint(t)+"-ax"] = badLeaf
	}
	return objs, gvrs, want
}

// parallel runs f(0..n-1) on `workers` goroutines; the first error stops it.
func parallel(ctx context.Context, n, workers int, f func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || ctx.Err() != nil {
					return
				}
				if err := f(ctx, i); err != nil {
					cancel(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	return context.Cause(ctx)
}

type createResult struct {
	Objects       int     `json:"objects"`
	Seconds       float64 `json:"seconds"`
	PerSecond     float64 `json:"per_second"`
	IngressRoutes int     `json:"ingressroutes"`
}

// create makes the namespaces, then every tree's objects.
func create(ctx context.Context, dyn dynamic.Interface, g gen, workers int) (*createResult, error) {
	start := time.Now()
	for i := 0; i < g.namespaces && i < g.trees; i++ {
		ns := &unstructured.Unstructured{Object: obj{"apiVersion": "v1", "kind": "Namespace", "metadata": obj{"name": g.ns(i)}}}
		if _, err := dyn.Resource(gvrNamespace).Create(ctx, ns, metav1.CreateOptions{}); err != nil {
			return nil, err
		}
	}
	var n, irs atomic.Int64
	err := parallel(ctx, g.trees*10, workers, func(ctx context.Context, i int) error {
		objs, gvrs, _ := g.tree(i / 10)
		o, gvr := objs[i%10], gvrs[i%10]
		u := &unstructured.Unstructured{Object: o}
		if _, err := dyn.Resource(gvr).Namespace(u.GetNamespace()).Create(ctx, u, metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("creating %s %s/%s: %w", u.GetKind(), u.GetNamespace(), u.GetName(), err)
		}
		n.Add(1)
		if gvr == gvrIR {
			irs.Add(1)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s := time.Since(start).Seconds()
	return &createResult{Objects: int(n.Load()), Seconds: s, PerSecond: float64(n.Load()) / s, IngressRoutes: int(irs.Load())}, nil
}

// listStatuses returns "ns/name" -> status.description of every IngressRoute ("" without
// a status), and the list's resourceVersion.
func listStatuses(ctx context.Context, dyn dynamic.Interface) (map[string]string, string, error) {
	out := map[string]string{}
	opts := metav1.ListOptions{Limit: 1000}
	for {
		l, err := dyn.Resource(gvrIR).List(ctx, opts)
		if err != nil {
			return nil, "", err
		}
		for i := range l.Items {
			d, _, _ := unstructured.NestedString(l.Items[i].Object, "status", "description")
			out[l.Items[i].GetNamespace()+"/"+l.Items[i].GetName()] = d
		}
		if l.GetContinue() == "" {
			return out, l.GetResourceVersion(), nil
		}
		opts.Continue = l.GetContinue()
	}
}

type waitResult struct {
	Statuses int     `json:"statuses"`
	Seconds  float64 `json:"seconds"`
}

// waitStatuses polls until every IngressRoute has its expected status.
func waitStatuses(ctx context.Context, dyn dynamic.Interface, g gen, start time.Time) (*waitResult, error) {
	want := map[string]string{}
	for t := 0; t < g.trees; t++ {
		_, _, w := g.tree(t)
		for k, v := range w {
			want[k] = v
		}
	}
	for {
		got, _, err := listStatuses(ctx, dyn)
		if err != nil {
			return nil, err
		}
		missing := 0
		for k, v := range want {
			if got[k] != v {
				missing++
			}
		}
		if missing == 0 {
			return &waitResult{Statuses: len(want), Seconds: time.Since(start).Seconds()}, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("%d of %d statuses still not as expected", missing, len(want))
		case <-time.After(250 * time.Millisecond):
		}
	}
}

type updateResult struct {
	Updates        int     `json:"updates"`
	AcceptSeconds  float64 `json:"accept_seconds"`
	AcceptedPerSec float64 `json:"accepted_per_second"`
	StatusesSeen   int     `json:"statuses_seen"`
	MedianMS       float64 `json:"latency_median_ms"`
	P90MS          float64 `json:"latency_p90_ms"`
	P99MS          float64 `json:"latency_p99_ms"`
	MaxMS          float64 `json:"latency_max_ms"`
	LastStatusSec  float64 `json:"last_status_seconds"`
}

// update changes child b of trees 0..count-1 to match /z, as fast as the API server
// accepts the patches (workers in flight), and times each from its acceptance — the
// earlier of the patch's response and the watch event of its new spec — to the watch
// event that shows the status the controller wrote for it.
func update(ctx context.Context, dyn dynamic.Interface, g gen, count, workers int) (*updateResult, error) {
	_, rv, err := listStatuses(ctx, dyn)
	if err != nil {
		return nil, err
	}
	w, err := dyn.Resource(gvrIR).Watch(ctx, metav1.ListOptions{ResourceVersion: rv})
	if err != nil {
		return nil, err
	}
	defer w.Stop()
	var mu sync.Mutex
	accepted := make(map[string]time.Time, count)
	written := make(map[string]time.Time, count)
	targets := make(map[string]bool, count)
	for t := 0; t < count; t++ {
		targets[fmt.Sprintf("%s/child-%d-b", g.ns(t), t)] = true
	}
	accept := func(key string, at time.Time) {
		if a, ok := accepted[key]; !ok || at.Before(a) {
			accepted[key] = at
		}
	}
	done := make(chan struct{})
	watchErr := make(chan error, 1)
	go func() {
		for ev := range w.ResultChan() {
			now := time.Now()
			if ev.Type == watch.Error {
				watchErr <- fmt.Errorf("watch: %v", ev.Object)
				return
			}
			u, ok := ev.Object.(*unstructured.Unstructured)
			if !ok || ev.Type != watch.Modified {
				continue
			}
			key := u.GetNamespace() + "/" + u.GetName()
			if !targets[key] {
				continue
			}
			var match string
			if routes, _, _ := unstructured.NestedSlice(u.Object, "spec", "routes"); len(routes) > 0 {
				match, _ = routes[0].(map[string]interface{})["match"].(string)
			}
			if match != "/z" {
				continue
			}
			desc, _, _ := unstructured.NestedString(u.Object, "status", "description")
			mu.Lock()
			accept(key, now)
			if _, seen := written[key]; !seen && desc == badB {
				written[key] = now
				if len(written) == count {
					close(done)
				}
			}
			mu.Unlock()
		}
		watchErr <- errors.New("the watch closed")
	}()

	start := time.Now()
	err = parallel(ctx, count, workers, func(ctx context.Context, t int) error {
		p := []byte(fmt.Sprintf(`{"spec":{"routes":[{"match":"/z","services":[{"name":"svc-%d-2","port":80}]}]}}`, t))
		name := fmt.Sprintf("child-%d-b", t)
		if _, err := dyn.Resource(gvrIR).Namespace(g.ns(t)).Patch(ctx, name, types.MergePatchType, p, metav1.PatchOptions{}); err != nil {
			return fmt.Errorf("patching %s/%s: %w", g.ns(t), name, err)
		}
		now := time.Now()
		mu.Lock()
		accept(g.ns(t)+"/"+name, now)
		mu.Unlock()
		return nil
	})
	if err != nil {
		return nil, err
	}
	acceptSeconds := time.Since(start).Seconds()
	select {
	case <-done:
	case err := <-watchErr:
		return nil, err
	case <-ctx.Done():
	}
	mu.Lock()
	defer mu.Unlock()
	var lat []float64
	var last time.Time
	for k, at := range written {
		lat = append(lat, float64(at.Sub(accepted[k]).Microseconds())/1000)
		if at.After(last) {
			last = at
		}
	}
	if len(lat) < count {
		return nil, fmt.Errorf("only %d of %d statuses were written before the timeout", len(lat), count)
	}
	sort.Float64s(lat)
	pct := func(p float64) float64 { return lat[int(p*float64(len(lat)-1)+0.5)] }
	return &updateResult{Updates: count, AcceptSeconds: acceptSeconds, AcceptedPerSec: float64(count) / acceptSeconds,
		StatusesSeen: len(lat), MedianMS: pct(0.5), P90MS: pct(0.9), P99MS: pct(0.99), MaxMS: lat[len(lat)-1],
		LastStatusSec: last.Sub(start).Seconds()}, nil
}
