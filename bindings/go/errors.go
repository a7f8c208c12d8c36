package contour

/*
#include <contour/contour.h>
*/
import "C"

import (
	"errors"
	"strconv"
	"strings"
)

// Code is a libcontour status code (contour_result): 0 for success, negative for a call
// that could not do its job. Problems with the input are never codes: they are
// diagnostics and statuses.
type Code int

// Status codes.
const (
	CodeOK       Code = 0  // success
	CodeNoMemory Code = -1 // an allocation failed; nothing was changed
	CodeInvalid  Code = -2 // an argument was out of range or malformed, or the handle is closed
	CodeNotFound Code = -3 // the object asked for does not exist
	CodeIO       Code = -4 // a file or directory could not be read (see the diagnostics)
	CodeLimit    Code = -5 // the input exceeds a configured limit (see the diagnostics)
)

// String returns the library's short description of the code ("out of memory", ...), as
// contour_result_str does.
func (c Code) String() string {
	switch c {
	case CodeOK:
		return "success"
	case CodeNoMemory:
		return "out of memory"
	case CodeInvalid:
		return "invalid argument"
	case CodeNotFound:
		return "not found"
	case CodeIO:
		return "input/output error"
	case CodeLimit:
		return "limit exceeded"
	}
	return "unknown status " + strconv.Itoa(int(c))
}

// Targets for errors.Is. An *Error matches the one of ErrNoMemory, ErrInvalid,
// ErrNotFound, ErrIO and ErrLimit that corresponds to its Status.
var (
	ErrNoMemory = errors.New("contour: out of memory")
	ErrInvalid  = errors.New("contour: invalid argument")
	ErrNotFound = errors.New("contour: not found")
	ErrIO       = errors.New("contour: input/output error")
	ErrLimit    = errors.New("contour: limit exceeded")
	// ErrClosed is matched (together with ErrInvalid) by the error a method of a closed
	// Snapshot or Graph returns.
	ErrClosed = errors.New("contour: use of a closed handle")
	// ErrNUL is matched (together with ErrInvalid) by the error for a string argument
	// with a NUL byte in it (a path, a source name, a namespace or name, a Config
	// string): C would cut it short there, so it is refused.
	ErrNUL = errors.New("contour: string contains a NUL byte")
	// ErrVersionMismatch is matched by the *VersionError every constructor returns when
	// the loaded libcontour has another ABI major version than this binding.
	ErrVersionMismatch = errors.New("contour: libcontour ABI version mismatch")
)

// errInvalidWrite is the error of an io.Writer that says it wrote a negative number of
// bytes or more than it was given.
var errInvalidWrite = errors.New("contour: io.Writer returned an invalid count")

func sentinel(c Code) error {
	switch c {
	case CodeNoMemory:
		return ErrNoMemory
	case CodeInvalid:
		return ErrInvalid
	case CodeNotFound:
		return ErrNotFound
	case CodeIO:
		return ErrIO
	case CodeLimit:
		return ErrLimit
	}
	return nil
}

// Error is a failed library call. Status is the library's code, Op names the operation
// ("load path", "resolve", ...), Detail the argument concerned, and Diagnostics holds the
// error diagnostics that explain it, when there are any (e.g. the "io-error" diagnostic
// of an unreadable file).
type Error struct {
	Status      Code
	Op          string
	Detail      string
	Diagnostics []Diagnostic
	// Err is an underlying cause, such as ErrClosed, or nil.
	Err error
}

// Error formats the error as "contour: OP DETAIL: STATUS: first diagnostic".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("contour: ")
	b.WriteString(e.Op)
	if e.Detail != "" {
		b.WriteString(" ")
		b.WriteString(strconv.Quote(e.Detail))
	}
	b.WriteString(": ")
	if e.Err != nil {
		b.WriteString(strings.TrimPrefix(e.Err.Error(), "contour: "))
	} else {
		b.WriteString(e.Status.String())
	}
	if len(e.Diagnostics) > 0 {
		b.WriteString(": ")
		b.WriteString(e.Diagnostics[0].String())
		if n := len(e.Diagnostics) - 1; n > 0 {
			b.WriteString(" (and " + strconv.Itoa(n) + " more)")
		}
	}
	return b.String()
}

// Unwrap returns the errors.Is target of the status and the cause, if any.
func (e *Error) Unwrap() []error {
	errs := make([]error, 0, 2)
	if s := sentinel(e.Status); s != nil {
		errs = append(errs, s)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

func newError(st C.contour_result, op, detail string) *Error {
	return &Error{Status: Code(st), Op: op, Detail: detail}
}

func closedError(op string) *Error {
	return &Error{Status: CodeInvalid, Op: op, Err: ErrClosed}
}

// LoadError is returned by the load functions when Config.Strict is set and the load
// produced error diagnostics (documents or objects that could not be used). The data
// that could be used was still loaded.
type LoadError struct {
	// Op is "load path" or "load bytes"; Source the path or buffer name.
	Op     string
	Source string
	// Diagnostics are the error diagnostics about Source, with their positions.
	Diagnostics []Diagnostic
}

// Error formats the error with its first diagnostic and the number of others.
func (e *LoadError) Error() string {
	var b strings.Builder
	b.WriteString("contour: " + e.Op + " " + strconv.Quote(e.Source) + ": ")
	b.WriteString(strconv.Itoa(len(e.Diagnostics)))
	if len(e.Diagnostics) == 1 {
		b.WriteString(" error")
	} else {
		b.WriteString(" errors")
	}
	if len(e.Diagnostics) > 0 {
		b.WriteString(": ")
		b.WriteString(e.Diagnostics[0].String())
	}
	return b.String()
}
