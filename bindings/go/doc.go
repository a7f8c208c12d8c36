// Package contour is the Go binding of libcontour, a C library that models Contour's
// IngressRoute handling: it loads Kubernetes IngressRoute, Ingress,
// TLSCertificateDelegation, Service and Secret manifests (YAML or JSON) into a Snapshot,
// resolves them into a route Graph with one Status per IngressRoute, and renders the
// graph as JSON, text or Graphviz DOT.
//
// # Flow
//
//	snap, err := contour.Load([]string{"manifests/"}, nil)
//	if err != nil { ... }
//	defer snap.Close()
//	graph, err := snap.Resolve(nil)
//	if err != nil { ... }
//	defer graph.Close()
//	for _, l := range graph.Listeners() { ... }
//	for _, s := range graph.Statuses() { ... }
//
// # Errors
//
// Problems with the input are not Go errors: they are Diagnostics (with file, line and
// column) and Statuses, and the call that met them succeeds. An error means the call
// itself failed: an *Error carrying the library's status Code (match it with errors.Is
// against ErrNoMemory, ErrInvalid, ErrNotFound, ErrIO or ErrLimit), or, when
// Config.Strict is set, a *LoadError listing the error diagnostics of a load.
//
// # Memory and lifetime
//
// Snapshot and Graph own C memory; release it with Close. Close is idempotent, and a
// finalizer frees a forgotten handle, but the Go garbage collector does not see C memory,
// so close handles promptly. Every value returned (Object, Listener, Status,
// Diagnostic, rendered bytes) is a Go copy with no C pointers in it: it stays valid after
// the handle it came from is closed. The strings of one call share one backing
// allocation. Copying out uses the C heap for a moment; if malloc fails there, the
// method panics, as a failed Go allocation would.
//
// # Concurrency
//
// The library keeps no thread-local or global state, so no call needs
// runtime.LockOSThread. A Graph is immutable and may be read from any number of
// goroutines. A Snapshot may be read and resolved from many goroutines at once; its
// loads and removals take it exclusively (the binding serialises them with a lock, so
// concurrent use is safe, but loads wait for resolutions in progress and vice versa).
//
// # Versions
//
// The binding is written for ABI major version ABIMajor. When the package is
// initialised it compares that with the major version of the libcontour loaded at run
// time (LibraryVersion); if they differ, every constructor returns a *VersionError
// naming both.
//
// # Building
//
// The package uses cgo with `#cgo pkg-config: contour`: the libcontour headers and
// library must be found through pkg-config (PKG_CONFIG_PATH), and the shared library at
// run time (the system's library path or LD_LIBRARY_PATH).
package contour

/*
#cgo pkg-config: contour
*/
import "C"
