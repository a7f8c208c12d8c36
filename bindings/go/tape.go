package contour

/*
#include "walk.h"
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// walkFn is one of the C walkers of walk.h with its handle arguments bound.
type walkFn func(words *C.int64_t, nwords C.size_t, bytes *C.char, nbytes C.size_t, out *C.cxgo_counts)

// tape is what a walker wrote: words read in order, and the strings they point into.
type tape struct {
	w    []int64
	i    int
	pool string
}

// runTape runs a walker twice, first to size the buffers, then to fill them. The buffers
// are Go memory without Go pointers, so passing them to C for the call is allowed; C does
// not keep them.
func runTape(fn walkFn) (*tape, error) {
	var want C.cxgo_counts
	fn(nil, 0, nil, 0, &want)
	words := make([]int64, int(want.words))
	pool := make([]byte, int(want.bytes))
	var wp *C.int64_t
	var bp *C.char
	if len(words) > 0 {
		wp = (*C.int64_t)(unsafe.Pointer(&words[0]))
	}
	if len(pool) > 0 {
		bp = (*C.char)(unsafe.Pointer(&pool[0]))
	}
	var got C.cxgo_counts
	fn(wp, want.words, bp, want.bytes, &got)
	if got != want {
		return nil, fmt.Errorf("contour: internal error: walk produced %d words/%d bytes, sized %d/%d",
			got.words, got.bytes, want.words, want.bytes)
	}
	t := &tape{w: words}
	if len(pool) > 0 {
		// pool is never written again, so all strings of one walk can share it.
		t.pool = unsafe.String(&pool[0], len(pool))
	}
	return t, nil
}

func (t *tape) int() int64 {
	v := t.w[t.i]
	t.i++
	return v
}

func (t *tape) count() int { return int(t.int()) }

func (t *tape) bool() bool { return t.int() != 0 }

func (t *tape) u32() uint32 { return uint32(t.int()) }

// str reads a string; NULL reads as "".
func (t *tape) str() string {
	off := t.int()
	n := t.int()
	if off < 0 {
		return ""
	}
	return t.pool[off : off+n]
}

// optStr reads a string; NULL reads as nil.
func (t *tape) optStr() *string {
	off := t.int()
	n := t.int()
	if off < 0 {
		return nil
	}
	s := t.pool[off : off+n]
	return &s
}

func (t *tape) done() bool { return t.i == len(t.w) }
