package contour

/*
#include <contour/contour.h>
*/
import "C"

import (
	"strconv"
	"unsafe"
)

// Copy-out. Every method that returns Go values makes one cgo call: the library's bulk
// copy-out (contour/export.h) writes what is asked for as tables of fixed-size int64
// records plus a string pool, laid out as docs/export.md describes; the readers in
// graph.go, object.go and diagnostic.go decode those records field by field, in the
// order of that document. The words are read in place in C memory; the pool is copied
// once into one Go string, and every decoded string is a slice of it.

// layoutVersion is the export layout this binding reads (docs/export.md). A later
// library may have a higher one: it only appends tables and record fields, and the
// reader takes record sizes from the export's header.
const layoutVersion = 1

// The tables of an export (contour_export_table) and the record sizes of layout version 1.
const (
	tListener         = C.CONTOUR_EXPORT_TABLE_LISTENER
	tVHost            = C.CONTOUR_EXPORT_TABLE_VHOST
	tRoute            = C.CONTOUR_EXPORT_TABLE_ROUTE
	tCluster          = C.CONTOUR_EXPORT_TABLE_CLUSTER
	tHealthCheck      = C.CONTOUR_EXPORT_TABLE_HEALTH_CHECK
	tStatus           = C.CONTOUR_EXPORT_TABLE_STATUS
	tString           = C.CONTOUR_EXPORT_TABLE_STRING
	tDiagnostic       = C.CONTOUR_EXPORT_TABLE_DIAGNOSTIC
	tObject           = C.CONTOUR_EXPORT_TABLE_OBJECT
	tObjectDiagnostic = C.CONTOUR_EXPORT_TABLE_OBJECT_DIAGNOSTIC
	tAnnotation       = C.CONTOUR_EXPORT_TABLE_ANNOTATION
	tIngressRoute     = C.CONTOUR_EXPORT_TABLE_INGRESSROUTE
	tIRRoute          = C.CONTOUR_EXPORT_TABLE_INGRESSROUTE_ROUTE
	tIRService        = C.CONTOUR_EXPORT_TABLE_INGRESSROUTE_SERVICE
	tTLSCD            = C.CONTOUR_EXPORT_TABLE_TLSCERTIFICATEDELEGATION
	tTLSCDDelegation  = C.CONTOUR_EXPORT_TABLE_TLSCERTIFICATEDELEGATION_DELEGATION
	tIngress          = C.CONTOUR_EXPORT_TABLE_INGRESS
	tIngressRule      = C.CONTOUR_EXPORT_TABLE_INGRESS_RULE
	tIngressPath      = C.CONTOUR_EXPORT_TABLE_INGRESS_PATH
	tIngressBackend   = C.CONTOUR_EXPORT_TABLE_INGRESS_BACKEND
	tIngressTLS       = C.CONTOUR_EXPORT_TABLE_INGRESS_TLS
	tService          = C.CONTOUR_EXPORT_TABLE_SERVICE
	tServicePort      = C.CONTOUR_EXPORT_TABLE_SERVICE_PORT
	tSecret           = C.CONTOUR_EXPORT_TABLE_SECRET
	tSecretKey        = C.CONTOUR_EXPORT_TABLE_SECRET_KEY
	numTables         = 25
)

// recordWords are the record sizes of layout version 1; TestExportLayoutDoc checks them
// against docs/export.md.
var recordWords = [numTables]int{
	tListener: 6, tVHost: 15, tRoute: 21, tCluster: 17, tHealthCheck: 8, tStatus: 14,
	tString: 2, tDiagnostic: 16, tObject: 16, tObjectDiagnostic: 16, tAnnotation: 4,
	tIngressRoute: 19, tIRRoute: 20, tIRService: 7, tTLSCD: 2, tTLSCDDelegation: 4,
	tIngress: 7, tIngressRule: 5, tIngressPath: 5, tIngressBackend: 6, tIngressTLS: 4,
	tService: 2, tServicePort: 3, tSecret: 5, tSecretKey: 3,
}

// Export parts (contour_export_part).
const (
	partListeners   = C.CONTOUR_EXPORT_PART_LISTENERS
	partStatuses    = C.CONTOUR_EXPORT_PART_STATUSES
	partDiagnostics = C.CONTOUR_EXPORT_PART_DIAGNOSTICS
	partObjects     = C.CONTOUR_EXPORT_PART_OBJECTS
)

