// The webhook through the real Kubernetes types: requests are built as
// k8s.io/api/admission/v1 AdmissionReviews and marshalled as the API server does, and
// every response is decoded strictly (unknown fields fail) into the same types, so the
// schema checked is the real one. Run by tests/webhook/test_webhook.py against a server
// it started: WEBHOOK_URL (https://127.0.0.1:PORT) and WEBHOOK_CA (its certificate).
package webhook

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
)

const pendingReason = "what-if review is not available in this build"

func client(t *testing.T) (*http.Client, string) {
	url, ca := os.Getenv("WEBHOOK_URL"), os.Getenv("WEBHOOK_CA")
	if url == "" || ca == "" {
		t.Skip("WEBHOOK_URL and WEBHOOK_CA are not set (run by tests/webhook/test_webhook.py)")
	}
	pem, err := os.ReadFile(ca)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatal("bad CA file")
	}
	return &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, MaxIdleConnsPerHost: 8},
	}, url + "/validate"
}

func review(uid string, gvk metav1.GroupVersionKind, op admissionv1.Operation, ns, name string,
	object, old any, dryRun bool) *admissionv1.AdmissionReview {
	raw := func(o any) runtime.RawExtension {
		if o == nil {
			return runtime.RawExtension{}
		}
		b, err := json.Marshal(o)
		if err != nil {
			panic(err)
		}
		return runtime.RawExtension{Raw: b}
	}
	return &admissionv1.AdmissionReview{
		TypeMeta: metav1.TypeMeta{APIVersion: "admission.k8s.io/v1", Kind: "AdmissionReview"},
		Request: &admissionv1.AdmissionRequest{
			UID:       types.UID(uid),
			Kind:      gvk,
			Resource:  metav1.GroupVersionResource{Group: gvk.Group, Version: gvk.Version, Resource: strings.ToLower(gvk.Kind) + "s"},
			Name:      name,
			Namespace: ns,
			Operation: op,
			UserInfo:  authenticationv1.UserInfo{Username: "alice", Groups: []string{"system:authenticated"}},
			Object:    raw(object),
			OldObject: raw(old),
			DryRun:    &dryRun,
			Options:   runtime.RawExtension{Raw: []byte(`{"apiVersion":"meta.k8s.io/v1","kind":"CreateOptions"}`)},
		},
	}
}

// post sends a review; a 200 is decoded strictly into an AdmissionReview.
func post(t *testing.T, c *http.Client, url string, body []byte) (int, string, *admissionv1.AdmissionReview) {
	t.Helper()
	resp, err := c.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, string(data), nil
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q", ct)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var out admissionv1.AdmissionReview
	if err := dec.Decode(&out); err != nil {
		t.Fatalf("response is not an AdmissionReview: %v\n%s", err, data)
	}
	if out.APIVersion != "admission.k8s.io/v1" || out.Kind != "AdmissionReview" || out.Response == nil || out.Request != nil {
		t.Fatalf("bad envelope: %s", data)
	}
	return resp.StatusCode, string(data), &out
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

var deployment = metav1.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}
var service = metav1.GroupVersionKind{Group: "", Version: "v1", Kind: "Service"}

func TestUnrelatedKindAllowed(t *testing.T) {
	c, url := client(t)
	for _, op := range []admissionv1.Operation{admissionv1.Create, admissionv1.Update, admissionv1.Delete, admissionv1.Connect} {
		for _, dry := range []bool{false, true} {
			uid := fmt.Sprintf("uid-%s-%v", op, dry)
			obj := map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "d", "namespace": "team"}}
			code, body, out := post(t, c, url, mustJSON(review(uid, deployment, op, "team", "d", obj, obj, dry)))
			if code != 200 {
				t.Fatalf("%s: %d %s", uid, code, body)
			}
			if string(out.Response.UID) != uid || !out.Response.Allowed || out.Response.Result != nil || len(out.Response.Warnings) != 0 {
				t.Fatalf("%s: %s", uid, body)
			}
		}
	}
}

func TestModelledKind(t *testing.T) {
	c, url := client(t)
	svc := corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: metav1.ObjectMeta{Name: "fresh", Namespace: "team"},
		Spec:       corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: 80}}},
	}
	code, body, out := post(t, c, url, mustJSON(review("svc-1", service, admissionv1.Create, "team", "fresh", svc, nil, false)))
	if code == 500 && strings.Contains(body, pendingReason) {
		t.Skip("needs the what-if engine: " + strings.TrimSpace(body))
	}
	if code != 200 || string(out.Response.UID) != "svc-1" {
		t.Fatalf("%d %s", code, body)
	}
	// A new Service that nothing routes to changes no route: allowed.
	if !out.Response.Allowed {
		t.Fatalf("denied: %s", body)
	}
}

func TestMalformed(t *testing.T) {
	c, url := client(t)
	for _, body := range []string{"", "{", "[]", `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}`,
		`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":7}}`} {
		code, text, _ := post(t, c, url, []byte(body))
		if code != 400 || text == "" || strings.Count(text, "\n") != 1 {
			t.Fatalf("%q: %d %q", body, code, text)
		}
	}
}

// Many reviews at once over keep-alive connections: every answer carries its own uid.
func TestConcurrent(t *testing.T) {
	c, url := client(t)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 25; i++ {
				uid := fmt.Sprintf("c-%d-%d", g, i)
				resp, err := c.Post(url, "application/json", bytes.NewReader(mustJSON(review(uid, deployment, admissionv1.Create, "team", "d", map[string]any{}, nil, false))))
				if err != nil {
					errs <- err
					return
				}
				var out admissionv1.AdmissionReview
				err = json.NewDecoder(resp.Body).Decode(&out)
				resp.Body.Close()
				if err != nil || out.Response == nil || string(out.Response.UID) != uid || !out.Response.Allowed {
					errs <- fmt.Errorf("%s: %v %+v", uid, err, out.Response)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}
