package contour

/*
#include <stdlib.h>
#include <contour/contour.h>
*/
import "C"

import (
	"strconv"
	"strings"
	"unsafe"
)

// Limits bound what one input can make the library do. Exceeding one is an error
// diagnostic at the offending position. A zero field means the library's default (see
// DefaultLimits).
type Limits struct {
	InputBytes     uint64 // bytes in one file or buffer (default 256 MiB)
	Depth          uint64 // nesting depth of maps and lists (default 64)
	Documents      uint64 // documents and List items per input (default 1,000,000)
	AliasExpansion uint64 // nodes YAML aliases may add to one document (default 10,000)
	ScalarBytes    uint64 // bytes in one scalar or string (default 1 MiB)
	DocumentNodes  uint64 // maps, lists and scalars in one document (default 1,000,000)
	Routes         uint64 // routes one resolution publishes, both listeners (default 1,000,000)
}

func (l *Limits) fields() [numLimits]*uint64 {
	return [numLimits]*uint64{
		C.CONTOUR_LIMIT_INPUT_BYTES:     &l.InputBytes,
		C.CONTOUR_LIMIT_DEPTH:           &l.Depth,
		C.CONTOUR_LIMIT_DOCUMENTS:       &l.Documents,
		C.CONTOUR_LIMIT_ALIAS_EXPANSION: &l.AliasExpansion,
		C.CONTOUR_LIMIT_SCALAR_BYTES:    &l.ScalarBytes,
		C.CONTOUR_LIMIT_DOCUMENT_NODES:  &l.DocumentNodes,
		C.CONTOUR_LIMIT_ROUTES:          &l.Routes,
	}
}

var limitNames = [numLimits]string{"InputBytes", "Depth", "Documents", "AliasExpansion", "ScalarBytes", "DocumentNodes", "Routes"}

// numLimits is the number of limits (contour_limit_count(); TestLimitCount checks it).
const numLimits = 7

// DefaultLimits returns the limits the library uses when none are set.
func DefaultLimits() (Limits, error) {
	var l Limits
	if versionErr != nil {
		return l, versionErr
	}
	var c *C.contour_config
	if st := C.contour_config_new(&c); st != C.CONTOUR_OK {
		return l, newError(st, "new config", "")
	}
	defer C.contour_config_free(c)
	for i, p := range l.fields() {
		*p = uint64(C.contour_config_limit(c, C.contour_limit(i)))
	}
	return l, nil
}

// Config holds the settings for loading and resolving. The zero value (and a nil
// *Config) means the library's defaults. A Config is a plain Go value holding no C
// memory: the binding converts it into a C contour_config for each call that needs one
// (NewSnapshot, Resolve, ResolveUpdate, Validate), so it may be copied freely, shared by many goroutines
// as long as none changes it, and changing it afterwards does not affect snapshots and
// graphs made with it. A snapshot keeps its own copy (Snapshot.Config shows it).
type Config struct {
	// DefaultNamespace is given to objects whose metadata.namespace is missing or empty.
	// "" means "default". Used when loading.
	DefaultNamespace string
	// IngressClass is the ingress class this controller serves. An Ingress or
	// IngressRoute whose class annotation (or spec.ingressClassName) names another class
	// gets no status and no routes, only an info diagnostic. "" means "contour", which
	// accepts objects without a class and those of class "contour".
	IngressClass string
	// EmptyIngressClass makes the controller serve the empty class "" (objects without a
	// class, of class "" and of class "contour") instead of IngressClass, which must then
	// be "".
	EmptyIngressClass bool
	// RootNamespaces are the namespaces in which root IngressRoutes may live. Empty means
	// anywhere.
	RootNamespaces []string
	// HTTPPort and HTTPSPort are the ports of the insecure and secure listeners; 0 means
	// 80 and 443. They must differ.
	HTTPPort  uint32
	HTTPSPort uint32
	// Limits bound the work one input can cause; zero fields mean the defaults. Used
	// when loading.
	Limits Limits
	// Format is the format of inputs: FormatAuto (the default) detects it per input.
	Format Format
	// Strict makes the load functions return a *LoadError when the input they loaded
	// produced error diagnostics. Without it, such diagnostics are only recorded in the
	// snapshot (see Snapshot.Diagnostics) and loading succeeds.
	Strict bool
	// Threads is how many threads one library call may use: a load reads a large YAML
	// input (several MiB of documents) in pieces, and Resolve and ResolveUpdate compute in
	// blocks, on up to that many threads, which the call starts and joins before it
	// returns; the result is the one a single thread gives. 0 means the library's default
	// (1: everything on the calling thread), AllThreads the machine's online CPUs;
	// values above 64 are taken as 64. A snapshot keeps it for loading and for Resolve(nil);
	// a Config given to Resolve or ResolveUpdate sets it for that resolution.
	Threads int
	// FollowLinks makes loading a directory read files through symbolic links that lead
	// outside it. Off by default: such a link is skipped with a "link-outside" warning, so
	// that an untrusted tree cannot make a load read (and quote) files elsewhere. A path
	// given to LoadPath itself is always read. Used when loading.
	FollowLinks bool
}

