package contour

import "strconv"

// Kind is one of the Kubernetes kinds the library models.
type Kind int

// The modelled kinds. Every other kind is skipped when loading.
const (
	KindNone                     Kind = 0 // no object (e.g. a diagnostic about a whole file)
	KindIngressRoute             Kind = 1 // contour.heptio.com/v1beta1 IngressRoute
	KindTLSCertificateDelegation Kind = 2 // contour.heptio.com/v1beta1 TLSCertificateDelegation
	KindIngress                  Kind = 3 // extensions/v1beta1, networking.k8s.io/v1beta1 and v1 Ingress
	KindService                  Kind = 4 // v1 Service
	KindSecret                   Kind = 5 // v1 Secret
)

// Kinds lists the modelled kinds in their numeric order.
var Kinds = []Kind{KindIngressRoute, KindTLSCertificateDelegation, KindIngress, KindService, KindSecret}

var kindNames = [...]string{"", "IngressRoute", "TLSCertificateDelegation", "Ingress", "Service", "Secret"}

// String returns the Kubernetes name of the kind ("IngressRoute", ...), or "" for
// KindNone and unknown values, as contour_kind_name does.
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return ""
	}
	return kindNames[k]
}

// kindDetail names a kind in error details, unknown values included.
func kindDetail(k Kind) string {
	if s := k.String(); s != "" {
		return s
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

func (k Kind) valid() bool { return k >= KindIngressRoute && k <= KindSecret }

// ParseKind returns the Kind named by a Kubernetes kind name, or KindNone.
func ParseKind(name string) Kind {
	for i, n := range kindNames {
		if i > 0 && n == name {
			return Kind(i)
		}
	}
	return KindNone
}

// Severity says how serious a Diagnostic is.
type Severity int

// Diagnostic severities. Errors mean an input document or object was not used.
const (
	SeverityInfo    Severity = 0
	SeverityWarning Severity = 1
	SeverityError   Severity = 2
)

// String returns "info", "warning" or "error" ("" for unknown values).
func (s Severity) String() string {
	switch s {
	case SeverityInfo:
		return "info"
	case SeverityWarning:
		return "warning"
	case SeverityError:
		return "error"
	}
	return ""
}

// State is the outcome of resolution for one IngressRoute.
type State int

// IngressRoute states.
const (
	StateValid    State = 0 // reached from a root and valid for every virtual host
	StateInvalid  State = 1 // invalid for at least one virtual host (or as a root)
	StateOrphaned State = 2 // not part of a delegation chain from a root
)

// String returns "valid", "invalid" or "orphaned" ("" for unknown values).
func (s State) String() string {
	switch s {
	case StateValid:
		return "valid"
	case StateInvalid:
		return "invalid"
	case StateOrphaned:
		return "orphaned"
	}
	return ""
}

// MatchType says how a Route matches the request path.
type MatchType int

// Route match types.
const (
	MatchPrefix MatchType = 0 // path prefix (JSON key "prefix")
	MatchExact  MatchType = 1 // the whole path (JSON key "exact"; Ingress pathType Exact)
)

// String returns "prefix" or "exact", the JSON key of the route's path.
func (m MatchType) String() string {
	switch m {
	case MatchPrefix:
		return "prefix"
	case MatchExact:
		return "exact"
	}
	return "MatchType(" + strconv.Itoa(int(m)) + ")"
}

// Format is the format of an input.
type Format int

// Input formats.
const (
	// FormatAuto picks JSON when the first non-blank byte is '{' or '[', else YAML.
	FormatAuto Format = 0
	// FormatYAML forces YAML (multi-document streams allowed).
	FormatYAML Format = 1
	// FormatJSON forces JSON.
	FormatJSON Format = 2
)

// OutputFormat selects what Graph.Render writes.
type OutputFormat int

// Output formats of Graph.Render.
const (
	OutputJSON OutputFormat = 0 // the route graph as JSON, as `contourc graph --format json` prints it
	OutputText OutputFormat = 1 // an indented human-readable listing
	OutputDOT  OutputFormat = 2 // Graphviz: roots → delegates → services, broken objects marked
)

// String returns "json", "text" or "dot" ("" for unknown values).
func (f OutputFormat) String() string {
	switch f {
	case OutputJSON:
		return "json"
	case OutputText:
		return "text"
	case OutputDOT:
		return "dot"
	}
	return ""
}

// ObjectRef names a Kubernetes object.
type ObjectRef struct {
	Kind      Kind
	Namespace string
	Name      string
}

// String returns "namespace/name".
func (r ObjectRef) String() string { return r.Namespace + "/" + r.Name }

// Position is a place in an input: the source name (file path or buffer name) and a
// 1-based line and column (columns count Unicode code points). Line or Column 0 means
// unknown.
type Position struct {
	File   string
	Line   uint32
	Column uint32
}

// String returns "file:line:col", leaving out unknown parts.
func (p Position) String() string {
	s := p.File
	if p.Line > 0 {
		s += ":" + strconv.FormatUint(uint64(p.Line), 10)
		if p.Column > 0 {
			s += ":" + strconv.FormatUint(uint64(p.Column), 10)
		}
	}
	return s
}
