package contour

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// SetSource and RemoveSource: a watch update and a delete.

func TestSetSource(t *testing.T) {
	s, err := NewSnapshot(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	root := func(path string) []byte {
		return []byte(irRoot("default", "r", "a.com", "  - match: "+path+"\n    services: [{name: web, port: 80}]\n"))
	}
	if err := s.SetSource("web", []byte(svcWeb)); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSource("IngressRoute/default/r", root("/a")); err != nil {
		t.Fatal(err)
	}
	// Set again: replaced quietly, no duplicate warning.
	if err := s.SetSource("IngressRoute/default/r", root("/b")); err != nil {
		t.Fatal(err)
	}
	if s.Len(KindIngressRoute) != 1 || hasDiag(s.Diagnostics(), SeverityWarning, "duplicate") != nil {
		t.Fatalf("replaced: %d objects, %v", s.Len(KindIngressRoute), s.Diagnostics())
	}
	o, err := s.Find(KindIngressRoute, "default", "r")
	if err != nil || o.IngressRoute.Routes[0].Match != "/b" || o.File != "IngressRoute/default/r" {
		t.Fatalf("Find: %+v, %v", o, err)
	}
	// A version with a document that does not parse: its diagnostics go with the next
	// version (ReplaceObject would keep them).
	if err := s.SetSource("IngressRoute/default/r", append(root("/c"), "---\nkey: [unclosed\n"...)); err != nil {
		t.Fatal(err)
	}
	if s.ErrorCount() == 0 {
		t.Fatal("the broken document must be an error diagnostic")
	}
	if err := s.SetSource("IngressRoute/default/r", root("/d")); err != nil {
		t.Fatal(err)
	}
	if s.ErrorCount() != 0 {
		t.Fatalf("SetSource must replace the diagnostics of its documents: %v", s.Diagnostics())
	}
	// Another source defining the same object replaces it, with a warning.
	if err := s.SetSource("other", root("/e")); err != nil {
		t.Fatal(err)
	}
	if hasDiag(s.Diagnostics(), SeverityWarning, "duplicate") == nil {
		t.Fatalf("no duplicate warning: %v", s.Diagnostics())
	}
	// The first source holds nothing any more, but it was set by name: it is still known,
	// once.
	if err := s.RemoveSource("IngressRoute/default/r"); err != nil {
		t.Fatalf("RemoveSource of a set source left with nothing: %v", err)
	}
	if err := s.RemoveSource("IngressRoute/default/r"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("RemoveSource twice: %v", err)
	}
	// RemoveSource: its objects and diagnostics go.
	if err := s.RemoveSource("other"); err != nil {
		t.Fatal(err)
	}
	if s.Len(KindIngressRoute) != 0 || len(s.Diagnostics()) != 0 {
		t.Fatalf("after RemoveSource: %d, %v", s.Len(KindIngressRoute), s.Diagnostics())
	}
	var e *Error
	if err := s.RemoveSource("other"); !errors.As(err, &e) || e.Status != CodeNotFound || e.Detail != "other" {
		t.Fatalf("RemoveSource twice: %v", err)
	}
	// NUL bytes: refused, nothing changed.
	if err := s.SetSource("we\x00b", []byte(svcWeb)); !errors.Is(err, ErrNUL) {
		t.Errorf("SetSource NUL: %v", err)
	}
	if err := s.RemoveSource("web\x00"); !errors.Is(err, ErrNUL) || s.Len(KindService) != 1 {
		t.Errorf("RemoveSource NUL: %v", err)
	}
	// An empty name is a name like another.
	if err := s.SetSource("", root("/f")); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveSource(""); err != nil || s.Len(KindIngressRoute) != 0 {
		t.Fatalf("the empty source: %v", err)
	}
}

func TestSetSourceStrictAndLimits(t *testing.T) {
	s, err := NewSnapshot(&Config{Strict: true, Limits: Limits{InputBytes: 600}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.SetSource("a", []byte(svcWeb)); err != nil {
		t.Fatal(err)
	}
	// Strict: the errors of this source, as a *LoadError; what could be used is loaded.
	var le *LoadError
	err = s.SetSource("b", []byte(irChild("default", "c", "  - match: /\n    services: [{name: web, port: 80}]\n")+"---\nkey: [unclosed\n"))
	if !errors.As(err, &le) || le.Op != "set source" || le.Source != "b" || len(le.Diagnostics) != 1 {
		t.Fatalf("strict: %#v", err)
	}
	if s.Len(KindIngressRoute) != 1 {
		t.Fatal("the usable document must be loaded")
	}
	// Errors of another source are not this one's.
	if err := s.SetSource("c", []byte(svcWeb)); err != nil {
		t.Fatalf("strict, another source: %v", err)
	}
	// Fixed: no error.
	if err := s.SetSource("b", []byte(irChild("default", "c", "  - match: /\n    services: [{name: web, port: 80}]\n"))); err != nil {
		t.Fatalf("strict, fixed: %v", err)
	}
	// Over the input limit: CodeLimit, with the limit-input diagnostic.
	big := []byte(svcWeb + "# " + strings.Repeat("x", 700) + "\n")
	err = s.SetSource("b", big)
	var e *Error
	if !errors.As(err, &e) || e.Status != CodeLimit || len(e.Diagnostics) != 1 || e.Diagnostics[0].Code != "limit-input" {
		t.Fatalf("limit: %#v", err)
	}
	// The source's old version is gone, and the new one is not loaded.
	if s.Len(KindIngressRoute) != 0 || s.Len(KindService) != 1 {
		t.Fatalf("after a SetSource over the limit: %d IngressRoutes, %d Services", s.Len(KindIngressRoute), s.Len(KindService))
	}
}

// TestWhatIfRandom: WhatIf of a random change is what Resolve gives once the change is
// made (ReplaceObject, Remove), and Review's diff and status are those of that graph.
func TestWhatIfRandom(t *testing.T) {
	for _, seed := range seeds(t, 7, 8) {
		w := &world{r: rand.New(rand.NewSource(seed))}
		s, err := NewSnapshot(nil)
		if err != nil {
			t.Fatal(err)
		}
		c := &changer{t: t, w: w, s: s, sources: map[string]bool{}}
		for i := 0; i < 30; i++ {
			c.step()
		}
		base, err := s.Resolve(nil)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 60; i++ {
			k := w.randomKey()
			op, data := OperationUpdate, []byte(w.object(k))
			if _, err := s.Find(k.kind, k.ns, k.name); err != nil {
				op = OperationCreate
			}
			if w.chance(0.25) {
				op = OperationDelete
			}
			where := fmt.Sprintf("seed %d step %d: %s %s", seed, i, op, k.source())
			wi, err := s.WhatIf(base, op, "<admission>", data)
			if err != nil {
				t.Fatalf("%s: %v", where, err)
			}
			v, err := s.Review(base, nil, op, "<admission>", data)
			if err != nil {
				t.Fatalf("%s: Review: %v", where, err)
			}
			if op == OperationDelete {
				err = s.Remove(k.kind, k.ns, k.name)
				if errors.Is(err, ErrNotFound) {
					err = nil
				}
			} else {
				err = s.ReplaceObject(k.kind, k.ns, k.name, "<admission>", data)
			}
			if err != nil {
				t.Fatal(err)
			}
			next, err := s.ResolveUpdate(base, nil)
			if err != nil {
				t.Fatal(err)
			}
			sameRenderings(t, where+" (WhatIf)", wi, next)
			d, err := DiffGraphs(base, next)
			if err != nil {
				t.Fatal(err)
			}
			if !sameDiff(v.Diff, d) {
				t.Fatalf("%s: the verdict's diff differs from DiffGraphs", where)
			}
			if k.kind == KindIngressRoute && op != OperationDelete {
				st, err := next.Status(k.ns, k.name)
				if (err == nil) != (v.Status != nil) || (v.Status != nil && (v.Status.State != st.State || v.Status.Description != st.Description)) {
					t.Fatalf("%s: the verdict's status %+v, the graph's %+v (%v)", where, v.Status, st, err)
				}
			} else if v.Status != nil {
				t.Fatalf("%s: a status for a %s", where, op)
			}
			if v.Allowed != (v.Message == "") {
				t.Fatalf("%s: allowed %v with message %q", where, v.Allowed, v.Message)
			}
			wi.Close()
			base.Close()
			base = next
		}
		base.Close()
		s.Close()
	}
}

// sameDiff compares two diffs by their values (the pointers inside differ).
func sameDiff(a, b *Diff) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

func TestReview(t *testing.T) {
	s := load(t, svcWeb+irRoot("default", "r", "a.com", routeWeb+"  - match: /c\n    delegate: {name: c}\n")+
		irChild("default", "c", "  - match: /c\n    services: [{name: web, port: 80}]\n"), nil)
	base, err := s.Resolve(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer base.Close()

	// Deleting the Service drops the routes that serve today: denied by default.
	v, err := s.Review(base, nil, OperationDelete, "<admission>", []byte(svcWeb))
	if err != nil {
		t.Fatal(err)
	}
	if v.Allowed || v.Message == "" || v.Findings[FindingDropsRoutes] != 2 || v.Status != nil || v.Diff.Empty() {
		t.Fatalf("delete web: %+v", v)
	}
	// A policy that only warns about it.
	p := &Policy{Actions: map[Finding]PolicyAction{FindingDropsRoutes: PolicyWarn}, MaxListed: 1}
	v, err = s.Review(base, p, OperationDelete, "<admission>", []byte(svcWeb))
	if err != nil {
		t.Fatal(err)
	}
	if !v.Allowed || v.Message != "" || len(v.Warnings) == 0 || !strings.Contains(strings.Join(v.Warnings, "\n"), "and 1 more") {
		t.Fatalf("warn policy: %+v", v)
	}
	// An invalid child: the changed object's own status.
	bad := []byte(irChild("default", "c", "  - match: /elsewhere\n    services: [{name: web, port: 80}]\n"))
	v, err = s.Review(base, nil, OperationUpdate, "<admission>", bad)
	if err != nil {
		t.Fatal(err)
	}
	if v.Allowed || v.Findings[FindingInvalid] != 1 || v.Status == nil || v.Status.State != StateInvalid || v.Status.Name != "c" {
		t.Fatalf("invalid child: %+v", v)
	}
	// A kind the library does not model: allowed without a look.
	v, err = s.Review(base, nil, OperationCreate, "<admission>", []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"))
	if err != nil || !v.Allowed || !v.Diff.Empty() {
		t.Fatalf("ConfigMap: %+v, %v", v, err)
	}
	// Errors: not one object, a bad policy, an unknown operation, NUL, a stale base.
	for name, err := range map[string]error{
		"two objects":  errOnly(s.Review(base, nil, OperationCreate, "<admission>", []byte(svcWeb+svcWeb))),
		"bad action":   errOnly(s.Review(base, &Policy{Actions: map[Finding]PolicyAction{FindingWarnings: 7}}, OperationCreate, "x", []byte(svcWeb))),
		"bad finding":  errOnly(s.Review(base, &Policy{Actions: map[Finding]PolicyAction{NumFindings: PolicyDeny}}, OperationCreate, "x", []byte(svcWeb))),
		"MaxListed":    errOnly(s.Review(base, &Policy{MaxListed: 1001}, OperationCreate, "x", []byte(svcWeb))),
		"operation":    errOnly(s.Review(base, nil, Operation(9), "x", []byte(svcWeb))),
		"what-if":      errOnly(s.WhatIf(base, OperationCreate, "<admission>", []byte(""))),
		"NUL (review)": errOnly(s.Review(base, nil, OperationCreate, "a\x00", []byte(svcWeb))),
	} {
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: want ErrInvalid, got %v", name, err)
		}
	}
	if err := s.SetSource("more", []byte(svcWeb)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Review(base, nil, OperationDelete, "<admission>", []byte(svcWeb)); !errors.Is(err, ErrInvalid) {
		t.Errorf("a base of an older version: %v", err)
	}
}

func errOnly[T any](_ T, err error) error { return err }

func TestPolicy(t *testing.T) {
	want := map[Finding]PolicyAction{
		FindingInvalid: PolicyDeny, FindingOrphaned: PolicyWarn, FindingBreaksOthers: PolicyDeny,
		FindingDropsRoutes: PolicyDeny, FindingTakesRoutes: PolicyWarn, FindingDropsTLS: PolicyDeny,
		FindingWarnings: PolicyWarn,
	}
	var p *Policy
	for f, a := range want {
		if got := p.Action(f); got != a {
			t.Errorf("default %s: %s, want %s", f, got, a)
		}
	}
	p = &Policy{Actions: map[Finding]PolicyAction{FindingOrphaned: PolicyDeny}}
	if p.Action(FindingOrphaned) != PolicyDeny || p.Action(FindingInvalid) != PolicyDeny || p.Action(Finding(99)) != PolicyAllow {
		t.Error("Action")
	}
	for f := Finding(-1); f <= NumFindings; f++ {
		if f.String() != cFindingName(f) {
			t.Errorf("Finding(%d): %q vs %q", f, f, cFindingName(f))
		}
	}
	if cFindingCount() != NumFindings {
		t.Errorf("NumFindings %d, the library has %d", NumFindings, cFindingCount())
	}
	for o := Operation(-1); o <= 3; o++ {
		if o.String() != cOperationName(o) {
			t.Errorf("Operation(%d): %q vs %q", o, o, cOperationName(o))
		}
	}
	for c := Change(-1); c <= 3; c++ {
		if c.String() != cChangeName(c) {
			t.Errorf("Change(%d): %q vs %q", c, c, cChangeName(c))
		}
	}
	for r := ReferenceType(-1); r <= numReferenceTypes; r++ {
		if r.String() != cReferenceTypeName(r) {
			t.Errorf("ReferenceType(%d): %q vs %q", r, r, cReferenceTypeName(r))
		}
	}
	if cReferenceTypeCount() != numReferenceTypes {
		t.Errorf("reference types: %d, the library has %d", numReferenceTypes, cReferenceTypeCount())
	}
}

func TestAdmissionReview(t *testing.T) {
	s := load(t, svcWeb+irRoot("default", "r", "a.com", routeWeb), nil)
	base, err := s.Resolve(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer base.Close()
	req := `{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview", "request": {
		"uid": "u-1", "kind": {"group": "", "version": "v1", "kind": "Service"}, "operation": "DELETE",
		"namespace": "default", "name": "web",
		"oldObject": {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web", "namespace": "default"},
			"spec": {"ports": [{"name": "http", "port": 80}]}}}}`
	out, err := s.AdmissionReview(base, nil, []byte(req))
	if err != nil {
		t.Fatal(err)
	}
	var resp struct {
		Response struct {
			UID     string `json:"uid"`
			Allowed bool   `json:"allowed"`
			Status  struct {
				Message string `json:"message"`
			} `json:"status"`
		} `json:"response"`
	}
	if err := json.Unmarshal(out, &resp); err != nil || resp.Response.UID != "u-1" || resp.Response.Allowed || resp.Response.Status.Message == "" {
		t.Fatalf("response: %s (%v)", out, err)
	}
	// The same under a policy that allows it.
	out, err = s.AdmissionReview(base, &Policy{Actions: map[Finding]PolicyAction{FindingDropsRoutes: PolicyAllow}}, []byte(req))
	if err != nil || json.Unmarshal(out, &resp) != nil || !resp.Response.Allowed {
		t.Fatalf("allowing policy: %s, %v", out, err)
	}
	// Malformed: ErrInvalid with the library's reason.
	var e *Error
	_, err = s.AdmissionReview(base, nil, []byte(`{"apiVersion": "v1"}`))
	if !errors.As(err, &e) || e.Status != CodeInvalid || e.Detail == "" || strings.Contains(e.Detail, "\n") {
		t.Fatalf("malformed: %#v", err)
	}

	// The two steps: parse, then answer, as AdmissionReview does in one.
	r, err := s.ParseAdmissionRequest([]byte(req))
	if err != nil {
		t.Fatal(err)
	}
	if r.UID != "u-1" || r.Kind != KindService || r.Operation != OperationDelete || r.Namespace != "default" ||
		r.Name != "web" || r.DryRun || !strings.Contains(string(r.Object), `"web"`) {
		t.Fatalf("parsed: %+v", r)
	}
	whole, _ := s.AdmissionReview(base, nil, []byte(req))
	ans, err := s.AnswerAdmissionRequest(r, base, nil)
	if err != nil || string(ans) != string(whole) {
		t.Fatalf("answer: %s, %v; AdmissionReview: %s", ans, err, whole)
	}
	// A kind the library does not model: answered without a review.
	cm := strings.NewReplacer(`"kind": "Service"}, "operation"`, `"kind": "ConfigMap"}, "operation"`, `"kind": "Service", "metadata"`, `"kind": "ConfigMap", "metadata"`).Replace(req)
	if r, err := s.ParseAdmissionRequest([]byte(cm)); err != nil || r.Kind != KindNone {
		t.Fatalf("ConfigMap: %+v, %v", r, err)
	} else if out, err := s.AnswerAdmissionRequest(r, base, nil); err != nil || json.Unmarshal(out, &resp) != nil || !resp.Response.Allowed {
		t.Fatalf("ConfigMap answer: %s, %v", out, err)
	}
	// Malformed and too large: 400s, with the reason.
	for _, c := range []struct {
		req    []byte
		status Code
	}{
		{[]byte(`{"apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview"}`), CodeInvalid},
		{[]byte("not json"), CodeInvalid},
		{nil, CodeInvalid},
		{[]byte(`{"x": "` + strings.Repeat("a", 9<<20) + `"}`), CodeLimit},
	} {
		_, err := s.ParseAdmissionRequest(c.req)
		if !errors.As(err, &e) || e.Status != c.status || e.Detail == "" {
			t.Errorf("parse %.40q: %v", c.req, err)
		}
	}
	if _, err := s.AnswerAdmissionRequest(nil, base, nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("nil request: %v", err)
	}
	if _, err := s.AnswerAdmissionRequest(&AdmissionRequest{}, base, nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("a request not parsed: %v", err)
	}
	// A base of an older version: the review cannot be made (a 500), with a reason.
	if err := s.SetSource("more", []byte(svcWeb)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.AnswerAdmissionRequest(r, base, nil); !errors.As(err, &e) || e.Status != CodeInvalid {
		t.Errorf("stale base: %v", err)
	}
	s.Close()
	if _, err := s.ParseAdmissionRequest([]byte(req)); !errors.Is(err, ErrClosed) {
		t.Errorf("closed: %v", err)
	}
	if _, err := s.AnswerAdmissionRequest(r, base, nil); !errors.Is(err, ErrClosed) {
		t.Errorf("closed: %v", err)
	}
}
