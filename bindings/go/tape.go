package contour

/*
#include "walk.h"
*/
import "C"

import (
	"unsafe"
)

// walkFn is one of the C walkers of walk.h with its handle arguments bound.
type walkFn func(out *C.cxgo_result) C.int

// tape is what a walker wrote: words read in order from C memory, and the strings they
// point into, copied once into one Go string.
type tape struct {
	w    []int64
	i    int
	pool string
	res  C.cxgo_result
}

// runTape runs a walker. The words stay in C memory until release; the string pool is
// copied into Go memory at once, so the strings read from the tape outlive release.
func runTape(fn walkFn) (*tape, error) {
	t := &tape{}
	if fn(&t.res) != 0 {
		return nil, &Error{Status: CodeNoMemory, Op: "copy out"}
	}
	if t.res.nwords > 0 {
		t.w = unsafe.Slice((*int64)(unsafe.Pointer(t.res.words)), int(t.res.nwords))
	}
	if t.res.nbytes > 0 {
		t.pool = string(unsafe.Slice((*byte)(unsafe.Pointer(t.res.bytes)), int(t.res.nbytes)))
	}
	return t, nil
}

// release frees the C buffers; the tape must not be read afterwards.
func (t *tape) release() {
	t.w = nil
	C.cxgo_result_free(&t.res)
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
