package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	contour "github.com/libcontour/libcontour/bindings/go"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	dynamicfake "k8s.io/client-go/dynamic/fake"
	k8stesting "k8s.io/client-go/testing"
)

// obj parses one object's JSON.
func obj(t *testing.T, js string) *unstructured.Unstructured {
	t.Helper()
	u := &unstructured.Unstructured{}
	if err := json.Unmarshal([]byte(js), &u.Object); err != nil {
		t.Fatal(err)
	}
	return u
}

func ir(name, ns, spec string) string {
	return `{"apiVersion":"contour.heptio.com/v1beta1","kind":"IngressRoute","metadata":{"name":"` + name +
		`","namespace":"` + ns + `","resourceVersion":"1"},"spec":` + spec + `}`
}

const (
	svcJSON   = `{"apiVersion":"v1","kind":"Service","metadata":{"name":"s1","namespace":"ns1"},"spec":{"ports":[{"port":80}]}}`
	rootJSON  = `{"virtualhost":{"fqdn":"a.example.com"},"routes":[{"match":"/","services":[{"name":"s1","port":80}]},{"match":"/y","delegate":{"name":"child"}}]}`
	childSpec = `{"routes":[{"match":"%s","services":[{"name":"s1","port":80}]}]}`
)

func child(prefix string) string {
	return ir("child", "ns1", strings.Replace(childSpec, "%s", prefix, 1))
}

func kindInfo(k contour.Kind) *watchedKind {
	for i := range watchedKinds {
		if watchedKinds[i].kind == k {
			return &watchedKinds[i]
		}
	}
	panic(k)
}

// testController is a controller without a cluster: events go straight to process.
func testController(t *testing.T) (*controller, *bytes.Buffer) {
	t.Helper()
	var out bytes.Buffer
	c, err := newController(nil, options{maxLines: 50}, log.New(&out, "", 0))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.snap.Close(); c.current.Close() })
	c.writer = newStatusWriter(nil, func(ns, name string) *unstructured.Unstructured { return nil }, t.Logf)
	t.Cleanup(c.writer.queue.ShutDown)
	return c, &out
}

func event1(t *testing.T, kind contour.Kind, js, verb string) *event {
	u := obj(t, js)
	e := &event{key: keyOf(kind, u), kind: kindInfo(kind), obj: u, verb: verb}
	if verb == "deleted" {
		e.obj = nil
	}
	return e
}

// TestProcess follows a child through an edit that breaks it, the fix, and its deletion.
func TestProcess(t *testing.T) {
	c, out := testController(t)
	c.process([]*event{
		event1(t, contour.KindService, svcJSON, "added"),
		event1(t, contour.KindIngressRoute, ir("a", "ns1", rootJSON), "added"),
		event1(t, contour.KindIngressRoute, child("/y"), "added"),
	}, true)
	if !strings.Contains(out.String(), "initial resolution of 3 objects (IngressRoute 2, TLSCertificateDelegation 0, Ingress 0, Service 1, Secret 0)") ||
		!strings.Contains(out.String(), "2 statuses: 2 valid, 0 invalid, 0 orphaned") {
		t.Errorf("initial output:\n%s", out)
	}
	want := func(name string, st irStatus) {
		t.Helper()
		got, ok := c.writer.wanted(objKey{contour.KindIngressRoute, "ns1", name})
		if !ok || got != st {
			t.Errorf("%s: wanted %+v (%v), want %+v", name, got, ok, st)
		}
	}
	valid := irStatus{"valid", "valid IngressRoute"}
	want("a", valid)
	want("child", valid)

	out.Reset()
	c.process([]*event{event1(t, contour.KindIngressRoute, child("/x"), "updated")}, false)
	bad := irStatus{"invalid", `the path prefix "/x" does not match the parent's path prefix "/y"`}
	want("child", bad)
	for _, line := range []string{
		"change 1: IngressRoute ns1/child updated (resourceVersion 1): apply",
		`  status ns1/child: valid -> invalid: the path prefix "/x" does not match the parent's path prefix "/y"`,
		"  vhost ingress_http a.example.com: changed (prefix /y removed)",
	} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("missing %q in:\n%s", line, out)
		}
	}

	out.Reset()
	c.process([]*event{event1(t, contour.KindIngressRoute, child("/y"), "updated")}, false)
	want("child", valid)
	if !strings.Contains(out.String(), "vhost ingress_http a.example.com: changed (prefix /y added)") {
		t.Errorf("fix:\n%s", out)
	}

	// Deleting the delegate: the parent stays valid, its route goes, a warning comes.
	out.Reset()
	c.process([]*event{event1(t, contour.KindIngressRoute, child("/y"), "deleted")}, false)
	if _, ok := c.writer.wanted(objKey{contour.KindIngressRoute, "ns1", "child"}); ok {
		t.Errorf("a deleted IngressRoute still has a wanted status")
	}
	want("a", valid)
	for _, line := range []string{
		"IngressRoute ns1/child deleted",
		"status ns1/child: removed (was valid)",
		"vhost ingress_http a.example.com: changed (prefix /y removed)",
		`diagnostic + IngressRoute/ns1/a:1:`,
		`route "/y": delegate target ns1/child not found [ns1/a]`,
	} {
		if !strings.Contains(out.String(), line) {
			t.Errorf("missing %q in:\n%s", line, out)
		}
	}
	if n := c.snap.Len(contour.KindIngressRoute); n != 1 {
		t.Errorf("%d IngressRoutes in the snapshot", n)
	}

	// A change that changes nothing says so.
	out.Reset()
	c.process([]*event{event1(t, contour.KindService, svcJSON, "updated")}, false)
	if !strings.Contains(out.String(), "the graph is unchanged") {
		t.Errorf("no-op:\n%s", out)
	}
}

