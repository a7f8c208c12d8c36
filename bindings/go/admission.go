package contour

/*
#include <contour/contour.h>
*/
import "C"

import (
	"sort"
	"strconv"
	"strings"
	"unsafe"
)

// Operation is what a change does to an object.
type Operation int

// Operations (contour_operation).
const (
	OperationCreate Operation = 0
	OperationUpdate Operation = 1
	OperationDelete Operation = 2
)

// String returns "CREATE", "UPDATE" or "DELETE" ("" for unknown values), as
// contour_operation_name does.
func (o Operation) String() string {
	switch o {
	case OperationCreate:
		return "CREATE"
	case OperationUpdate:
		return "UPDATE"
	case OperationDelete:
		return "DELETE"
	}
	return ""
}

// Finding is a kind of finding a review makes about a change.
type Finding int

// Findings (contour_finding), with what the default policy does about each.
const (
	// FindingInvalid: the changed IngressRoute itself would be invalid (deny).
	FindingInvalid Finding = 0
	// FindingOrphaned: the changed IngressRoute would be orphaned (warn).
	FindingOrphaned Finding = 1
	// FindingBreaksOthers: another object's status would become invalid or orphaned
	// (deny).
	FindingBreaksOthers Finding = 2
	// FindingDropsRoutes: routes that serve today would disappear or lose every cluster
	// (deny).
	FindingDropsRoutes Finding = 3
	// FindingTakesRoutes: a route would change owner (warn).
	FindingTakesRoutes Finding = 4
	// FindingDropsTLS: a virtual host would lose or change its TLS (deny).
	FindingDropsTLS Finding = 5
	// FindingWarnings: the change brings new warning diagnostics (warn).
	FindingWarnings Finding = 6
)

// NumFindings is the number of findings (contour_finding_count()): valid findings are 0
// to NumFindings-1.
const NumFindings = 7

var findingNames = [NumFindings]string{"invalid", "orphaned", "breaks-others", "drops-routes",
	"takes-routes", "drops-tls", "warnings"}

// String returns the finding's stable name ("invalid", "breaks-others", ...; "" for
// unknown values), as contour_finding_name does.
func (f Finding) String() string {
	if f < 0 || int(f) >= len(findingNames) {
		return ""
	}
	return findingNames[f]
}

// PolicyAction is what a policy does about one kind of finding.
type PolicyAction int

// Policy actions (contour_policy_action).
const (
	PolicyAllow PolicyAction = 0 // say nothing
	PolicyWarn  PolicyAction = 1 // allow, with a warning
	PolicyDeny  PolicyAction = 2 // deny
)

// String returns "allow", "warn" or "deny" ("" for unknown values).
func (a PolicyAction) String() string {
	switch a {
	case PolicyAllow:
		return "allow"
	case PolicyWarn:
		return "warn"
	case PolicyDeny:
		return "deny"
	}
	return ""
}

// Policy says what a review does about each kind of finding. It is a plain Go value,
// converted for each review; the zero Policy (and a nil *Policy) is the library's default
// policy.
type Policy struct {
	// Actions overrides the default action of the findings it has.
	Actions map[Finding]PolicyAction
	// MaxListed is how many objects or virtual hosts a message names before "and N
	// more" (1 to 1000); 0 means the default, 5.
	MaxListed int
}

// Action returns what the policy does about a finding: its entry in Actions, else the
// library's default (PolicyAllow for an unknown finding).
func (p *Policy) Action(f Finding) PolicyAction {
	if p != nil {
		if a, ok := p.Actions[f]; ok {
			return a
		}
	}
	if versionErr != nil {
		return PolicyAllow
	}
	var cp *C.contour_policy
	if C.contour_policy_new(&cp) != C.CONTOUR_OK {
		return PolicyAllow
	}
	defer C.contour_policy_free(cp)
	return PolicyAction(C.contour_policy_action_of(cp, C.contour_finding(f)))
}

