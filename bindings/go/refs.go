package contour

/*
#include <contour/contour.h>

typedef struct {
	const char *from_ns, *from_name, *to_ns, *to_name, *path;
	int type, from_kind, to_kind, target_missing;
	uint32_t index, service_index;
	int32_t rule;
} gc_ref;

static void gc_ref_get(const contour_reference_list *l, size_t i, gc_ref *o)
{
	const contour_reference *r = contour_reference_list_at(l, i);
	o->type = (int)contour_reference_type_of(r);
	o->from_kind = (int)contour_reference_from_kind(r);
	o->from_ns = contour_reference_from_namespace(r);
	o->from_name = contour_reference_from_name(r);
	o->to_kind = (int)contour_reference_to_kind(r);
	o->to_ns = contour_reference_to_namespace(r);
	o->to_name = contour_reference_to_name(r);
	o->target_missing = contour_reference_target_missing(r);
	o->index = contour_reference_index(r);
	o->service_index = contour_reference_service_index(r);
	o->rule = contour_reference_rule(r);
	o->path = contour_reference_path(r);
}
*/
import "C"

// ReferenceType says what a Reference is.
type ReferenceType int

// Reference types (contour_reference_type).
const (
	RefDelegate    ReferenceType = 0 // IngressRoute routes[].delegate -> IngressRoute
	RefService     ReferenceType = 1 // IngressRoute routes[].services[] -> Service
	RefTCPDelegate ReferenceType = 2 // IngressRoute tcpproxy.delegate -> IngressRoute
	RefTCPService  ReferenceType = 3 // IngressRoute tcpproxy.services[] -> Service
	RefTLSSecret   ReferenceType = 4 // IngressRoute virtualhost.tls.secretName -> Secret
	RefBackend     ReferenceType = 5 // Ingress backend (rule path or default) -> Service
	RefIngressTLS  ReferenceType = 6 // Ingress tls[].secretName -> Secret
	RefDelegation  ReferenceType = 7 // TLSCertificateDelegation delegations[] -> Secret
)

// numReferenceTypes is contour_reference_type_count() (TestNamesMatchLibrary checks it).
const numReferenceTypes = 8

var referenceTypeNames = [numReferenceTypes]string{"delegate", "service", "tcp-delegate", "tcp-service",
	"tls-secret", "backend", "ingress-tls", "delegation"}

// String returns the library's name of the type ("delegate", "tcp-service", ...; "" for
// unknown values), as contour_reference_type_name does.
func (t ReferenceType) String() string {
	if t < 0 || int(t) >= len(referenceTypeNames) {
		return ""
	}
	return referenceTypeNames[t]
}

// Reference is one reference an object makes to another, as written, whether or not the
// target exists: a route's delegate or Service, a TCP proxy's, a TLS secret, an Ingress
// backend or TLS secret, a TLSCertificateDelegation's secret. A plain Go value.
type Reference struct {
	Type ReferenceType
	// From is the referring object, To the object it names.
	From, To ObjectRef
	// TargetMissing says whether nothing of the target's name exists (or it is ignored
	// for its ingress class).
	TargetMissing bool
	// Index is where the reference is written: the route index (RefDelegate,
	// RefService), the Ingress path index within its rule (RefBackend), the spec.tls
	// index (RefIngressTLS), the delegation index (RefDelegation); 0 otherwise.
	Index uint32
	// ServiceIndex is the Service's index within its route or TCP proxy (RefService,
	// RefTCPService); 0 otherwise.
	ServiceIndex uint32
	// Rule is the Ingress rule index of a RefBackend reference, -1 for the default
	// backend and for references of other types.
	Rule int32
	// Path is the route's match (RefDelegate, RefService) or the path of the Ingress
	// backend's route (RefBackend: "/" for the default backend); "" otherwise.
	Path string
}

// ReferencesTo returns every reference to the object (kind, namespace, name) from the
// objects of the graph: who delegates to an IngressRoute and through which routes, which
// routes, TCP proxies and Ingress backends use a Service, which roots and Ingresses use a
// Secret, which TLSCertificateDelegations name it. They are ordered by the referring
// object (kind, namespace, name), then type, then position. The target need not exist;
// objects ignored for their ingress class refer to nothing. nil when there are none.
//
// An unknown kind gives an *Error matching ErrInvalid; a namespace or name with a NUL
// byte one matching ErrNUL too; a closed graph one matching ErrClosed.
func (g *Graph) ReferencesTo(kind Kind, namespace, name string) ([]Reference, error) {
	return g.references("references to", kind, namespace, name, true)
}

// ReferencesFrom returns every reference the object (kind, namespace, name) makes, in the
// order of its fields: an IngressRoute's routes in order (each one's delegate, then its
// Services), its TCP proxy, its TLS secret; an Ingress's TLS secrets, its rules' backends,
// its default backend; a TLSCertificateDelegation's delegations (which Secrets it
// covers). nil for an object the graph
// does not have, a Service or a Secret. Errors as for ReferencesTo.
func (g *Graph) ReferencesFrom(kind Kind, namespace, name string) ([]Reference, error) {
	return g.references("references from", kind, namespace, name, false)
}

func (g *Graph) references(op string, kind Kind, namespace, name string, to bool) ([]Reference, error) {
	if !kind.valid() {
		return nil, newError(C.CONTOUR_ERR_INVALID, op, kindDetail(kind))
	}
	nsp, nsl, nap, nal, err := keyArgs(op, namespace, name)
	if err != nil {
		return nil, err
	}
	h := g.handle()
	p := h.rlock()
	if p == nil {
		return nil, closedError(op)
	}
	defer h.runlock()
	var l *C.contour_reference_list
	var st C.contour_result
	if to {
		st = C.contour_graph_references_to(&l, p, C.contour_kind(kind), nsp, nsl, nap, nal)
	} else {
		st = C.contour_graph_references_from(&l, p, C.contour_kind(kind), nsp, nsl, nap, nal)
	}
	if st != C.CONTOUR_OK {
		return nil, newError(st, op, kindDetail(kind)+" "+namespace+"/"+name)
	}
	defer C.contour_reference_list_free(l)
	n := int(C.contour_reference_list_count(l))
	if n == 0 {
		return nil, nil
	}
	out := make([]Reference, n)
	var o C.gc_ref
	for i := range out {
		C.gc_ref_get(l, C.size_t(i), &o)
		out[i] = Reference{
			Type:          ReferenceType(o._type),
			From:          ObjectRef{Kind: Kind(o.from_kind), Namespace: goStr(o.from_ns), Name: goStr(o.from_name)},
			To:            ObjectRef{Kind: Kind(o.to_kind), Namespace: goStr(o.to_ns), Name: goStr(o.to_name)},
			TargetMissing: o.target_missing != 0,
			Index:         uint32(o.index),
			ServiceIndex:  uint32(o.service_index),
			Rule:          int32(o.rule),
			Path:          goStr(o.path),
		}
	}
	return out, nil
}
