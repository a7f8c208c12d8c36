// Package contour is the Go binding of libcontour, a C library that models Contour's
// IngressRoute handling: it loads Kubernetes IngressRoute, Ingress,
// TLSCertificateDelegation, Service and Secret manifests (YAML or JSON) into a Snapshot,
// resolves them into a route Graph with one Status per IngressRoute, and renders the
// graph as JSON, text or Graphviz DOT.
//
// # Flow
//
//	snap, err := contour.Load([]string{"manifests/"}, nil)
//	defer snap.Close() // nil-safe; Load returns the snapshot with most errors
//	if err != nil { ... }
//	graph, err := snap.Resolve(nil)
//	if err != nil { ... }
//	defer graph.Close()
//	for _, l := range graph.Listeners() { ... }
//	for _, s := range graph.Statuses() { ... }
//
// # Following changes
//
// A long-running process (a controller, a file watcher) keeps one snapshot and changes it
// source by source: SetSource replaces everything loaded under a source name in one step
// (name the source after the object for a watch event), RemoveSource drops it.
// ResolveUpdate then brings the previous graph up to date, resolving only what the
// changes can affect (the result is byte for byte Resolve's), and DiffGraphs says what
// changed, in time proportional to the change:
//
//	snap.SetSource("IngressRoute/ns1/a", objectJSON)
//	next, err := snap.ResolveUpdate(prev, nil)
//	diff, err := contour.DiffGraphs(prev, next)
//	for _, s := range diff.Statuses { ... }
//	prev.Close()
//
// Graphs also answer reverse lookups (ReferencesTo, ReferencesFrom), write themselves to
// an io.Writer as they are rendered (WriteTo, WriteFormat), and a snapshot reviews a
// proposed change without making it (Review, WhatIf, AdmissionReview: what a validating
// admission webhook needs).
//
// # Errors
//
// Problems with the input are not Go errors: they are Diagnostics (with file, line and
// column) and Statuses, and the call that met them succeeds. An error means the call
// itself failed: an *Error carrying the library's status Code (match it with errors.Is
// against ErrNoMemory, ErrInvalid, ErrNotFound, ErrIO or ErrLimit), or, when
// Config.Strict is set, a *LoadError listing the error diagnostics of a load. Like the C
// library, loading keeps going past a path it cannot read: Load returns the snapshot of
// everything it could read together with the errors. Strings the library would keep as
// C strings (paths, source names, namespaces and names, Config strings) are refused when
// they contain a NUL byte (ErrNUL), instead of being cut short there.
//
// # Memory and lifetime
//
// Snapshot and Graph own C memory; release it with Close. Copies of a Snapshot or Graph
// value share it, and Close is idempotent across them; a method called after Close
// reports the handle closed (ErrClosed) or returns an empty result, never touching freed
// memory. Close does not wait for calls in progress: the C object is freed when the last
// of them returns. A finalizer frees a forgotten handle, but the Go garbage collector does
// not see C memory, so close handles promptly. Config, Filter and Policy hold no C
// memory: they are plain values, converted for each call that needs them. Every value
// returned (Object, Listener, Status, Diagnostic, Diff, Reference, Verdict, rendered
// bytes) is a Go copy with no C pointers in it: it stays valid after the handle it came
// from is closed. The writers given to WriteTo, WriteFormat and WriteDiff receive Go
// copies of the library's bytes. Each such call is one cgo call: the library copies
// what is asked for out as flat records (contour/export.h, docs/export.md), which the
// binding decodes; the strings of one call share one backing allocation. The copy-out uses
// the library's allocator for a moment; if that fails, the method panics, as a failed Go
// allocation would.
//
// # Concurrency
//
// The library keeps no thread-local or global state, so no call needs
// runtime.LockOSThread. A Graph is immutable and may be read, written, diffed and
// reviewed against from any number of goroutines. A Snapshot may be read, resolved
// (Resolve, ResolveUpdate) and reviewed from many goroutines at once; its loads,
// SetSource and removals take it exclusively (the binding serialises them with a lock per
// handle, shared by all copies, so concurrent use is safe, but loads wait for resolutions
// in progress and vice versa). Config.Threads lets one load or resolution use several
// threads of its own.
//
// # Versions
//
// The binding is written for ABI major version ABIMajor and needs libcontour 1.1 or
// later (the bulk copy-out). When the package is initialised it compares ABIMajor with
// the major version of the libcontour loaded at run time (LibraryVersion); if they
// differ, every constructor returns a *VersionError naming both.
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