// newC builds the C policy for one call; nil (the defaults) for a nil or zero Policy. The
// caller frees it with contour_policy_free.
func (p *Policy) newC(op string) (*C.contour_policy, error) {
	if p == nil || len(p.Actions) == 0 && p.MaxListed == 0 {
		return nil, nil
	}
	var cp *C.contour_policy
	if st := C.contour_policy_new(&cp); st != C.CONTOUR_OK {
		return nil, newError(st, op, "policy")
	}
	// In finding order, so that the first bad entry named is always the same one.
	fs := make([]Finding, 0, len(p.Actions))
	for f := range p.Actions {
		fs = append(fs, f)
	}
	sort.Slice(fs, func(i, j int) bool { return fs[i] < fs[j] })
	for _, f := range fs {
		a := p.Actions[f]
		if st := C.contour_policy_set_action(cp, C.contour_finding(f), C.contour_policy_action(a)); st != C.CONTOUR_OK {
			C.contour_policy_free(cp)
			return nil, newError(st, op, "policy action "+strconv.Itoa(int(a))+" for finding "+strconv.Itoa(int(f)))
		}
	}
	if p.MaxListed != 0 {
		if p.MaxListed < 0 || p.MaxListed > 1000 {
			C.contour_policy_free(cp)
			return nil, newError(C.CONTOUR_ERR_INVALID, op, "policy MaxListed "+strconv.Itoa(p.MaxListed))
		}
		if st := C.contour_policy_set_max_listed(cp, C.uint32_t(p.MaxListed)); st != C.CONTOUR_OK {
			C.contour_policy_free(cp)
			return nil, newError(st, op, "policy MaxListed "+strconv.Itoa(p.MaxListed))
		}
	}
	return cp, nil
}

// Verdict is the outcome of reviewing one change: a plain Go value.
type Verdict struct {
	// Allowed says whether the change is allowed.
	Allowed bool
	// Message says why the change is denied, naming the objects and virtual hosts
	// affected (the first few, then "and N more"); "" when it is allowed.
	Message string
	// Warnings are one line each, for an allowed or a denied change.
	Warnings []string
	// Findings counts the findings of each kind the review made, whatever the policy
	// does about them; kinds with none are absent.
	Findings map[Finding]int
	// Status is the changed IngressRoute's own status if the change were applied; nil
	// for the other kinds.
	Status *Status
	// Diff is what the change would do to the graph: the diff from the base graph.
	Diff *Diff
}

// reviewArgs takes the snapshot and base graph of a review for reading and calls f with
// their pointers, the source name and the data as C arguments.
func (s *Snapshot) review(op string, base *Graph, name string, data []byte,
	f func(p *C.contour_snapshot, b *C.contour_graph, np *C.char, nl C.size_t, dp *C.char) error) error {
	np, nl, dp, err := bufferArgs(op, "name", name, data)
	if err != nil {
		return err
	}
	h := s.handle()
	p := h.rlock()
	if p == nil {
		return closedError(op)
	}
	defer h.runlock()
	gh := base.handle()
	b := gh.rlock()
	if b == nil {
		return &Error{Status: CodeInvalid, Op: op, Detail: "base graph", Err: ErrClosed}
	}
	defer gh.runlock()
	return f(p, b, np, nl, dp)
}

// Review reviews one change under a policy (nil: the defaults), without changing the
// snapshot: it applies the change to an overlay of the snapshot and base, resolves only
// what the change can affect, and compares. base is a graph resolved from the snapshot at
// its current version (Resolve or ResolveUpdate after its last change). For
// OperationCreate and OperationUpdate data is the new object (YAML or JSON, exactly one
// modelled object, read in the snapshot's Config.Format); for OperationDelete the object
// being deleted (only its kind, namespace and name are read). name is the source name of
// diagnostics about it (e.g. "<admission>"). Kinds the library does not model are
// allowed without looking further.
//
// A denied change is not an error: the Verdict says so. Errors: ErrInvalid (base not
// resolved from the snapshot's current version, data that is not exactly one modelled
// object, an unknown operation or a bad policy), ErrLimit (data over a limit),
// ErrClosed for a closed snapshot or base, ErrNUL for a name with a NUL byte.
//
// Reviews only read the snapshot and base: many goroutines may review at once.
func (s *Snapshot) Review(base *Graph, policy *Policy, op Operation, name string, data []byte) (*Verdict, error) {
	const opName = "review"
	cp, err := policy.newC(opName)
	if err != nil {
		return nil, err
	}
	defer C.contour_policy_free(cp)
	var out *Verdict
	err = s.review(opName, base, name, data, func(p *C.contour_snapshot, b *C.contour_graph, np *C.char, nl C.size_t, dp *C.char) error {
		var v *C.contour_verdict
		if st := C.contour_review(&v, p, b, cp, C.contour_operation(op), np, nl, dp, C.size_t(len(data)), s.format); st != C.CONTOUR_OK {
			return newError(st, opName, op.String()+" "+name)
		}
		defer C.contour_verdict_free(v)
		out = verdictFromC(v)
		return nil
	})
	return out, err
}

