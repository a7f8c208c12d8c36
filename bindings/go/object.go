package contour

// Object is one loaded Kubernetes object, copied out of a Snapshot: a read-only Go value
// that stays valid after the snapshot changes or is closed. The typed fields are exactly
// as written (defaults are not filled in; resolution applies them). A string field is ""
// and a number 0 when the field was absent. Exactly one of the kind-specific pointers is
// set, the one of Kind.
type Object struct {
	Kind       Kind
	APIVersion string // as written, e.g. "networking.k8s.io/v1"
	Namespace  string // metadata.namespace, or the configured default namespace
	Name       string // metadata.name
	// Position is where the object's document (or List item) starts.
	Position
	// Annotations are metadata.annotations in the order written.
	Annotations []Annotation
	// Diagnostics are the load diagnostics about this object (warnings: objects with
	// errors are not loaded), in position order.
	Diagnostics []Diagnostic

	IngressRoute             *IngressRouteSpec
	TLSCertificateDelegation *TLSCertificateDelegationSpec
	Ingress                  *IngressSpec
	Service                  *ServiceSpec
	Secret                   *SecretSpec
}

// Annotation is one metadata.annotations entry.
type Annotation struct {
	Key, Value string
}

// Ref returns the object's kind, namespace and name.
func (o *Object) Ref() ObjectRef {
	return ObjectRef{Kind: o.Kind, Namespace: o.Namespace, Name: o.Name}
}

// String returns "Kind namespace/name".
func (o *Object) String() string { return o.Kind.String() + " " + o.Namespace + "/" + o.Name }

// Annotation returns the value of the annotation with the given key.
func (o *Object) Annotation(key string) (string, bool) {
	for _, a := range o.Annotations {
		if a.Key == key {
			return a.Value, true
		}
	}
	return "", false
}

// IngressRouteSpec is the spec of a contour.heptio.com/v1beta1 IngressRoute.
type IngressRouteSpec struct {
	// VirtualHost is spec.virtualhost; nil when absent (the object is not a root).
	VirtualHost *IRVirtualHost
	Routes      []IRRoute
	// TCPProxy is spec.tcpproxy; nil when absent.
	TCPProxy *IRTCPProxy
}

// IRVirtualHost is an IngressRoute's spec.virtualhost.
type IRVirtualHost struct {
	FQDN string
	// TLS is spec.virtualhost.tls; nil when absent.
	TLS *IRTLS
}

// IRTLS is an IngressRoute's spec.virtualhost.tls.
type IRTLS struct {
	SecretName             string // "name" or "namespace/name"
	MinimumProtocolVersion string
	Passthrough            bool
}

// IRRoute is one entry of an IngressRoute's spec.routes.
type IRRoute struct {
	Match    string
	Services []IRService
	// Delegate is routes[].delegate; nil when absent.
	Delegate         *IRDelegate
	EnableWebsockets bool
	PermitInsecure   bool
	PrefixRewrite    string
	// TimeoutPolicy is routes[].timeoutPolicy; nil when absent.
	TimeoutPolicy *IRTimeoutPolicy
	// RetryPolicy is routes[].retryPolicy; nil when absent.
	RetryPolicy *IRRetryPolicy
}

// IRDelegate names the IngressRoute a route or tcpproxy delegates to. Namespace is ""
// when not written (the delegating object's own namespace).
type IRDelegate struct {
	Name, Namespace string
}

// IRTimeoutPolicy is routes[].timeoutPolicy; Request is unparsed (a Go duration or
// "infinity").
type IRTimeoutPolicy struct {
	Request string
}

// IRRetryPolicy is routes[].retryPolicy; PerTryTimeout is unparsed.
type IRRetryPolicy struct {
	Count         int64
	PerTryTimeout string
}

// IRService is one service of a route or of spec.tcpproxy.
type IRService struct {
	Name     string
	Port     int64
	Weight   int64
	Strategy string
	// HealthCheck is services[].healthCheck; nil when absent.
	HealthCheck *IRHealthCheck
}

// IRHealthCheck is services[].healthCheck as written.
type IRHealthCheck struct {
	Path                    string
	Host                    string
	IntervalSeconds         int64
	TimeoutSeconds          int64
	UnhealthyThresholdCount int64
	HealthyThresholdCount   int64
}

