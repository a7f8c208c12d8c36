package contour

/*
#include <stdlib.h>
#include <contour/contour.h>
*/
import "C"

import (
	"errors"
	"strings"
	"unsafe"
)

// Snapshot is a set of Kubernetes objects loaded from YAML or JSON files, directories
// and byte slices, with the diagnostics met while loading them. It owns a C
// contour_snapshot, which keeps its own copy of the Config it was created with; release
// it with Close (a finalizer frees it if it is forgotten, but C memory is not seen by the
// Go garbage collector, so do not rely on that). Copies of a Snapshot value share the C
// snapshot: closing one closes them all, once. The zero Snapshot is closed.
//
// Thread-safety: all methods are safe for concurrent use. Reads (Resolve, Objects, Find,
// Diagnostics, Len, Config) run concurrently with each other; LoadPath, LoadBytes,
// ReplaceObject, SetSource, Remove and RemoveSource take the snapshot exclusively, waiting
// for reads in progress. Close does not wait: it marks the snapshot closed, and the C
// snapshot is freed when the last call using it returns. A method called after Close, or
// racing with it, finds the snapshot closed: an error or an empty result, never freed
// memory. Resolving one snapshot from many goroutines at once is the intended
// way to use several cores.
//
// Loading never stops at a bad document: a document that cannot be used is an error
// diagnostic, and the others load. When two objects of one kind share a namespace and
// name, the later replaces the earlier, with a warning.
type Snapshot struct {
	h *handle[*C.contour_snapshot]
	// The binding's own settings (the rest of the Config is in the C snapshot).
	format C.contour_format
	strict bool
}

func freeSnapshot(p *C.contour_snapshot) { C.contour_snapshot_free(p) }

// NewSnapshot creates an empty snapshot. The snapshot keeps its own copy of cfg: its
// default namespace and limits for loading, its resolution settings for Resolve(nil),
// and the binding's Format and Strict. cfg may be nil for the defaults, and may be
// changed afterwards without effect on the snapshot.
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
	return &Snapshot{h: newHandle(p, freeSnapshot), format: cfg.format(), strict: cfg.strict()}, nil
}

// Load creates a snapshot and loads each path into it (a file, or every *.yaml, *.yml and
// *.json file under a directory, recursively, in byte order of their paths), as LoadPath
// does. Like the C library, it keeps going when a path fails: it loads every path it can
// and returns the snapshot together with the errors of the others (one error, or several
// joined with errors.Join). The snapshot is nil only when it could not be created (an
// invalid Config, a library of another ABI version); otherwise close it, error or not.
// Bad documents are diagnostics, not errors, unless cfg.Strict is set.
func Load(paths []string, cfg *Config) (*Snapshot, error) {
	s, err := NewSnapshot(cfg)
	if err != nil {
		return nil, err
	}
	var errs []error
	for _, p := range paths {
		if err := s.LoadPath(p); err != nil {
			errs = append(errs, err)
		}
	}
	return s, joinErrors(errs)
}

// LoadBytes creates a snapshot from one YAML or JSON input held in memory; name is the
// source name diagnostics use (e.g. "<stdin>"). As for Load, the snapshot is returned
// with the error of the load, and is nil only when it could not be created.
func LoadBytes(name string, data []byte, cfg *Config) (*Snapshot, error) {
	s, err := NewSnapshot(cfg)
	if err != nil {
		return nil, err
	}
	return s, s.LoadBytes(name, data)
}

// joinErrors returns nil, the only error, or errors.Join of several.
func joinErrors(errs []error) error {
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return errors.Join(errs...)
}

// handle returns the snapshot's handle; nil for a nil *Snapshot.
func (s *Snapshot) handle() *handle[*C.contour_snapshot] {
	if s == nil {
		return nil
	}
	return s.h
}

// Close releases the snapshot's C memory. It is idempotent, also across copies of the
// Snapshot, and always returns nil; a nil *Snapshot may be closed. Graphs resolved from
// the snapshot and Go values copied out of it stay valid. After Close, the load methods,
// ReplaceObject, Remove, Find, Resolve and Config return an error matching ErrClosed and
// ErrInvalid; Objects and Diagnostics return nil, and Len and ErrorCount 0.
func (s *Snapshot) Close() error {
	s.handle().close()
	return nil
}

