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

// ---- decoding (docs/export.md: OBJECT and the tables after it) ----
//
// As for the graph, each table is decoded once into one slice; ranges are sub-slices and
// refs pointers into them.

// objects decodes the OBJECT table; nil when it is empty.
func (x *export) objects() []Object {
	n := x.count[tObject]
	if n == 0 {
		return nil
	}
	strs := x.strings()
	annotations := make([]Annotation, x.count[tAnnotation])
	for i := range annotations {
		r := x.rec(tAnnotation, i)
		annotations[i] = Annotation{Key: r.str(), Value: r.str()}
	}
	diags := x.diagnostics(tObjectDiagnostic)
	irs := x.ingressRoutes()
	tds := x.tlsCertificateDelegations(strs)
	ings := x.ingresses(strs)
	svcs := x.services()
	secs := x.secrets()
	objs := make([]Object, n)
	for i := range objs {
		r := x.rec(tObject, i)
		o := &objs[i]
		o.Kind = Kind(r.int())
		o.APIVersion = r.str()
		o.Namespace = r.str()
		o.Name = r.str()
		o.File = r.str()
		o.Line = r.u32()
		o.Column = r.u32()
		o.Annotations = rangeOf(annotations, &r)
		o.Diagnostics = rangeOf(diags, &r)
		spec := r.ref()
		switch o.Kind {
		case KindIngressRoute:
			o.IngressRoute = &irs[spec]
		case KindTLSCertificateDelegation:
			o.TLSCertificateDelegation = &tds[spec]
		case KindIngress:
			o.Ingress = &ings[spec]
		case KindService:
			o.Service = &svcs[spec]
		case KindSecret:
			o.Secret = &secs[spec]
		}
	}
	return objs
}

func (x *export) irServices() []IRService {
	hcs := make([]IRHealthCheck, x.count[tHealthCheck])
	for i := range hcs {
		r := x.rec(tHealthCheck, i)
		hcs[i] = IRHealthCheck{
			Path:                    r.str(),
			Host:                    r.str(),
			IntervalSeconds:         r.int(),
			TimeoutSeconds:          r.int(),
			UnhealthyThresholdCount: r.int(),
			HealthyThresholdCount:   r.int(),
		}
	}
	ss := make([]IRService, x.count[tIRService])
	for i := range ss {
		r := x.rec(tIRService, i)
		s := &ss[i]
		s.Name = r.str()
		s.Port = r.int()
		s.Weight = r.int()
		s.Strategy = r.str()
		if hc := r.ref(); hc >= 0 {
			s.HealthCheck = &hcs[hc]
		}
	}
	return ss
}

// irDelegate reads a has_delegate flag and the name and namespace after it.
func irDelegate(r *rec, ds *chunks[IRDelegate]) *IRDelegate {
	has := r.bool()
	d := IRDelegate{Name: r.str(), Namespace: r.str()}
	if !has {
		return nil
	}
	p := ds.new()
	*p = d
	return p
}

func (x *export) ingressRoutes() []IngressRouteSpec {
	services := x.irServices()
	routes := make([]IRRoute, x.count[tIRRoute])
	var delegates chunks[IRDelegate]
	var timeouts chunks[IRTimeoutPolicy]
	var retries chunks[IRRetryPolicy]
	for i := range routes {
		r := x.rec(tIRRoute, i)
		rt := &routes[i]
		rt.Match = r.str()
		rt.Services = rangeOf(services, &r)
		rt.Delegate = irDelegate(&r, &delegates)
		rt.EnableWebsockets = r.bool()
		rt.PermitInsecure = r.bool()
		rt.PrefixRewrite = r.str()
		hasTimeout, request := r.bool(), r.str()
		if hasTimeout {
			rt.TimeoutPolicy = timeouts.new()
			rt.TimeoutPolicy.Request = request
		}
		hasRetry := r.bool()
		retry := IRRetryPolicy{Count: r.int(), PerTryTimeout: r.str()}
		if hasRetry {
			rt.RetryPolicy = retries.new()
			*rt.RetryPolicy = retry
		}
	}
	irs := make([]IngressRouteSpec, x.count[tIngressRoute])
	var vhosts chunks[IRVirtualHost]
	var tlss chunks[IRTLS]
	var tcps chunks[IRTCPProxy]
	for i := range irs {
		r := x.rec(tIngressRoute, i)
		ir := &irs[i]
		hasVH, fqdn := r.bool(), r.str()
		hasTLS := r.bool()
		tls := IRTLS{SecretName: r.str(), MinimumProtocolVersion: r.str(), Passthrough: r.bool()}
		if hasVH {
			ir.VirtualHost = vhosts.new()
			ir.VirtualHost.FQDN = fqdn
			if hasTLS {
				ir.VirtualHost.TLS = tlss.new()
				*ir.VirtualHost.TLS = tls
			}
		}
		ir.Routes = rangeOf(routes, &r)
		hasTCP := r.bool()
		tcp := IRTCPProxy{Services: rangeOf(services, &r), Delegate: irDelegate(&r, &delegates)}
		if hasTCP {
			ir.TCPProxy = tcps.new()
			*ir.TCPProxy = tcp
		}
	}
	return irs
}