func verdictFromC(v *C.contour_verdict) *Verdict {
	out := &Verdict{
		Allowed: bool(C.contour_verdict_allowed(v)),
		Message: goStr(C.contour_verdict_message(v)),
		Status:  statusFromC(C.contour_verdict_status(v)),
	}
	if n := int(C.contour_verdict_warning_count(v)); n > 0 {
		out.Warnings = make([]string, n)
		for i := range out.Warnings {
			out.Warnings[i] = goStr(C.contour_verdict_warning_at(v, C.size_t(i)))
		}
	}
	for f := Finding(0); f < NumFindings; f++ {
		if n := int(C.contour_verdict_finding_count(v, C.contour_finding(f))); n > 0 {
			if out.Findings == nil {
				out.Findings = make(map[Finding]int)
			}
			out.Findings[f] = n
		}
	}
	if d := C.contour_verdict_diff(v); d != nil {
		out.Diff = diffFromC(d)
	} else {
		out.Diff = &Diff{}
	}
	return out
}

// WhatIf returns the graph the snapshot would resolve to with one change applied,
// without changing the snapshot (the arguments are Review's). The graph shares what the
// change cannot affect with base, and is byte for byte what Resolve would give on the
// changed snapshot. Close it like any graph. Errors as for Review.
func (s *Snapshot) WhatIf(base *Graph, op Operation, name string, data []byte) (*Graph, error) {
	const opName = "what-if"
	var out *Graph
	err := s.review(opName, base, name, data, func(p *C.contour_snapshot, b *C.contour_graph, np *C.char, nl C.size_t, dp *C.char) error {
		var g *C.contour_graph
		if st := C.contour_whatif(&g, p, b, C.contour_operation(op), np, nl, dp, C.size_t(len(data)), s.format); st != C.CONTOUR_OK {
			return newError(st, opName, op.String()+" "+name)
		}
		out = newGraph(g)
		return nil
	})
	return out, err
}

// AdmissionReview answers a Kubernetes AdmissionReview request (admission.k8s.io/v1,
// the JSON the API server POSTs to a validating webhook) with the AdmissionReview
// response JSON: the request's uid, allowed, status.code and status.message when denied,
// and warnings. CREATE and UPDATE review request.object, DELETE request.oldObject, under
// the policy (nil: the defaults), against the snapshot and base as Review does. Requests
// for kinds the library does not model are allowed.
//
// The request is untrusted: it is read with the snapshot's limits. A malformed one (not
// JSON, not an AdmissionReview, no uid, ...) gives an *Error matching ErrInvalid, one
// too large ErrLimit; its Detail is the library's one-line reason, for an HTTP 400 body.
func (s *Snapshot) AdmissionReview(base *Graph, policy *Policy, request []byte) ([]byte, error) {
	const op = "admission review"
	cp, err := policy.newC(op)
	if err != nil {
		return nil, err
	}
	defer C.contour_policy_free(cp)
	var out []byte
	err = s.review(op, base, "", request, func(p *C.contour_snapshot, b *C.contour_graph, _ *C.char, _ C.size_t, dp *C.char) error {
		var buf *C.contour_buffer
		st := C.contour_admission_review(&buf, p, b, cp, dp, C.size_t(len(request)))
		if buf != nil {
			defer C.contour_buffer_free(buf)
		}
		if st != C.CONTOUR_OK {
			detail := ""
			if buf != nil {
				detail = strings.TrimSpace(string(bufferBytes(buf)))
			}
			return newError(st, op, detail)
		}
		out = bufferBytes(buf)
		return nil
	})
	return out, err
}

// AdmissionRequest is an AdmissionReview request (admission.k8s.io/v1), read and checked
// by the library without being reviewed: for a webhook that must tell a malformed
// request (HTTP 400) from a review that could not be made (HTTP 500), or that keeps what
// it admitted. A plain Go value.
type AdmissionRequest struct {
	// UID is request.uid.
	UID string
	// Kind is the modelled kind the request is about, KindNone when it is answered
	// without a review (a kind the library does not model, or a CONNECT).
	Kind Kind
	// Operation is request.operation (OperationCreate for a CONNECT, never reviewed).
	Operation Operation
	// Namespace and Name are request.namespace and request.name; for a modelled kind,
	// when they are empty, the object's own (and the snapshot's default namespace for an
	// object in none).
	Namespace, Name string
	// DryRun is request.dryRun: a change the API server will not persist.
	DryRun bool
	// Object is the object reviewed, as JSON: request.object for CREATE and UPDATE,
	// request.oldObject for DELETE (or one made of the request's kind, namespace and name
	// when the API server sent none); empty for a kind the library does not model.
	Object []byte

	request []byte // what was parsed, for AnswerAdmissionRequest
}

