package contour

import (
	"runtime"
	"sync"
)

// handle is the one owner of a C pointer. A Snapshot or Graph holds a *handle, so copies
// of the Go value (assignments, struct copies) share it: closing any copy closes it once,
// and every copy sees it closed. The lock follows libcontour's threading rules: readers
// share it, and whatever changes or frees the C object takes it exclusively, so Close
// waits for calls in progress and calls after Close find a nil pointer, never a freed one.
//
// P is the C pointer type (*C.contour_snapshot, ...): cgo's incomplete struct types
// cannot be type arguments themselves.
type handle[P comparable] struct {
	mu   sync.RWMutex
	ptr  P // nil once closed
	free func(P)
}

// newHandle owns p; a finalizer frees it if no Close comes.
func newHandle[P comparable](p P, free func(P)) *handle[P] {
	h := &handle[P]{ptr: p, free: free}
	runtime.SetFinalizer(h, (*handle[P]).close)
	return h
}

// rlock takes the shared lock and returns the pointer, nil when the handle is closed or
// nil itself (the zero value of a Snapshot or Graph). Pair it with runlock.
func (h *handle[P]) rlock() P {
	if h == nil {
		var closed P
		return closed
	}
	h.mu.RLock()
	return h.ptr
}

func (h *handle[P]) runlock() {
	if h != nil {
		h.mu.RUnlock()
	}
}

// lock takes the exclusive lock and returns the pointer, nil when closed. Pair it with
// unlock.
func (h *handle[P]) lock() P {
	if h == nil {
		var closed P
		return closed
	}
	h.mu.Lock()
	return h.ptr
}

func (h *handle[P]) unlock() {
	if h != nil {
		h.mu.Unlock()
	}
}

// close frees the C object once; later calls do nothing. Safe on a nil handle.
func (h *handle[P]) close() {
	if h == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	var closed P
	if h.ptr != closed {
		h.free(h.ptr)
		h.ptr = closed
	}
	runtime.SetFinalizer(h, nil)
}
