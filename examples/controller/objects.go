package main

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	contour "github.com/libcontour/libcontour/bindings/go"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// watchedKind is one kind of object the controller lists and watches.
type watchedKind struct {
	kind contour.Kind
	gvr  schema.GroupVersionResource
	// apiVersion is the object's apiVersion, set on objects that come without one.
	apiVersion string
}

// watchedKinds are the kinds the library models, in the versions the API server serves.
var watchedKinds = []watchedKind{
	{contour.KindIngressRoute, schema.GroupVersionResource{Group: "contour.heptio.com", Version: "v1beta1", Resource: "ingressroutes"}, "contour.heptio.com/v1beta1"},
	{contour.KindTLSCertificateDelegation, schema.GroupVersionResource{Group: "contour.heptio.com", Version: "v1beta1", Resource: "tlscertificatedelegations"}, "contour.heptio.com/v1beta1"},
	{contour.KindIngress, schema.GroupVersionResource{Group: "networking.k8s.io", Version: "v1", Resource: "ingresses"}, "networking.k8s.io/v1"},
	{contour.KindService, schema.GroupVersionResource{Version: "v1", Resource: "services"}, "v1"},
	{contour.KindSecret, schema.GroupVersionResource{Version: "v1", Resource: "secrets"}, "v1"},
}

// ingressRoutes is the resource whose status the controller writes.
var ingressRoutes = watchedKinds[0].gvr

// objKey names one object.
type objKey struct {
	Kind      contour.Kind
	Namespace string
	Name      string
}

func keyOf(kind contour.Kind, u *unstructured.Unstructured) objKey {
	return objKey{Kind: kind, Namespace: u.GetNamespace(), Name: u.GetName()}
}

// String returns "Kind ns/name".
func (k objKey) String() string { return k.Kind.String() + " " + k.Namespace + "/" + k.Name }

// source is the name under which the object is loaded into the snapshot, and the file
// name of its diagnostics and status positions: "Kind/ns/name".
func (k objKey) source() string { return k.Kind.String() + "/" + k.Namespace + "/" + k.Name }

// lastApplied is kubectl's copy of the whole object as applied: for a Secret it holds
// the Secret's values, and for every kind it doubles the object's size.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// redacted replaces every non-empty value of a Secret's data: the library keeps only the
// keys and whether each value is empty, so nothing else of a Secret need be kept.
const redacted = "UkVEQUNURUQ=" // base64 of "REDACTED"

// trim is the transform of the informer of a kind: it drops what the library never reads
// before the object is cached — metadata.managedFields, kubectl's
// last-applied-configuration annotation and, in a Secret, every value (see redacted).
// Secret values are thus never kept, logged or passed to the library.
func trim(kind contour.Kind) func(obj interface{}) (interface{}, error) {
	return func(obj interface{}) (interface{}, error) {
		if u, ok := obj.(*unstructured.Unstructured); ok {
			trimObject(kind, u)
		}
		return obj, nil
	}
}

func trimObject(kind contour.Kind, u *unstructured.Unstructured) {
	u.SetManagedFields(nil)
	if a := u.GetAnnotations(); a != nil {
		if _, ok := a[lastApplied]; ok {
			delete(a, lastApplied)
			if len(a) == 0 {
				a = nil
			}
			u.SetAnnotations(a)
		}
	}
	if kind == contour.KindSecret {
		for _, field := range []string{"data", "stringData"} {
			if m, ok := u.Object[field].(map[string]interface{}); ok {
				for k, v := range m {
					if s, _ := v.(string); s != "" {
						m[k] = redacted
					}
				}
			}
		}
	}
}

// objectJSON is what the snapshot loads for an object: the API server's JSON, as the
// informer cached it (trimmed), with apiVersion and kind set.
func objectJSON(w *watchedKind, u *unstructured.Unstructured) ([]byte, error) {
	if u.GetAPIVersion() == "" {
		u = u.DeepCopy()
		u.SetAPIVersion(w.apiVersion)
	}
	if u.GetKind() == "" {
		u = u.DeepCopy()
		u.SetKind(w.kind.String())
	}
	b, err := json.Marshal(u.Object)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", keyOf(w.kind, u), err)
	}
	return b, nil
}

// sameInput reports whether two versions of an object give the library the same input:
// they differ at most in status and in metadata the server maintains (resourceVersion,
// generation, managedFields). A status write by this controller is such a change.
func sameInput(a, b *unstructured.Unstructured) bool {
	strip := func(u *unstructured.Unstructured) map[string]interface{} {
		m := make(map[string]interface{}, len(u.Object))
		for k, v := range u.Object {
			if k != "status" && k != "metadata" {
				m[k] = v
			}
		}
		if meta, ok := u.Object["metadata"].(map[string]interface{}); ok {
			mm := make(map[string]interface{}, len(meta))
			for k, v := range meta {
				switch k {
				case "resourceVersion", "generation", "managedFields":
				default:
					mm[k] = v
				}
			}
			m["metadata"] = mm
		}
		return m
	}
	return reflect.DeepEqual(strip(a), strip(b))
}

// irStatus is what the controller writes to an IngressRoute's status.
type irStatus struct {
	CurrentStatus string
	Description   string
}

// statusOf reads status.currentStatus and status.description.
func statusOf(u *unstructured.Unstructured) irStatus {
	st, _ := u.Object["status"].(map[string]interface{})
	cur, _ := st["currentStatus"].(string)
	desc, _ := st["description"].(string)
	return irStatus{CurrentStatus: cur, Description: desc}
}

// statusFromGraph returns the key and the status of a graph's status, as copies: the
// binding's strings of one call share one backing allocation (the whole export's), and
// these are kept for long.
func statusFromGraph(s *contour.Status) (objKey, irStatus) {
	k := objKey{Kind: contour.KindIngressRoute, Namespace: strings.Clone(s.Namespace), Name: strings.Clone(s.Name)}
	return k, irStatus{CurrentStatus: s.State.String(), Description: strings.Clone(s.Description)}
}
