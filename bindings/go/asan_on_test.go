//go:build asan

package contour

// underASan is set when the tests run with -asan: AddressSanitizer's quarantine keeps
// freed memory resident, so resident-set checks do not apply.
const underASan = true