// AllThreads as Config.Threads lets a call use as many threads as the machine has online
// CPUs (counted when the Config is converted for the call).
const AllThreads = -1

func (c *Config) format() C.contour_format {
	if c == nil {
		return C.CONTOUR_FORMAT_AUTO
	}
	return C.contour_format(c.Format)
}

func (c *Config) strict() bool { return c != nil && c.Strict }

// cstr passes a Go string's bytes to C without copying: the memory holds no Go pointers
// and C only reads it during the call. The library takes a length, but keeps the string
// as a C string, so a NUL byte would cut it short there ("a\x00b" would name "a"): such
// strings are refused with an error matching ErrInvalid and ErrNUL.
func cstr(op, what, s string) (*C.char, C.size_t, error) {
	if strings.IndexByte(s, 0) >= 0 {
		return nil, 0, nulError(op, what, s)
	}
	if len(s) == 0 {
		return nil, 0, nil
	}
	return (*C.char)(unsafe.Pointer(unsafe.StringData(s))), C.size_t(len(s)), nil
}

// nulError is the error for a string that contains a NUL byte.
func nulError(op, what, s string) *Error {
	return &Error{Status: CodeInvalid, Op: op, Detail: what + " " + strconv.Quote(s), Err: ErrNUL}
}

func configError(st C.contour_result, detail string) *Error {
	return newError(st, "config", detail)
}

