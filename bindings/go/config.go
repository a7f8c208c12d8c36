package contour

/*
#include <stdlib.h>
#include <contour/contour.h>
*/
import "C"

import (
	"strconv"
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
}

func (l *Limits) fields() [numLimits]*uint64 {
	return [numLimits]*uint64{
		C.CONTOUR_LIMIT_INPUT_BYTES:     &l.InputBytes,
		C.CONTOUR_LIMIT_DEPTH:           &l.Depth,
		C.CONTOUR_LIMIT_DOCUMENTS:       &l.Documents,
		C.CONTOUR_LIMIT_ALIAS_EXPANSION: &l.AliasExpansion,
		C.CONTOUR_LIMIT_SCALAR_BYTES:    &l.ScalarBytes,
		C.CONTOUR_LIMIT_DOCUMENT_NODES:  &l.DocumentNodes,
	}
}

var limitNames = [numLimits]string{"InputBytes", "Depth", "Documents", "AliasExpansion", "ScalarBytes", "DocumentNodes"}

// numLimits is the number of limits (contour_limit_count(); TestLimitCount checks it).
const numLimits = 6

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
// *Config) means the library's defaults. A Config is a plain value: the binding converts
// it into a C contour_config for each call that needs one, so it may be shared by many
// goroutines as long as none changes it, and changing it afterwards does not affect
// snapshots and graphs made with it.
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
	// Limits bound the work one input can cause; zero fields mean the defaults.
	Limits Limits
	// Format is the format of inputs: FormatAuto (the default) detects it per input.
	Format Format
	// Strict makes the load functions return a *LoadError when the input they loaded
	// produced error diagnostics. Without it, such diagnostics are only recorded in the
	// snapshot (see Snapshot.Diagnostics) and loading succeeds.
	Strict bool
}

// clone returns a deep copy of c (nil for nil).
func (c *Config) clone() *Config {
	if c == nil {
		return nil
	}
	d := *c
	d.RootNamespaces = append([]string(nil), c.RootNamespaces...)
	return &d
}

func (c *Config) format() C.contour_format {
	if c == nil {
		return C.CONTOUR_FORMAT_AUTO
	}
	return C.contour_format(c.Format)
}

func (c *Config) strict() bool { return c != nil && c.Strict }

// cstr passes a Go string's bytes to C without copying: the memory holds no Go pointers
// and C only reads it during the call.
func cstr(s string) (*C.char, C.size_t) {
	if len(s) == 0 {
		return nil, 0
	}
	return (*C.char)(unsafe.Pointer(unsafe.StringData(s))), C.size_t(len(s))
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
	if c.DefaultNamespace != "" {
		p, n := cstr(c.DefaultNamespace)
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
		p, n := cstr(c.IngressClass)
		if st := C.contour_config_set_ingress_class(cc, p, n); st != C.CONTOUR_OK {
			return fail(st, "IngressClass "+strconv.Quote(c.IngressClass))
		}
	}
	for _, ns := range c.RootNamespaces {
		p, n := cstr(ns)
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
