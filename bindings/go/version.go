package contour

/*
#include <contour/contour.h>
*/
import "C"

import "fmt"

// ABIMajor is the libcontour ABI major version this binding was written for. The loaded
// library's major version (contour_version() >> 16) must be equal.
const ABIMajor = 1

// Version is a libcontour version.
type Version struct {
	Major, Minor, Patch int
}

// String returns "MAJOR.MINOR.PATCH".
func (v Version) String() string { return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch) }

func unpackVersion(n uint32) Version {
	return Version{Major: int(n >> 16), Minor: int(n >> 8 & 0xff), Patch: int(n & 0xff)}
}

// BuildVersion is the version of the libcontour headers the binding was compiled against.
var BuildVersion = unpackVersion(uint32(C.CONTOUR_VERSION_NUMBER))

// GraphSchemaVersion is the version of the JSON route graph schema of the headers the
// binding was compiled against.
const GraphSchemaVersion = C.CONTOUR_GRAPH_SCHEMA_VERSION

// LibraryVersion returns the version of the libcontour that is loaded at run time.
// Safe for concurrent use.
func LibraryVersion() Version { return unpackVersion(uint32(C.contour_version())) }

// VersionError says that the loaded libcontour cannot be used by this binding because
// its ABI major version differs. It matches ErrVersionMismatch with errors.Is.
type VersionError struct {
	// Binding is the ABI major version the binding was written for (ABIMajor).
	Binding int
	// Build is the version of the headers the binding was compiled against.
	Build Version
	// Library is the version of the library loaded at run time.
	Library Version
}

// Error names both versions.
func (e *VersionError) Error() string {
	return fmt.Sprintf("contour: this Go binding is written for libcontour ABI major version %d "+
		"(compiled against headers %s), but the loaded libcontour is version %s (ABI major %d)",
		e.Binding, e.Build, e.Library, e.Library.Major)
}

// Is reports whether target is ErrVersionMismatch.
func (e *VersionError) Is(target error) bool { return target == ErrVersionMismatch }

// checkVersion compares a packed library version (and the headers') with ABIMajor.
func checkVersion(build, library Version) error {
	if build.Major != ABIMajor || library.Major != ABIMajor {
		return &VersionError{Binding: ABIMajor, Build: build, Library: library}
	}
	return nil
}

// versionErr is computed once, when the package is initialised; every constructor
// returns it when it is not nil.
var versionErr = checkVersion(BuildVersion, LibraryVersion())

// CheckVersion returns nil when the loaded libcontour can be used by this binding, or a
// *VersionError naming both versions. Every constructor makes the same check.
func CheckVersion() error { return versionErr }