// IRTCPProxy is an IngressRoute's spec.tcpproxy.
type IRTCPProxy struct {
	Services []IRService
	// Delegate is spec.tcpproxy.delegate; nil when absent.
	Delegate *IRDelegate
}

// TLSCertificateDelegationSpec is the spec of a TLSCertificateDelegation.
type TLSCertificateDelegationSpec struct {
	Delegations []CertificateDelegation
}

// CertificateDelegation is one spec.delegations entry. A target namespace "*" means
// every namespace.
type CertificateDelegation struct {
	SecretName       string
	TargetNamespaces []string
}

// IngressSpec is the spec of an Ingress (extensions/v1beta1, networking.k8s.io/v1beta1 or
// networking.k8s.io/v1).
type IngressSpec struct {
	// IngressClassName is spec.ingressClassName (networking.k8s.io).
	IngressClassName string
	// DefaultBackend is spec.backend (v1beta1) or spec.defaultBackend (v1); nil when absent.
	DefaultBackend *IngressBackend
	Rules          []IngressRule
	TLS            []IngressTLS
}

// IngressRule is one spec.rules entry. HasHTTP says whether rules[].http is present.
type IngressRule struct {
	Host    string
	HasHTTP bool
	Paths   []IngressPath
}

// IngressPath is one rules[].http.paths entry.
type IngressPath struct {
	Path     string
	PathType string // "Exact", "Prefix", "ImplementationSpecific" or ""
	// Backend is nil when absent.
	Backend *IngressBackend
}

// IngressBackend is an Ingress backend. The port is given by number (PortNumber) or by
// name (PortIsName, PortName). Resource is set for a `resource` backend, which names no
// Service.
type IngressBackend struct {
	Service    string
	PortIsName bool
	PortNumber int64
	PortName   string
	Resource   bool
}

// IngressTLS is one spec.tls entry.
type IngressTLS struct {
	SecretName string
	Hosts      []string
}

// ServiceSpec is the part of a v1 Service's spec the library reads.
type ServiceSpec struct {
	Ports []ServicePort
}

// ServicePort is one spec.ports entry; Name is "" when unnamed.
type ServicePort struct {
	Name string
	Port int64
}

// SecretSpec is what the library keeps of a v1 Secret: its type and the names of its
// data and stringData keys, never their values.
type SecretSpec struct {
	Type string
	// Keys are in byte order; a key in both data and stringData appears once.
	Keys []SecretKey
	// IsTLS says whether both tls.crt and tls.key are present and non-empty.
	IsTLS bool
}

// SecretKey is the name of one data key and whether its value is non-empty.
type SecretKey struct {
	Name     string
	NonEmpty bool
}

func (t *tape) readObject() Object {
	var o Object
	o.Kind = Kind(t.int())
	o.APIVersion = t.str()
	o.Namespace = t.str()
	o.Name = t.str()
	o.File = t.str()
	o.Line = t.u32()
	o.Column = t.u32()
	if n := t.count(); n > 0 {
		o.Annotations = make([]Annotation, n)
		for i := range o.Annotations {
			o.Annotations[i] = Annotation{Key: t.str(), Value: t.str()}
		}
	}
	o.Diagnostics = t.readDiagnostics()
	switch o.Kind {
	case KindIngressRoute:
		o.IngressRoute = t.readIngressRoute()
	case KindTLSCertificateDelegation:
		o.TLSCertificateDelegation = t.readTLSCD()
	case KindIngress:
		o.Ingress = t.readIngress()
	case KindService:
		o.Service = t.readService()
	case KindSecret:
		o.Secret = t.readSecret()
	}
	return o
}

func (t *tape) readIRServices() []IRService {
	n := t.count()
	if n == 0 {
		return nil
	}
	ss := make([]IRService, n)
	for i := range ss {
		s := &ss[i]
		s.Name = t.str()
		s.Port = t.int()
		s.Weight = t.int()
		s.Strategy = t.str()
		if t.bool() {
			s.HealthCheck = &IRHealthCheck{
				Path:                    t.str(),
				Host:                    t.str(),
				IntervalSeconds:         t.int(),
				TimeoutSeconds:          t.int(),
				UnhealthyThresholdCount: t.int(),
				HealthyThresholdCount:   t.int(),
			}
		}
	}
	return ss
}