// TestBrokenThenFixed: an update the library cannot use (an error diagnostic, the object
// gone) and the fix: each object is its own source, so the fix takes the error with it,
// and a deletion takes the object and its diagnostics.
func TestBrokenThenFixed(t *testing.T) {
	c, out := testController(t)
	c.process([]*event{
		event1(t, contour.KindService, svcJSON, "added"),
		event1(t, contour.KindIngressRoute, ir("a", "ns1", rootJSON), "added"),
	}, true)
	out.Reset()
	c.process([]*event{event1(t, contour.KindIngressRoute, ir("a", "ns1", `{"virtualhost":{"fqdn":"a.example.com"},"routes":7}`), "updated")}, false)
	if c.snap.ErrorCount() == 0 || !strings.Contains(out.String(), "diagnostic + IngressRoute/ns1/a:") ||
		!strings.Contains(out.String(), "status ns1/a: removed (was valid)") {
		t.Fatalf("broken:\n%s", out)
	}
	out.Reset()
	c.process([]*event{event1(t, contour.KindIngressRoute, ir("a", "ns1", rootJSON), "updated")}, false)
	if c.snap.ErrorCount() != 0 || !strings.Contains(out.String(), "diagnostic - IngressRoute/ns1/a:") ||
		!strings.Contains(out.String(), "status ns1/a: valid: valid IngressRoute") {
		t.Fatalf("fixed:\n%s (%v)", out, c.snap.Diagnostics())
	}
	// Deleted twice (a delete that was already applied): no error.
	out.Reset()
	for i := 0; i < 2; i++ {
		c.process([]*event{event1(t, contour.KindIngressRoute, ir("a", "ns1", rootJSON), "deleted")}, false)
	}
	if c.snap.Len(contour.KindIngressRoute) != 0 || len(c.snap.Diagnostics()) != 0 || strings.Contains(out.String(), "ns1/a: contour") {
		t.Fatalf("deleted:\n%s", out)
	}
}

// TestSecretsTrimmed: a Secret's values never reach the cache, the library or the output.
func TestSecretsTrimmed(t *testing.T) {
	const value = "c2VjcmV0LWtleS1tYXRlcmlhbA=="
	u := obj(t, `{"apiVersion":"v1","kind":"Secret","metadata":{"name":"cert","namespace":"ns1",`+
		`"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"data\":{\"tls.key\":\"`+value+`\"}}","keep":"me"},`+
		`"managedFields":[{"manager":"kubectl"}]},"type":"kubernetes.io/tls","data":{"tls.crt":"`+value+`","tls.key":"`+value+`","empty":""}}`)
	got, err := trim(contour.KindSecret)(u)
	if err != nil {
		t.Fatal(err)
	}
	js, err := objectJSON(kindInfo(contour.KindSecret), got.(*unstructured.Unstructured))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(js), value) || strings.Contains(string(js), "managedFields") || strings.Contains(string(js), "last-applied") {
		t.Errorf("trimmed Secret still has values or managed fields: %s", js)
	}
	if !strings.Contains(string(js), `"keep":"me"`) || !strings.Contains(string(js), `"empty":""`) {
		t.Errorf("trimmed too much: %s", js)
	}
	// The library still sees a TLS secret with both keys set.
	s, err := contour.NewSnapshot(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.LoadBytes("x", js); err != nil {
		t.Fatal(err)
	}
	o, err := s.Find(contour.KindSecret, "ns1", "cert")
	if err != nil {
		t.Fatal(err)
	}
	if o.Secret == nil || len(o.Secret.Keys) != 3 {
		t.Errorf("secret as the library reads it: %+v", o.Secret)
	}
}

