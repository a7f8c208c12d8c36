package contour

/*
#include <stdlib.h>
#include <contour/contour.h>

// The callback the library writes through (contour_write_fn); defined in Go below. Its
// user_data points at a cgo.Handle of the write's state.
extern int goContourWrite(void *user_data, char *bytes, size_t len);
*/
import "C"

import (
	"io"
	"runtime/cgo"
	"strconv"
	"unsafe"
)

// Filter selects the part of a graph a rendering shows, so that a picture of a large
// cluster can be cut down. It is a plain Go value, converted for each call. A nil or
// empty Filter shows everything.
//
// With VirtualHosts, a rendering keeps the routes and TCP proxy of those virtual hosts,
// the statuses of IngressRoutes reached through (or rooted at) one of them, and the
// diagnostics about the objects shown. With Namespaces, it keeps the routes whose source
// object is in one of them, the TCP proxy clusters there, the statuses of IngressRoutes
// there, and the diagnostics about objects there. With both, both conditions hold.
// Listeners and virtual hosts left with nothing to show are left out; diagnostics about
// no object are left out of any filtered rendering.
type Filter struct {
	// VirtualHosts are FQDNs, compared byte for byte ("*" is the Ingress catch-all).
	VirtualHosts []string
	// Namespaces are namespace names.
	Namespaces []string
}

// newC builds the C filter for one call; nil (everything) for a nil or empty Filter. The
// caller frees it with contour_graph_filter_free.
func (f *Filter) newC(op string) (*C.contour_graph_filter, error) {
	if f == nil || len(f.VirtualHosts) == 0 && len(f.Namespaces) == 0 {
		return nil, nil
	}
	var cf *C.contour_graph_filter
	if st := C.contour_graph_filter_new(&cf); st != C.CONTOUR_OK {
		return nil, newError(st, op, "filter")
	}
	for _, v := range f.VirtualHosts {
		p, n, err := cstr(op, "filter virtual host", v)
		if err == nil {
			if st := C.contour_graph_filter_add_vhost(cf, p, n); st != C.CONTOUR_OK {
				err = newError(st, op, "filter virtual host "+v)
			}
		}
		if err != nil {
			C.contour_graph_filter_free(cf)
			return nil, err
		}
	}
	for _, ns := range f.Namespaces {
		p, n, err := cstr(op, "filter namespace", ns)
		if err == nil {
			if st := C.contour_graph_filter_add_namespace(cf, p, n); st != C.CONTOUR_OK {
				err = newError(st, op, "filter namespace "+ns)
			}
		}
		if err != nil {
			C.contour_graph_filter_free(cf)
			return nil, err
		}
	}
	return cf, nil
}

// RenderFiltered renders the part of the graph a filter selects (nil: all of it), in the
// same form as Render, with fewer entries. An empty FQDN or namespace in the filter gives
// an *Error matching ErrInvalid.
func (g *Graph) RenderFiltered(format OutputFormat, filter *Filter) ([]byte, error) {
	const op = "render"
	cf, err := filter.newC(op)
	if err != nil {
		return nil, err
	}
	defer C.contour_graph_filter_free(cf)
	h := g.handle()
	p := h.rlock()
	if p == nil {
		return nil, closedError(op)
	}
	defer h.runlock()
	var buf *C.contour_buffer
	if st := C.contour_graph_render_filtered(&buf, p, C.contour_output_format(format), cf); st != C.CONTOUR_OK {
		return nil, newError(st, op, formatDetail(format))
	}
	defer C.contour_buffer_free(buf)
	return bufferBytes(buf), nil
}

// WriteTo writes the graph's JSON (what JSON returns) to w as it is produced, in pieces
// of at most 64 KiB: the text is never held whole, so writing the JSON of a
// 100,000-object cluster (150 MB) to a file or a socket costs no more memory than a small
// one. It implements io.WriterTo; WriteFormat writes the other formats and filtered
// renderings.
func (g *Graph) WriteTo(w io.Writer) (int64, error) {
	return g.WriteFormat(w, OutputJSON, nil)
}