func (t *tape) readIRDelegate() *IRDelegate {
	if !t.bool() {
		return nil
	}
	return &IRDelegate{Name: t.str(), Namespace: t.str()}
}

func (t *tape) readIngressRoute() *IngressRouteSpec {
	ir := &IngressRouteSpec{}
	if t.bool() {
		vh := &IRVirtualHost{FQDN: t.str()}
		if t.bool() {
			vh.TLS = &IRTLS{SecretName: t.str(), MinimumProtocolVersion: t.str(), Passthrough: t.bool()}
		}
		ir.VirtualHost = vh
	}
	if n := t.count(); n > 0 {
		ir.Routes = make([]IRRoute, n)
		for i := range ir.Routes {
			r := &ir.Routes[i]
			r.Match = t.str()
			r.Services = t.readIRServices()
			r.Delegate = t.readIRDelegate()
			r.EnableWebsockets = t.bool()
			r.PermitInsecure = t.bool()
			r.PrefixRewrite = t.str()
			if t.bool() {
				r.TimeoutPolicy = &IRTimeoutPolicy{Request: t.str()}
			}
			if t.bool() {
				r.RetryPolicy = &IRRetryPolicy{Count: t.int(), PerTryTimeout: t.str()}
			}
		}
	}
	if t.bool() {
		ir.TCPProxy = &IRTCPProxy{Services: t.readIRServices(), Delegate: t.readIRDelegate()}
	}
	return ir
}

func (t *tape) readStrings() []string {
	n := t.count()
	if n == 0 {
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = t.str()
	}
	return ss
}

func (t *tape) readTLSCD() *TLSCertificateDelegationSpec {
	spec := &TLSCertificateDelegationSpec{}
	if n := t.count(); n > 0 {
		spec.Delegations = make([]CertificateDelegation, n)
		for i := range spec.Delegations {
			spec.Delegations[i] = CertificateDelegation{SecretName: t.str(), TargetNamespaces: t.readStrings()}
		}
	}
	return spec
}

func (t *tape) readBackend() *IngressBackend {
	if !t.bool() {
		return nil
	}
	return &IngressBackend{
		Service:    t.str(),
		PortIsName: t.bool(),
		PortNumber: t.int(),
		PortName:   t.str(),
		Resource:   t.bool(),
	}
}

func (t *tape) readIngress() *IngressSpec {
	spec := &IngressSpec{IngressClassName: t.str(), DefaultBackend: t.readBackend()}
	if n := t.count(); n > 0 {
		spec.Rules = make([]IngressRule, n)
		for i := range spec.Rules {
			r := &spec.Rules[i]
			r.Host = t.str()
			r.HasHTTP = t.bool()
			if m := t.count(); m > 0 {
				r.Paths = make([]IngressPath, m)
				for j := range r.Paths {
					r.Paths[j] = IngressPath{Path: t.str(), PathType: t.str(), Backend: t.readBackend()}
				}
			}
		}
	}
	if n := t.count(); n > 0 {
		spec.TLS = make([]IngressTLS, n)
		for i := range spec.TLS {
			spec.TLS[i] = IngressTLS{SecretName: t.str(), Hosts: t.readStrings()}
		}
	}
	return spec
}

func (t *tape) readService() *ServiceSpec {
	spec := &ServiceSpec{}
	if n := t.count(); n > 0 {
		spec.Ports = make([]ServicePort, n)
		for i := range spec.Ports {
			spec.Ports[i] = ServicePort{Name: t.str(), Port: t.int()}
		}
	}
	return spec
}

func (t *tape) readSecret() *SecretSpec {
	spec := &SecretSpec{Type: t.str()}
	if n := t.count(); n > 0 {
		spec.Keys = make([]SecretKey, n)
		for i := range spec.Keys {
			spec.Keys[i] = SecretKey{Name: t.str(), NonEmpty: t.bool()}
		}
	}
	spec.IsTLS = t.bool()
	return spec
}
