package contour

/*
#include <stdlib.h>
#include <contour/contour.h>
#include "walk.h"
*/
import "C"

import (
	"runtime"
	"strings"
	"sync"
	"unsafe"
)

// Snapshot is a set of Kubernetes objects loaded from YAML or JSON files, directories
// and byte slices, with the diagnostics met while loading them. It owns a C
// contour_snapshot; release it with Close (a finalizer frees it if it is forgotten, but
// C memory is not seen by the Go garbage collector, so do not rely on that).
//
// Thread-safety: all methods are safe for concurrent use. Reads (Resolve, Objects, Find,
// Diagnostics, Len) run concurrently with each other; LoadPath, LoadBytes, Remove and
// Close take the snapshot exclusively, waiting for reads in progress. Resolving one
// snapshot from many goroutines at once is the intended way to use several cores.
//
// Loading never stops at a bad document: a document that cannot be used is an error
// diagnostic, and the others load. When two objects of one kind share a namespace and
// name, the later replaces the earlier, with a warning.
type Snapshot struct {
	mu  sync.RWMutex
	ptr *C.contour_snapshot // nil once closed
	cfg *Config             // a private copy; nil means defaults
}

// NewSnapshot creates an empty snapshot. It keeps cfg's default namespace, limits,
// format and Strict setting for its loads, and cfg's resolution settings as the
// defaults of Resolve. cfg may be nil for the defaults.
func NewSnapshot(cfg *Config) (*Snapshot, error) {
	if versionErr != nil {
		return nil, versionErr
	}
	cc, err := cfg.newC()
	if err != nil {
		return nil, err
	}
	defer C.contour_config_free(cc)
	var p *C.contour_snapshot
	if st := C.contour_snapshot_new(&p, cc); st != C.CONTOUR_OK {
		return nil, newError(st, "new snapshot", "")
	}
	s := &Snapshot{ptr: p, cfg: cfg.clone()}
	runtime.SetFinalizer(s, (*Snapshot).free)
	return s, nil
}