// WriteFormat writes what RenderFiltered(format, filter) returns to w, as it is produced,
// in pieces of at most 64 KiB (see WriteTo). It returns the number of bytes w took.
//
// An error of w stops the write: the library produces nothing more, and WriteFormat
// returns that error as it is (w has received a prefix of the output). A Write that takes
// fewer bytes than it was given without an error counts as io.ErrShortWrite. A panic in
// w stops the write too and is raised again once the library has returned. (A writer that
// calls runtime.Goexit, as t.FailNow does, ends its goroutine through the library's
// frames: nothing crashes, but the library's 64 KiB write buffer is not freed.) Each piece
// is given to w in a buffer of the binding's, reused for the next piece (w must not keep
// it, as io.Writer says). w may call the graph's methods, and may close it: the graph is
// freed once the write returns. Errors of the call itself: ErrClosed (and ErrInvalid)
// for a closed graph, ErrInvalid for an unknown format or a bad filter, ErrNoMemory;
// then w was not called.
func (g *Graph) WriteFormat(w io.Writer, format OutputFormat, filter *Filter) (int64, error) {
	const op = "write"
	cf, err := filter.newC(op)
	if err != nil {
		return 0, err
	}
	defer C.contour_graph_filter_free(cf)
	h := g.handle()
	p := h.rlock()
	if p == nil {
		return 0, closedError(op)
	}
	defer h.runlock()
	return writeThrough(w, op, formatDetail(format), func(fn C.contour_write_fn, ud unsafe.Pointer) C.contour_result {
		return C.contour_graph_write(p, C.contour_output_format(format), cf, fn, ud)
	})
}

// writeState is what one write's callback works with.
type writeState struct {
	w        io.Writer
	buf      []byte
	n        int64
	err      error // w's error, or io.ErrShortWrite
	panicked bool
	panicVal any
}

// maxPiece is the most bytes the library passes to a write callback at once.
const maxPiece = 64 << 10

// writeThrough runs call, which makes the library write through goContourWrite into w,
// and turns its result into what the write functions return.
func writeThrough(w io.Writer, op, detail string, call func(fn C.contour_write_fn, ud unsafe.Pointer) C.contour_result) (int64, error) {
	if w == nil {
		return 0, newError(C.CONTOUR_ERR_INVALID, op, "nil io.Writer")
	}
	st := &writeState{w: w}
	hd := cgo.NewHandle(st)
	defer hd.Delete()
	// The handle's address is what C passes back: a Go pointer to memory holding no Go
	// pointers, valid for the call.
	rc := call(C.contour_write_fn(C.goContourWrite), unsafe.Pointer(&hd))
	if st.panicked {
		panic(st.panicVal)
	}
	switch {
	case rc == C.CONTOUR_OK:
		return st.n, nil
	case rc == C.CONTOUR_ERR_IO && st.err != nil:
		return st.n, st.err
	}
	return st.n, newError(rc, op, detail)
}

//export goContourWrite
func goContourWrite(ud unsafe.Pointer, bytes *C.char, n C.size_t) (stop C.int) {
	st := (*(*cgo.Handle)(ud)).Value().(*writeState)
	defer func() {
		if r := recover(); r != nil {
			st.panicked, st.panicVal = true, r
			stop = 1
		}
	}()
	size := int(n)
	if size <= 0 {
		return 0
	}
	// The library's bytes are borrowed for this call only: w gets a Go copy, so a writer
	// that keeps its slice (against io.Writer's rules) never reads freed C memory.
	if cap(st.buf) < size {
		c := size
		if c < maxPiece {
			c = maxPiece
		}
		st.buf = make([]byte, c)
	}
	b := st.buf[:size]
	copy(b, unsafe.Slice((*byte)(unsafe.Pointer(bytes)), size))
	m, err := st.w.Write(b)
	if m < 0 || m > size {
		m, err = 0, errInvalidWrite
	}
	st.n += int64(m)
	if err == nil && m < size {
		err = io.ErrShortWrite
	}
	if err != nil {
		st.err = err
		return 1
	}
	return 0
}

// formatDetail names an output format in error details.
func formatDetail(f OutputFormat) string {
	if s := f.String(); s != "" {
		return s
	}
	return "OutputFormat(" + strconv.Itoa(int(f)) + ")"
}