func (x *export) tlsCertificateDelegations(strs []string) []TLSCertificateDelegationSpec {
	ds := make([]CertificateDelegation, x.count[tTLSCDDelegation])
	for i := range ds {
		r := x.rec(tTLSCDDelegation, i)
		ds[i] = CertificateDelegation{SecretName: r.str()}
		ds[i].TargetNamespaces = rangeOf(strs, &r)
	}
	specs := make([]TLSCertificateDelegationSpec, x.count[tTLSCD])
	for i := range specs {
		r := x.rec(tTLSCD, i)
		specs[i].Delegations = rangeOf(ds, &r)
	}
	return specs
}

func (x *export) ingresses(strs []string) []IngressSpec {
	backends := make([]IngressBackend, x.count[tIngressBackend])
	for i := range backends {
		r := x.rec(tIngressBackend, i)
		b := &backends[i]
		b.Service = r.str()
		b.PortNumber = r.int()
		name, null := r.isNull()
		b.PortName, b.PortIsName = name, !null
		b.Resource = r.bool()
	}
	backend := func(ref int) *IngressBackend {
		if ref < 0 {
			return nil
		}
		return &backends[ref]
	}
	paths := make([]IngressPath, x.count[tIngressPath])
	for i := range paths {
		r := x.rec(tIngressPath, i)
		paths[i] = IngressPath{Path: r.str(), PathType: r.str()}
		paths[i].Backend = backend(r.ref())
	}
	rules := make([]IngressRule, x.count[tIngressRule])
	for i := range rules {
		r := x.rec(tIngressRule, i)
		rules[i] = IngressRule{Host: r.str(), HasHTTP: r.bool()}
		rules[i].Paths = rangeOf(paths, &r)
	}
	tlss := make([]IngressTLS, x.count[tIngressTLS])
	for i := range tlss {
		r := x.rec(tIngressTLS, i)
		tlss[i] = IngressTLS{SecretName: r.str()}
		tlss[i].Hosts = rangeOf(strs, &r)
	}
	specs := make([]IngressSpec, x.count[tIngress])
	for i := range specs {
		r := x.rec(tIngress, i)
		s := &specs[i]
		s.IngressClassName = r.str()
		s.DefaultBackend = backend(r.ref())
		s.Rules = rangeOf(rules, &r)
		s.TLS = rangeOf(tlss, &r)
	}
	return specs
}

func (x *export) services() []ServiceSpec {
	ports := make([]ServicePort, x.count[tServicePort])
	for i := range ports {
		r := x.rec(tServicePort, i)
		ports[i] = ServicePort{Name: r.str(), Port: r.int()}
	}
	specs := make([]ServiceSpec, x.count[tService])
	for i := range specs {
		r := x.rec(tService, i)
		specs[i].Ports = rangeOf(ports, &r)
	}
	return specs
}

func (x *export) secrets() []SecretSpec {
	keys := make([]SecretKey, x.count[tSecretKey])
	for i := range keys {
		r := x.rec(tSecretKey, i)
		keys[i] = SecretKey{Name: r.str(), NonEmpty: r.bool()}
	}
	specs := make([]SecretSpec, x.count[tSecret])
	for i := range specs {
		r := x.rec(tSecret, i)
		s := &specs[i]
		s.Type = r.str()
		s.Keys = rangeOf(keys, &r)
		s.IsTLS = r.bool()
	}
	return specs
}