// ParseAdmissionRequest reads and checks an AdmissionReview request with the snapshot's
// limits (the snapshot's objects play no part: an empty snapshot with the same Config
// will do). A malformed request (not one JSON value, not an AdmissionReview, no uid, an
// object that disagrees with the request, ...) gives an *Error matching ErrInvalid, one
// too large (over 8 MiB or a limit) ErrLimit; the Error's Detail is the library's
// one-line reason ("line 1, column 12: ..."), for an HTTP 400 body.
func (s *Snapshot) ParseAdmissionRequest(request []byte) (*AdmissionRequest, error) {
	const op = "parse admission request"
	h := s.handle()
	p := h.rlock()
	if p == nil {
		return nil, closedError(op)
	}
	defer h.runlock()
	var out *AdmissionRequest
	err := withAdmissionRequest(op, p, request, func(r *C.contour_admission_request) error {
		out = &AdmissionRequest{
			UID:       goStr(C.contour_admission_request_uid(r)),
			Kind:      Kind(C.contour_admission_request_kind(r)),
			Operation: Operation(C.contour_admission_request_operation(r)),
			Namespace: goStr(C.contour_admission_request_namespace(r)),
			Name:      goStr(C.contour_admission_request_name(r)),
			DryRun:    bool(C.contour_admission_request_dry_run(r)),
			request:   append([]byte(nil), request...),
		}
		if n := int(C.contour_admission_request_object_size(r)); n > 0 {
			out.Object = C.GoBytes(unsafe.Pointer(C.contour_admission_request_object(r)), C.int(n))
		}
		return nil
	})
	return out, err
}

// withAdmissionRequest parses a request with the snapshot p (held by the caller) and calls
// f with it, then frees it.
func withAdmissionRequest(op string, p *C.contour_snapshot, request []byte, f func(r *C.contour_admission_request) error) error {
	var dp *C.char
	if len(request) > 0 {
		dp = (*C.char)(unsafe.Pointer(&request[0]))
	}
	var r *C.contour_admission_request
	var reason *C.contour_buffer
	st := C.contour_admission_request_parse(&r, &reason, p, dp, C.size_t(len(request)))
	if reason != nil {
		defer C.contour_buffer_free(reason)
	}
	if st != C.CONTOUR_OK {
		detail := ""
		if reason != nil {
			detail = strings.TrimSpace(string(bufferBytes(reason)))
		}
		return newError(st, op, detail)
	}
	defer C.contour_admission_request_free(r)
	return f(r)
}

// AnswerAdmissionRequest answers a parsed request with the AdmissionReview response JSON,
// as AdmissionReview does, reviewing it against the snapshot and base under the policy
// (nil: the defaults). Kinds the library does not model, and CONNECT, are allowed without
// a review. When the review cannot be made although the request is well-formed (base not
// resolved from the snapshot's current version, an object the review cannot read,
// Limits.Routes leaving a virtual host out: an HTTP 500), the *Error (ErrInvalid or
// ErrLimit) has the library's one-line reason as its Detail. The request is read again
// with this snapshot's limits.
func (s *Snapshot) AnswerAdmissionRequest(req *AdmissionRequest, base *Graph, policy *Policy) ([]byte, error) {
	const op = "answer admission request"
	if req == nil || req.request == nil {
		return nil, newError(C.CONTOUR_ERR_INVALID, op, "no parsed request")
	}
	cp, err := policy.newC(op)
	if err != nil {
		return nil, err
	}
	defer C.contour_policy_free(cp)
	var out []byte
	err = s.review(op, base, "", nil, func(p *C.contour_snapshot, b *C.contour_graph, _ *C.char, _ C.size_t, _ *C.char) error {
		return withAdmissionRequest(op, p, req.request, func(r *C.contour_admission_request) error {
			var buf *C.contour_buffer
			st := C.contour_admission_request_answer(&buf, r, p, b, cp)
			if buf != nil {
				defer C.contour_buffer_free(buf)
			}
			if st != C.CONTOUR_OK {
				detail := ""
				if buf != nil {
					detail = strings.TrimSpace(string(bufferBytes(buf)))
				}
				return newError(st, op, detail)
			}
			out = bufferBytes(buf)
			return nil
		})
	})
	return out, err
}