// export is one contour_export being decoded.
type export struct {
	c     *C.contour_export
	w     []int64 // in C memory until free
	pool  string  // a Go copy
	start [numTables]int
	count [numTables]int
	size  [numTables]int
}

// runExport runs one of the export calls and opens its result; the caller frees it.
// A failed call (only out of memory, as the binding passes valid arguments) panics, as a
// failed Go allocation would.
func runExport(op string, call func(out **C.contour_export) C.contour_result) *export {
	var c *C.contour_export
	if st := call(&c); st != C.CONTOUR_OK {
		panic(newError(st, op, "copy out"))
	}
	x := &export{c: c}
	x.w = unsafe.Slice((*int64)(unsafe.Pointer(C.contour_export_words(c))), int(C.contour_export_word_count(c)))
	if n := int(C.contour_export_string_size(c)); n > 0 {
		x.pool = string(unsafe.Slice((*byte)(unsafe.Pointer(C.contour_export_strings(c))), n))
	}
	if len(x.w) < 3 || x.w[0] < layoutVersion || x.w[2] < numTables {
		x.free()
		panic("contour: the library's export layout is not one this binding reads (version " +
			strconv.FormatInt(x.w[0], 10) + ")")
	}
	for t := 0; t < numTables; t++ {
		x.start[t] = int(x.w[3+3*t])
		x.count[t] = int(x.w[4+3*t])
		x.size[t] = int(x.w[5+3*t])
		if x.size[t] < recordWords[t] {
			x.free()
			panic("contour: export table " + strconv.Itoa(t) + " has records of " +
				strconv.Itoa(x.size[t]) + " words, fewer than this binding reads")
		}
	}
	return x
}

func (x *export) free() {
	x.w = nil
	C.contour_export_free(x.c)
	x.c = nil
}

// rec is a reader of one record: its fields, read in the order of docs/export.md.
type rec struct {
	w    []int64
	i    int
	pool string
}

func (x *export) rec(table, row int) rec {
	s := x.start[table] + row*x.size[table]
	return rec{w: x.w[s : s+x.size[table]], pool: x.pool}
}

func (r *rec) int() int64 {
	v := r.w[r.i]
	r.i++
	return v
}

func (r *rec) bool() bool { return r.int() != 0 }

func (r *rec) u32() uint32 { return uint32(r.int()) }

// str reads a str field; NULL reads as "".
func (r *rec) str() string {
	off, n := r.int(), r.int()
	if off < 0 {
		return ""
	}
	return r.pool[off : off+n]
}

// optStr reads a str field into a string from ss; NULL reads as nil.
func (r *rec) optStr(ss *chunks[string]) *string {
	off, n := r.int(), r.int()
	if off < 0 {
		return nil
	}
	p := ss.new()
	*p = r.pool[off : off+n]
	return p
}

// isNull reads a str field and says whether it was NULL.
func (r *rec) isNull() (string, bool) {
	off, n := r.int(), r.int()
	if off < 0 {
		return "", true
	}
	return r.pool[off : off+n], false
}

// ref reads a ref field: a row, or -1.
func (r *rec) ref() int { return int(r.int()) }

// rng reads a range field: the first row and the number of rows.
func (r *rec) rng() (first, n int) { return int(r.int()), int(r.int()) }

// sub returns the part of a decoded table a range names, nil when empty; its capacity
// ends with it, so appending to it never overwrites a neighbour's records.
func sub[T any](all []T, first, n int) []T {
	if n == 0 {
		return nil
	}
	return all[first : first+n : first+n]
}

// rangeOf reads a range field of r and returns that part of the decoded table all.
func rangeOf[T any](all []T, r *rec) []T {
	first, n := r.rng()
	return sub(all, first, n)
}

// chunks hands out the values that optional fields point to, allocated 256 at a time:
// one allocation per record would cost more, and one per table record too much memory
// when few records have the field.
type chunks[T any] struct{ free []T }

func (c *chunks[T]) new() *T {
	if len(c.free) == 0 {
		c.free = make([]T, 256)
	}
	p := &c.free[0]
	c.free = c.free[1:]
	return p
}

// strings decodes the STRING table.
func (x *export) strings() []string {
	ss := make([]string, x.count[tString])
	for i := range ss {
		r := x.rec(tString, i)
		ss[i] = r.str()
	}
	return ss
}