func TestSameInput(t *testing.T) {
	a := obj(t, child("/y"))
	b := a.DeepCopy()
	b.SetResourceVersion("2")
	b.SetGeneration(7)
	b.Object["status"] = map[string]interface{}{"currentStatus": "valid"}
	if !sameInput(a, b) {
		t.Errorf("a status write is not a change of input")
	}
	c := b.DeepCopy()
	c.SetAnnotations(map[string]string{"kubernetes.io/ingress.class": "other"})
	if sameInput(a, c) {
		t.Errorf("an annotation is input")
	}
	if sameInput(a, obj(t, child("/x"))) {
		t.Errorf("the spec is input")
	}
}

func TestEventQueueCoalesces(t *testing.T) {
	q := newEventQueue()
	w := kindInfo(contour.KindService)
	k1, k2 := objKey{contour.KindService, "a", "1"}, objKey{contour.KindService, "a", "2"}
	u := &unstructured.Unstructured{}
	q.put(w, k1, u, "added")
	q.put(w, k2, u, "added")
	q.put(w, k1, nil, "deleted")
	ctx := context.Background()
	b := q.take(ctx, 1)
	if len(b) != 1 || b[0].key != k1 || b[0].obj != nil || b[0].verb != "deleted" {
		t.Fatalf("first: %+v", b)
	}
	b = q.take(ctx, 0)
	if len(b) != 1 || b[0].key != k2 {
		t.Fatalf("second: %+v", b)
	}
	ctx2, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if b := q.take(ctx2, 0); b != nil {
		t.Fatalf("empty queue gave %+v", b)
	}
}

// TestStatusWriter: a write is skipped when the status is already right; a conflict is
// retried against the object read again.
func TestStatusWriter(t *testing.T) {
	scheme := runtime.NewScheme()
	live := obj(t, child("/y"))
	client := dynamicfake.NewSimpleDynamicClientWithCustomListKinds(scheme,
		map[schema.GroupVersionResource]string{ingressRoutes: "IngressRouteList"}, live.DeepCopy())
	var patches, conflicts atomic.Int32
	client.PrependReactor("patch", "ingressroutes", func(a k8stesting.Action) (bool, runtime.Object, error) {
		patches.Add(1)
		p := a.(k8stesting.PatchAction)
		if p.GetSubresource() != "status" {
			t.Errorf("patched %q, not the status subresource", p.GetSubresource())
		}
		var body map[string]map[string]interface{}
		if err := json.Unmarshal(p.GetPatch(), &body); err != nil {
			t.Fatal(err)
		}
		if body["metadata"]["resourceVersion"] == "stale" {
			conflicts.Add(1)
			return true, nil, apierrors.NewConflict(schema.GroupResource{Resource: "ingressroutes"}, p.GetName(), nil)
		}
		return false, nil, nil
	})
	stale := live.DeepCopy()
	stale.SetResourceVersion("stale")
	cachedCopy := stale
	w := newStatusWriter(client.Resource(ingressRoutes), func(ns, name string) *unstructured.Unstructured { return cachedCopy }, t.Logf)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	k := objKey{contour.KindIngressRoute, "ns1", "child"}
	bad := irStatus{"invalid", "broken"}
	w.want(k, bad)
	if err := w.sync(ctx, k); err != nil {
		t.Fatal(err)
	}
	if patches.Load() != 2 || conflicts.Load() != 1 || w.written.Load() != 1 {
		t.Errorf("patches %d, conflicts %d, written %d", patches.Load(), conflicts.Load(), w.written.Load())
	}
	got, err := client.Resource(ingressRoutes).Namespace("ns1").Get(ctx, "child", metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if statusOf(got) != bad {
		t.Errorf("status written: %+v", statusOf(got))
	}
	// The cache now has it: nothing to write.
	cachedCopy = got
	if err := w.sync(ctx, k); err != nil {
		t.Fatal(err)
	}
	if patches.Load() != 2 || w.upToDate.Load() != 1 {
		t.Errorf("an up-to-date status was written again (%d patches)", patches.Load())
	}
	// Deleted: nothing to do.
	cachedCopy = nil
	if err := w.sync(ctx, k); err != nil || patches.Load() != 2 {
		t.Errorf("deleted: %v, %d patches", err, patches.Load())
	}
}