// newC builds the C config for one call; the caller frees it with contour_config_free.
// A nil Config gives a nil C config, which the library reads as the defaults.
func (c *Config) newC() (*C.contour_config, error) {
	if c == nil {
		return nil, nil
	}
	var cc *C.contour_config
	if st := C.contour_config_new(&cc); st != C.CONTOUR_OK {
		return nil, configError(st, "")
	}
	fail := func(st C.contour_result, detail string) (*C.contour_config, error) {
		C.contour_config_free(cc)
		return nil, configError(st, detail)
	}
	cfgStr := func(what, v string) (*C.char, C.size_t, error) {
		p, n, err := cstr("config", what, v)
		if err != nil {
			C.contour_config_free(cc)
		}
		return p, n, err
	}
	if c.DefaultNamespace != "" {
		p, n, err := cfgStr("DefaultNamespace", c.DefaultNamespace)
		if err != nil {
			return nil, err
		}
		if st := C.contour_config_set_default_namespace(cc, p, n); st != C.CONTOUR_OK {
			return fail(st, "DefaultNamespace "+strconv.Quote(c.DefaultNamespace))
		}
	}
	if c.EmptyIngressClass {
		if c.IngressClass != "" {
			return fail(C.CONTOUR_ERR_INVALID, "IngressClass "+strconv.Quote(c.IngressClass)+" with EmptyIngressClass")
		}
		if st := C.contour_config_set_ingress_class(cc, nil, 0); st != C.CONTOUR_OK {
			return fail(st, "EmptyIngressClass")
		}
	} else if c.IngressClass != "" {
		p, n, err := cfgStr("IngressClass", c.IngressClass)
		if err != nil {
			return nil, err
		}
		if st := C.contour_config_set_ingress_class(cc, p, n); st != C.CONTOUR_OK {
			return fail(st, "IngressClass "+strconv.Quote(c.IngressClass))
		}
	}
	for _, ns := range c.RootNamespaces {
		p, n, err := cfgStr("RootNamespaces entry", ns)
		if err != nil {
			return nil, err
		}
		if st := C.contour_config_add_root_namespace(cc, p, n); st != C.CONTOUR_OK {
			return fail(st, "RootNamespaces entry "+strconv.Quote(ns))
		}
	}
	if c.HTTPPort != 0 || c.HTTPSPort != 0 {
		http, https := c.HTTPPort, c.HTTPSPort
		if http == 0 {
			http = 80
		}
		if https == 0 {
			https = 443
		}
		if st := C.contour_config_set_ports(cc, C.uint32_t(http), C.uint32_t(https)); st != C.CONTOUR_OK {
			return fail(st, "ports "+strconv.FormatUint(uint64(http), 10)+"/"+strconv.FormatUint(uint64(https), 10))
		}
	}
	l := c.Limits
	for i, p := range l.fields() {
		if *p == 0 {
			continue
		}
		if st := C.contour_config_set_limit(cc, C.contour_limit(i), C.uint64_t(*p)); st != C.CONTOUR_OK {
			return fail(st, "Limits."+limitNames[i])
		}
	}
	switch {
	case c.Threads == AllThreads:
		if st := C.contour_config_set_threads(cc, 0); st != C.CONTOUR_OK {
			return fail(st, "Threads")
		}
	case c.Threads < 0:
		return fail(C.CONTOUR_ERR_INVALID, "Threads "+strconv.Itoa(c.Threads))
	case c.Threads > 0:
		n := c.Threads
		if n > 64 {
			n = 64
		}
		if st := C.contour_config_set_threads(cc, C.uint32_t(n)); st != C.CONTOUR_OK {
			return fail(st, "Threads "+strconv.Itoa(c.Threads))
		}
	}
	if c.FollowLinks {
		if st := C.contour_config_set_follow_links(cc, true); st != C.CONTOUR_OK {
			return fail(st, "FollowLinks")
		}
	}
	if c.Format < FormatAuto || c.Format > FormatJSON {
		return fail(C.CONTOUR_ERR_INVALID, "Format "+strconv.Itoa(int(c.Format)))
	}
	return cc, nil
}

// Validate reports whether the library accepts the settings, returning the *Error that
// loading or resolving with them would return.
func (c *Config) Validate() error {
	if versionErr != nil {
		return versionErr
	}
	cc, err := c.newC()
	if err != nil {
		return err
	}
	C.contour_config_free(cc)
	return nil
}

// configFromC reads a C config back into a Config (every field the library has).
func configFromC(cc *C.contour_config) *Config {
	cfg := &Config{
		DefaultNamespace: C.GoString(C.contour_config_default_namespace(cc)),
		IngressClass:     C.GoString(C.contour_config_ingress_class(cc)),
		HTTPPort:         uint32(C.contour_config_http_port(cc)),
		HTTPSPort:        uint32(C.contour_config_https_port(cc)),
		Threads:          int(C.contour_config_threads(cc)),
		FollowLinks:      bool(C.contour_config_follow_links(cc)),
	}
	cfg.EmptyIngressClass = cfg.IngressClass == ""
	if n := int(C.contour_config_root_namespace_count(cc)); n > 0 {
		cfg.RootNamespaces = make([]string, n)
		for i := range cfg.RootNamespaces {
			cfg.RootNamespaces[i] = C.GoString(C.contour_config_root_namespace_at(cc, C.size_t(i)))
		}
	}
	for i, p := range cfg.Limits.fields() {
		*p = uint64(C.contour_config_limit(cc, C.contour_limit(i)))
	}
	return cfg
}
