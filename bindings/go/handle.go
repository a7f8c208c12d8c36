package contour

import (
	"runtime"
	"sync"
)

// handle is the one owner of a C pointer. A Snapshot or Graph holds a *handle, so copies
// of the Go value (assignments, struct copies) share it: closing any copy closes it once,
// and every copy sees it closed.
//
// Two things guard the pointer:
//
//   - a count of the calls using it. A call takes the pointer with rlock or lock and gives
//     it back with runlock or unlock; close marks the handle closed at once (later calls
//     find it closed) and the C object is freed by whoever is last: close itself when no
//     call is using it, else the last call to give it back. So Close never waits, a
//     handle can be closed from inside a callback of one of its own calls (a writer
//     given to WriteFormat), and no call ever touches freed memory.
//   - a sync.RWMutex for libcontour's threading rules: readers share it, and whatever
//     changes the C object (a snapshot's loads and removals) takes it exclusively.
//     Reads of a Graph never wait: nothing ever takes a graph exclusively, so a callback
//     may call its graph's methods again without deadlocking.
//
// P is the C pointer type (*C.contour_snapshot, ...): cgo's incomplete struct types
// cannot be type arguments themselves.
type handle[P comparable] struct {
	mu     sync.Mutex // guards ptr, users and closed
	ptr    P          // nil once freed
	users  int        // calls between rlock/lock and runlock/unlock
	closed bool
	free   func(P)

	rw sync.RWMutex // shared by readers of the C object, exclusive for its changes
}

// newHandle owns p; a finalizer frees it if no Close comes.
func newHandle[P comparable](p P, free func(P)) *handle[P] {
	h := &handle[P]{ptr: p, free: free}
	runtime.SetFinalizer(h, (*handle[P]).close)
	return h
}

// acquire counts one more user and returns the pointer; nil (and nothing counted) when
// the handle is closed or nil itself (the zero value of a Snapshot or Graph).
func (h *handle[P]) acquire() P {
	var none P
	if h == nil {
		return none
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return none
	}
	h.users++
	return h.ptr
}

// release gives back what acquire counted, freeing the C object when the handle was
// closed meanwhile and this was its last user.
func (h *handle[P]) release() {
	var none P
	h.mu.Lock()
	h.users--
	p := none
	if h.closed && h.users == 0 {
		p, h.ptr = h.ptr, none
	}
	h.mu.Unlock()
	if p != none {
		h.free(p)
	}
}

// rlock takes the pointer for reading and returns it; nil when the handle is closed or
// nil. Only a non-nil result must be paired with runlock.
func (h *handle[P]) rlock() P {
	p := h.acquire()
	var none P
	if p != none {
		h.rw.RLock()
	}
	return p
}

func (h *handle[P]) runlock() {
	h.rw.RUnlock()
	h.release()
}

// lock takes the pointer exclusively (no reader or other changer at the same time) and
// returns it; nil when the handle is closed or nil. Only a non-nil result must be paired
// with unlock.
func (h *handle[P]) lock() P {
	p := h.acquire()
	var none P
	if p != none {
		h.rw.Lock()
	}
	return p
}

func (h *handle[P]) unlock() {
	h.rw.Unlock()
	h.release()
}

// close marks the handle closed and frees the C object once no call is using it; later
// calls do nothing. Safe on a nil handle. It never waits for calls in progress.
func (h *handle[P]) close() {
	if h == nil {
		return
	}
	var none P
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.closed = true
	p := none
	if h.users == 0 {
		p, h.ptr = h.ptr, none
	}
	h.mu.Unlock()
	runtime.SetFinalizer(h, nil)
	if p != none {
		h.free(p)
	}
}

// isClosed says whether close was called (or the handle is nil).
func (h *handle[P]) isClosed() bool {
	if h == nil {
		return true
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.closed
}
