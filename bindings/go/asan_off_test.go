//go:build !asan

package contour

// underASan is set when the tests run with -asan (see asan_on_test.go).
const underASan = false