// errorsAbout returns the error diagnostics whose file is the source or lies under it
// (when dir is set), only those with the given code unless code is "".
func errorsAbout(all []Diagnostic, source string, dir bool, code string) []Diagnostic {
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

// loadResult turns the result of a load into the error to return. The caller holds the
// lock on p.
func (s *Snapshot) loadResult(p *C.contour_snapshot, st C.contour_result, op, source string, dir bool, errorsBefore C.size_t) error {
	if st != C.CONTOUR_OK {
		e := newError(st, op, source)
		switch st {
		case C.CONTOUR_ERR_IO:
			e.Diagnostics = errorsAbout(snapshotDiagnostics(p), source, dir, "io-error")
		case C.CONTOUR_ERR_LIMIT:
			e.Diagnostics = errorsAbout(snapshotDiagnostics(p), source, dir, "limit-input")
		}
		return e
	}
	if s.strict && C.contour_snapshot_diagnostic_count_by_severity(p, C.CONTOUR_SEVERITY_ERROR) > errorsBefore {
		all := snapshotDiagnostics(p)
		ds := errorsAbout(all, source, dir, "")
		if len(ds) == 0 {
			// A load can replace objects and their diagnostics; report all errors then.
			ds = errorsOnly(all)
		}
		return &LoadError{Op: op, Source: source, Diagnostics: ds}
	}
	return nil
}

// LoadPath loads a file, or every *.yaml, *.yml and *.json file under a directory,
// recursively, in byte order of their paths (entries whose name starts with '.' are
// skipped; symbolic links to directories are not followed). The path becomes the source
// name of diagnostics. A path with a NUL byte in it is refused (ErrInvalid and ErrNUL).
//
// Bad documents are diagnostics, not errors, unless the snapshot's Config.Strict is set
// (then a *LoadError lists the error diagnostics about this path). A file or directory
// that cannot be read gives an *Error with Status CodeIO (errors.Is(err, ErrIO)) and its
// "io-error" diagnostics; a file larger than Limits.InputBytes one with CodeLimit. In both
// cases the files that could be read are loaded.
func (s *Snapshot) LoadPath(path string) error {
	const op = "load path"
	if strings.IndexByte(path, 0) >= 0 {
		return nulError(op, "path", path)
	}
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	return s.load(op, path, true, func(p *C.contour_snapshot) C.contour_result {
		return C.contour_snapshot_load_path(p, cpath, s.format)
	})
}

// load runs one load call with the snapshot held exclusively, and turns its result into
// the error to return (see loadResult).
func (s *Snapshot) load(op, source string, dir bool, call func(p *C.contour_snapshot) C.contour_result) error {
	return s.change(op, source, dir, func(p *C.contour_snapshot) (C.contour_result, C.size_t) {
		before := C.contour_snapshot_diagnostic_count_by_severity(p, C.CONTOUR_SEVERITY_ERROR)
		return call(p), before
	})
}

// change runs a call that loads (and may first remove) with the snapshot held
// exclusively; the call returns its result and the number of error diagnostics just
// before its load, and loadResult turns them into the error to return.
func (s *Snapshot) change(op, source string, dir bool, call func(p *C.contour_snapshot) (C.contour_result, C.size_t)) error {
	h := s.handle()
	p := h.lock()
	if p == nil {
		return closedError(op)
	}
	defer h.unlock()
	st, before := call(p)
	return s.loadResult(p, st, op, source, dir, before)
}

// LoadBytes loads one YAML or JSON input held in memory (data is not retained). name is
// the source name diagnostics use; it may not contain a NUL byte (ErrInvalid and ErrNUL).
// Errors as for LoadPath; an input larger than Limits.InputBytes loads nothing and gives
// an *Error with Status CodeLimit.
func (s *Snapshot) LoadBytes(name string, data []byte) error {
	const op = "load bytes"
	np, nl, dp, err := bufferArgs(op, "name", name, data)
	if err != nil {
		return err
	}
	return s.load(op, name, false, func(p *C.contour_snapshot) C.contour_result {
		return C.contour_snapshot_load_buffer(p, np, nl, dp, C.size_t(len(data)), s.format)
	})
}

// bufferArgs passes a source name and an input to C (see cstr): name may be empty, but
// the library wants a pointer for it.
func bufferArgs(op, what, name string, data []byte) (np *C.char, nl C.size_t, dp *C.char, err error) {
	if np, nl, err = cstr(op, what, name); err != nil {
		return nil, 0, nil, err
	}
	if np == nil {
		np = (*C.char)(unsafe.Pointer(&[1]byte{}))
	}
	if len(data) > 0 {
		dp = (*C.char)(unsafe.Pointer(&data[0]))
	}
	return np, nl, dp, nil
}

// keyArgs passes an object's namespace and name to C (see cstr).
func keyArgs(op, namespace, name string) (nsp *C.char, nsl C.size_t, nap *C.char, nal C.size_t, err error) {
	if nsp, nsl, err = cstr(op, "namespace", namespace); err != nil {
		return nil, 0, nil, 0, err
	}
	if nap, nal, err = cstr(op, "name", name); err != nil {
		return nil, 0, nil, 0, err
	}
	return nsp, nsl, nap, nal, nil
}

// Remove removes one object and the load diagnostics about it. Removing then loading an
// object replaces it without a duplicate warning. It returns an *Error matching
// ErrNotFound when there is no such object.
func (s *Snapshot) Remove(kind Kind, namespace, name string) error {
	const op = "remove"
	nsp, nsl, nap, nal, err := keyArgs(op, namespace, name)
	if err != nil {
		return err
	}
	h := s.handle()
	p := h.lock()
	if p == nil {
		return closedError(op)
	}
	defer h.unlock()
	if st := C.contour_snapshot_remove(p, C.contour_kind(kind), nsp, nsl, nap, nal); st != C.CONTOUR_OK {
		return newError(st, op, kindDetail(kind)+" "+namespace+"/"+name)
	}
	return nil
}

// ReplaceObject replaces one object with a new version of it: it removes the object of
// the given kind, namespace and name when the snapshot has one (with the load
// diagnostics about it), then loads data under the source name, as one change — readers
// never see the snapshot between the two, and the new version loads without a duplicate
// warning. data should hold that one object (a controller passes the API server's JSON
// for it); an object the snapshot does not have yet is simply loaded. This is how a
// controller applies a watch event for an added or updated object (Remove applies a
// deletion).
//
// An unknown kind, or a namespace, name or source with a NUL byte in it, gives an *Error
// matching ErrInvalid (with ErrNUL for the NUL byte) and changes nothing. Otherwise the
// errors are LoadBytes': when data cannot be loaded (an input larger than
// Limits.InputBytes, or, with Config.Strict, a document with errors), the old version is
// gone all the same.
//
// Diagnostics about a document that did not become an object (it is not valid YAML or
// JSON, or is not an object of a modelled kind) belong to no object, so a later
// ReplaceObject or Remove of the object does not remove them.
func (s *Snapshot) ReplaceObject(kind Kind, namespace, name, source string, data []byte) error {
	const op = "replace object"
	if !kind.valid() {
		return newError(C.CONTOUR_ERR_INVALID, op, kindDetail(kind))
	}
	nsp, nsl, nap, nal, err := keyArgs(op, namespace, name)
	if err != nil {
		return err
	}
	srcp, srcl, dp, err := bufferArgs(op, "source", source, data)
	if err != nil {
		return err
	}
	return s.change(op, source, false, func(p *C.contour_snapshot) (C.contour_result, C.size_t) {
		st := C.contour_snapshot_remove(p, C.contour_kind(kind), nsp, nsl, nap, nal)
		if st != C.CONTOUR_OK && st != C.CONTOUR_ERR_NOT_FOUND {
			return st, 0
		}
		// Errors are counted after the removal, which may have taken some away.
		before := C.contour_snapshot_diagnostic_count_by_severity(p, C.CONTOUR_SEVERITY_ERROR)
		return C.contour_snapshot_load_buffer(p, srcp, srcl, dp, C.size_t(len(data)), s.format), before
	})
}

// SetSource replaces a source: everything loaded before under the source name (by
// SetSource, LoadBytes or LoadPath: its objects and the diagnostics about its documents)
// goes, and data is loaded under that name in its place, in one step: readers never see
// the snapshot between the two. What the source defines again is replaced quietly (no
// duplicate warning); an object another source also defines replaces that one, with a
// warning, as a load does. A source the snapshot does not have yet is simply loaded.
//
// This is how a long-running process follows changing inputs: a file that changed, or
// one watch event (name the source after the object, e.g. "IngressRoute/ns/name"; a
// delete is RemoveSource). Memory stays bounded by what the snapshot holds, however many
// times sources are replaced. Unlike ReplaceObject, it also replaces the diagnostics of
// a document that did not become an object.
//
// Errors are LoadBytes': a name with a NUL byte (ErrInvalid and ErrNUL, nothing
// changed); an input larger than Limits.InputBytes (CodeLimit: the old version is gone,
// the new one not loaded); with Config.Strict a *LoadError listing the error diagnostics
// about the source (what could be used is loaded).
func (s *Snapshot) SetSource(name string, data []byte) error {
	const op = "set source"
	np, nl, dp, err := bufferArgs(op, "source", name, data)
	if err != nil {
		return err
	}
	h := s.handle()
	p := h.lock()
	if p == nil {
		return closedError(op)
	}
	defer h.unlock()
	st := C.contour_snapshot_set_source(p, np, nl, dp, C.size_t(len(data)), s.format)
	if st == C.CONTOUR_OK && s.strict {
		// Every diagnostic about the source is new: the old ones went with it.
		if ds := errorsAbout(snapshotDiagnostics(p), name, false, ""); len(ds) > 0 {
			return &LoadError{Op: op, Source: name, Diagnostics: ds}
		}
		return nil
	}
	return s.loadResult(p, st, op, name, false, 0)
}

// RemoveSource removes a source: every object loaded under the source name and the
// diagnostics about its documents (a file that was deleted; a watch event's delete). It
// returns an *Error matching ErrNotFound when the snapshot has no such source, and one
// matching ErrInvalid and ErrNUL for a name with a NUL byte.
//
// A source set with SetSource stays known until it is removed, even when it holds nothing
// (every object another source has since replaced, or data that gave no object: an empty
// input, only kinds the library does not model). A source added by LoadPath or LoadBytes
// is gone once it holds no object and no diagnostic.
func (s *Snapshot) RemoveSource(name string) error {
	const op = "remove source"
	np, nl, _, err := bufferArgs(op, "source", name, nil)
	if err != nil {
		return err
	}
	h := s.handle()
	p := h.lock()
	if p == nil {
		return closedError(op)
	}
	defer h.unlock()
	if st := C.contour_snapshot_remove_source(p, np, nl); st != C.CONTOUR_OK {
		return newError(st, op, name)
	}
	return nil
}

// Len returns the number of objects of a kind (0 for an unknown kind or a closed
// snapshot).
func (s *Snapshot) Len(kind Kind) int {
	h := s.handle()
	p := h.rlock()
	if p == nil {
		return 0
	}
	defer h.runlock()
	return int(C.contour_snapshot_object_count(p, C.contour_kind(kind)))
}

// Objects returns copies of every object of a kind, in (namespace, name) byte order; nil
// for an unknown kind, an empty kind or a closed snapshot.
func (s *Snapshot) Objects(kind Kind) []Object {
	if !kind.valid() {
		return nil
	}
	h := s.handle()
	p := h.rlock()
	if p == nil {
		return nil
	}
	defer h.runlock()
	x := runExport("objects", func(out **C.contour_export) C.contour_result {
		return C.contour_snapshot_export(out, p, C.contour_kind(kind), partObjects)
	})
	defer x.free()
	return x.objects()
}

// Find returns a copy of the object of the given kind, namespace and name. It returns an
// *Error matching ErrNotFound when there is none, and one matching ErrInvalid for an
// unknown kind or a namespace or name with a NUL byte.
func (s *Snapshot) Find(kind Kind, namespace, name string) (*Object, error) {
	const op = "find"
	if !kind.valid() {
		return nil, newError(C.CONTOUR_ERR_INVALID, op, kindDetail(kind))
	}
	nsp, nsl, nap, nal, err := keyArgs(op, namespace, name)
	if err != nil {
		return nil, err
	}
	h := s.handle()
	p := h.rlock()
	if p == nil {
		return nil, closedError(op)
	}
	defer h.runlock()
	obj := C.contour_snapshot_find(p, C.contour_kind(kind), nsp, nsl, nap, nal)
	if obj == nil {
		return nil, newError(C.CONTOUR_ERR_NOT_FOUND, op, kindDetail(kind)+" "+namespace+"/"+name)
	}
	x := runExport(op, func(out **C.contour_export) C.contour_result {
		return C.contour_snapshot_export_object(out, p, obj)
	})
	defer x.free()
	return &x.objects()[0], nil
}

// snapshotDiagnostics copies the load diagnostics out; the caller holds a lock on p.
func snapshotDiagnostics(p *C.contour_snapshot) []Diagnostic {
	x := runExport("diagnostics", func(out **C.contour_export) C.contour_result {
		return C.contour_snapshot_export(out, p, C.CONTOUR_KIND_NONE, partDiagnostics)
	})
	defer x.free()
	return x.diagnostics(tDiagnostic)
}

// Diagnostics returns copies of the load diagnostics, ordered by (file, line, column),
// then severity, code and message; nil when there are none or the snapshot is closed.
func (s *Snapshot) Diagnostics() []Diagnostic {
	h := s.handle()
	p := h.rlock()
	if p == nil {
		return nil
	}
	defer h.runlock()
	return snapshotDiagnostics(p)
}

// ErrorCount returns the number of load diagnostics of severity error (0 when closed).
func (s *Snapshot) ErrorCount() int {
	h := s.handle()
	p := h.rlock()
	if p == nil {
		return 0
	}
	defer h.runlock()
	return int(C.contour_snapshot_diagnostic_count_by_severity(p, C.CONTOUR_SEVERITY_ERROR))
}

// Resolve resolves the snapshot into a route graph with one status per IngressRoute.
// With a nil cfg it resolves with the snapshot's own settings (those of the Config it was
// created with); a cfg overrides only the resolution settings (root namespaces, ingress
// class, ports, Limits.Routes, Threads), never the loading limits or the default
// namespace, which describe how the snapshot holds its objects. Broken input yields a partial graph and diagnostics, never
// an error: an error means the call itself failed (out of memory, an invalid Config, a
// closed snapshot).
//
// Resolve only reads the snapshot, so many goroutines may resolve one snapshot at once.
// The graph does not depend on the snapshot afterwards.
func (s *Snapshot) Resolve(cfg *Config) (*Graph, error) {
	const op = "resolve"
	cc, err := cfg.newC()
	if err != nil {
		return nil, err
	}
	defer C.contour_config_free(cc)
	h := s.handle()
	p := h.rlock()
	if p == nil {
		return nil, closedError(op)
	}
	defer h.runlock()
	var g *C.contour_graph
	if st := C.contour_resolve(&g, p, cc); st != C.CONTOUR_OK {
		return nil, newError(st, op, "")
	}
	return newGraph(g), nil
}

// ResolveUpdate brings a graph up to date with the snapshot: it returns the graph Resolve
// would make of the snapshot now, byte for byte, made by resolving again only what the
// snapshot's changes since prev can affect and sharing the rest with prev. Its cost
// follows the size of the change, not of the cluster, and so does the memory the new
// graph adds while both are open. This is the call to make after each batch of
// SetSource, RemoveSource, ReplaceObject, Remove and loads.
//
// prev is a graph of this snapshot (from Resolve or ResolveUpdate), or nil to resolve from
// scratch. It is not changed and stays open: close it when it is no longer needed, before
// or after the new graph. A graph is made from scratch instead (same result, a full
// resolution's cost) when the settings differ from prev's, when more changes were made
// since prev than the snapshot remembers (4,096), or when Limits.Routes left a virtual
// host out of either graph.
//
// cfg nil resolves with prev's settings (the snapshot's when prev is nil); a cfg
// overrides the resolution settings as for Resolve. A prev of another snapshot, or one
// resolved from this snapshot's later version, gives an *Error matching ErrInvalid; a
// closed prev or snapshot one matching ErrClosed too.
//
// Like Resolve, it only reads the snapshot and prev: many goroutines may call it at once.
func (s *Snapshot) ResolveUpdate(prev *Graph, cfg *Config) (*Graph, error) {
	const op = "resolve update"
	cc, err := cfg.newC()
	if err != nil {
		return nil, err
	}
	defer C.contour_config_free(cc)
	h := s.handle()
	p := h.rlock()
	if p == nil {
		return nil, closedError(op)
	}
	defer h.runlock()
	var pp *C.contour_graph
	if prev != nil {
		gh := prev.handle()
		if pp = gh.rlock(); pp == nil {
			return nil, &Error{Status: CodeInvalid, Op: op, Detail: "previous graph", Err: ErrClosed}
		}
		defer gh.runlock()
	}
	var g *C.contour_graph
	if st := C.contour_resolve_update(&g, p, pp, cc); st != C.CONTOUR_OK {
		detail := ""
		if st == C.CONTOUR_ERR_INVALID {
			detail = "previous graph"
		}
		return nil, newError(st, op, detail)
	}
	return newGraph(g), nil
}

// Config returns the settings the snapshot keeps (a new Config, read from the library's
// copy): what it loads with, and what Resolve(nil) resolves with. Fields the library
// fills in with defaults show those defaults (DefaultNamespace "default", ports 80 and
// 443, every limit).
func (s *Snapshot) Config() (*Config, error) {
	h := s.handle()
	p := h.rlock()
	if p == nil {
		return nil, closedError("config")
	}
	defer h.runlock()
	cfg := configFromC(C.contour_snapshot_config(p))
	cfg.Format = Format(s.format)
	cfg.Strict = s.strict
	return cfg, nil
}