// Load creates a snapshot and loads each path into it (a file, or every *.yaml, *.yml and
// *.json file under a directory, recursively, in byte order of their paths). On any
// error (an unreadable path, an exceeded limit, or error diagnostics with cfg.Strict set)
// it returns nil and the error; bad documents are otherwise diagnostics, not errors.
func Load(paths []string, cfg *Config) (*Snapshot, error) {
	s, err := NewSnapshot(cfg)
	if err != nil {
		return nil, err
	}
	for _, p := range paths {
		if err := s.LoadPath(p); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// LoadBytes creates a snapshot from one YAML or JSON input held in memory; name is the
// source name diagnostics use (e.g. "<stdin>"). Errors as for Load.
func LoadBytes(name string, data []byte, cfg *Config) (*Snapshot, error) {
	s, err := NewSnapshot(cfg)
	if err != nil {
		return nil, err
	}
	if err := s.LoadBytes(name, data); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Snapshot) free() {
	if s.ptr != nil {
		C.contour_snapshot_free(s.ptr)
		s.ptr = nil
	}
}

// Close releases the snapshot's C memory. It is idempotent and always returns nil.
// Graphs resolved from the snapshot and Go values copied out of it stay valid. After
// Close, the load methods, Remove, Find and Resolve return an error matching ErrClosed
// and ErrInvalid; Objects and Diagnostics return nil, and Len and ErrorCount 0.
func (s *Snapshot) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.free()
	runtime.SetFinalizer(s, nil)
	return nil
}

// errorsAbout returns the error diagnostics whose file is the source or lies under it
// (when dir is set), only those with the given code unless code is "".
func (s *Snapshot) errorsAbout(source string, dir bool, code string) []Diagnostic {
	all := s.diagnostics()
	var out []Diagnostic
	prefix := strings.TrimSuffix(source, "/") + "/"
	for _, d := range all {
		if d.Severity != SeverityError || (code != "" && d.Code != code) {
			continue
		}
		if d.File == source || (dir && strings.HasPrefix(d.File, prefix)) {
			out = append(out, d)
		}
	}
	return out
}

// loadResult turns the status of a load into the error to return. It is called with the
// lock held.
func (s *Snapshot) loadResult(st C.contour_result, op, source string, dir bool, errorsBefore C.size_t) error {
	if st != C.CONTOUR_OK {
		e := newError(st, op, source)
		switch st {
		case C.CONTOUR_ERR_IO:
			e.Diagnostics = s.errorsAbout(source, dir, "io-error")
		case C.CONTOUR_ERR_LIMIT:
			e.Diagnostics = s.errorsAbout(source, dir, "limit-input")
		}
		return e
	}
	if s.cfg.strict() && C.contour_snapshot_diagnostic_count_by_severity(s.ptr, C.CONTOUR_SEVERITY_ERROR) > errorsBefore {
		ds := s.errorsAbout(source, dir, "")
		if len(ds) == 0 {
			// A load can replace objects and their diagnostics; report all errors then.
			ds = errorsOnly(s.diagnostics())
		}
		return &LoadError{Op: op, Source: source, Diagnostics: ds}
	}
	return nil
}

// LoadPath loads a file, or every *.yaml, *.yml and *.json file under a directory,
// recursively, in byte order of their paths (entries whose name starts with '.' are
// skipped; symbolic links to directories are not followed). The path becomes the source
// name of diagnostics.
//
// Bad documents are diagnostics, not errors, unless the snapshot's Config.Strict is set
// (then a *LoadError lists the error diagnostics about this path). A file or directory
// that cannot be read gives an *Error with Status CodeIO (errors.Is(err, ErrIO)) and its
// "io-error" diagnostics; a file larger than Limits.InputBytes one with CodeLimit. In both
// cases the files that could be read are loaded.
func (s *Snapshot) LoadPath(path string) error {
	const op = "load path"
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ptr == nil {
		return closedError(op)
	}
	before := C.contour_snapshot_diagnostic_count_by_severity(s.ptr, C.CONTOUR_SEVERITY_ERROR)
	st := C.contour_snapshot_load_path(s.ptr, cpath, s.cfg.format())
	err := s.loadResult(st, op, path, true, before)
	runtime.KeepAlive(s)
	return err
}

// LoadBytes loads one YAML or JSON input held in memory (data is not retained). name is
// the source name diagnostics use. Errors as for LoadPath; an input larger than
// Limits.InputBytes loads nothing and gives an *Error with Status CodeLimit.
func (s *Snapshot) LoadBytes(name string, data []byte) error {
	const op = "load bytes"
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ptr == nil {
		return closedError(op)
	}
	var dp *C.char
	if len(data) > 0 {
		dp = (*C.char)(unsafe.Pointer(&data[0]))
	}
	np, nl := cstr(name)
	if np == nil {
		// The name may be empty, but the library wants a pointer.
		np = (*C.char)(unsafe.Pointer(&[1]byte{}))
	}
	before := C.contour_snapshot_diagnostic_count_by_severity(s.ptr, C.CONTOUR_SEVERITY_ERROR)
	st := C.contour_snapshot_load_buffer(s.ptr, np, nl, dp, C.size_t(len(data)), s.cfg.format())
	err := s.loadResult(st, op, name, false, before)
	runtime.KeepAlive(s)
	runtime.KeepAlive(data)
	return err
}

// Remove removes one object and the load diagnostics about it. Removing then loading an
// object replaces it without a duplicate warning. It returns an *Error matching
// ErrNotFound when there is no such object.
func (s *Snapshot) Remove(kind Kind, namespace, name string) error {
	const op = "remove"
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ptr == nil {
		return closedError(op)
	}
	nsp, nsl := cstr(namespace)
	nap, nal := cstr(name)
	st := C.contour_snapshot_remove(s.ptr, C.contour_kind(kind), nsp, nsl, nap, nal)
	runtime.KeepAlive(s)
	if st != C.CONTOUR_OK {
		return newError(st, op, kindDetail(kind)+" "+namespace+"/"+name)
	}
	return nil
}

// Len returns the number of objects of a kind (0 for an unknown kind or a closed
// snapshot).
func (s *Snapshot) Len(kind Kind) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	n := int(C.contour_snapshot_object_count(s.ptr, C.contour_kind(kind)))
	runtime.KeepAlive(s)
	return n
}

// Objects returns copies of every object of a kind, in (namespace, name) byte order; nil
// for an unknown kind, an empty kind or a closed snapshot.
func (s *Snapshot) Objects(kind Kind) []Object {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.ptr == nil || !kind.valid() {
		return nil
	}
	t, err := runTape(func(out *C.cxgo_result) C.int {
		return C.cxgo_snapshot_objects(s.ptr, C.int(kind), nil, out)
	})
	runtime.KeepAlive(s)
	if err != nil {
		panic(err) // C ran out of memory, as a Go allocation failure would
	}
	defer t.release()
	n := t.count()
	if n == 0 {
		return nil
	}
	objs := make([]Object, n)
	for i := range objs {
		objs[i] = t.readObject()
	}
	return objs
}

// Find returns a copy of the object of the given kind, namespace and name. It returns an
// *Error matching ErrNotFound when there is none.
func (s *Snapshot) Find(kind Kind, namespace, name string) (*Object, error) {
	const op = "find"
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.ptr == nil {
		return nil, closedError(op)
	}
	if !kind.valid() {
		return nil, newError(C.CONTOUR_ERR_INVALID, op, kindDetail(kind))
	}
	nsp, nsl := cstr(namespace)
	nap, nal := cstr(name)
	obj := C.contour_snapshot_find(s.ptr, C.contour_kind(kind), nsp, nsl, nap, nal)
	if obj == nil {
		return nil, newError(C.CONTOUR_ERR_NOT_FOUND, op, kindDetail(kind)+" "+namespace+"/"+name)
	}
	t, err := runTape(func(out *C.cxgo_result) C.int {
		return C.cxgo_snapshot_objects(s.ptr, C.int(kind), obj, out)
	})
	runtime.KeepAlive(s)
	if err != nil {
		return nil, err
	}
	defer t.release()
	t.count()
	o := t.readObject()
	return &o, nil
}

// diagnostics reads the load diagnostics; the caller holds a lock.
func (s *Snapshot) diagnostics() []Diagnostic {
	if s.ptr == nil {
		return nil
	}
	t, err := runTape(func(out *C.cxgo_result) C.int {
		return C.cxgo_snapshot_diagnostics(s.ptr, out)
	})
	runtime.KeepAlive(s)
	if err != nil {
		panic(err) // C ran out of memory, as a Go allocation failure would
	}
	defer t.release()
	return t.readDiagnostics()
}

// Diagnostics returns copies of the load diagnostics, ordered by (file, line, column),
// then severity, code and message; nil when there are none or the snapshot is closed.
func (s *Snapshot) Diagnostics() []Diagnostic {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.diagnostics()
}

// ErrorCount returns the number of load diagnostics of severity error.
func (s *Snapshot) ErrorCount() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	n := int(C.contour_snapshot_diagnostic_count_by_severity(s.ptr, C.CONTOUR_SEVERITY_ERROR))
	runtime.KeepAlive(s)
	return n
}

// Resolve resolves the snapshot into a route graph with one status per IngressRoute.
// cfg gives the resolution settings (root namespaces, ingress class, ports); nil means
// the Config the snapshot was created with. Broken input yields a partial graph and
// diagnostics, never an error: an error means the call itself failed (out of memory, an
// invalid Config, a closed snapshot).
//
// Resolve only reads the snapshot, so many goroutines may resolve one snapshot at once.
// The graph does not depend on the snapshot afterwards.
func (s *Snapshot) Resolve(cfg *Config) (*Graph, error) {
	const op = "resolve"
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.ptr == nil {
		return nil, closedError(op)
	}
	if cfg == nil {
		cfg = s.cfg
	}
	cc, err := cfg.newC()
	if err != nil {
		return nil, err
	}
	defer C.contour_config_free(cc)
	var g *C.contour_graph
	st := C.contour_resolve(&g, s.ptr, cc)
	runtime.KeepAlive(s)
	if st != C.CONTOUR_OK {
		return nil, newError(st, op, "")
	}
	return newGraph(g), nil
}
