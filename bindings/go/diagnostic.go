package contour

// Diagnostic is something the library has to say about its input, with the place it
// concerns. It is a plain Go value copied out of the library.
type Diagnostic struct {
	Severity Severity
	// Code is a stable identifier ("unknown-field", "yaml-syntax", "delegate-not-found",
	// ...) that programs may switch on; docs/diagnostics.md lists them.
	Code string
	// Message is English prose; it may change between releases.
	Message string
	// Position is the place concerned: File is the path or buffer name; Line is 0 when the
	// diagnostic concerns a whole input, Column 0 when unknown.
	Position
	// Field is the path of the field concerned inside its object, e.g.
	// "spec.routes[1].services[0].port", or "" when it is not about one field.
	Field string
	// Object is the object concerned; Kind is KindNone when none is known.
	Object ObjectRef
}

// String formats the diagnostic as `contourc check` prints it (the bracketed object only
// when one is known):
//
//	file:line:col: severity: message [namespace/name]
func (d Diagnostic) String() string {
	s := d.Position.String() + ": " + d.Severity.String() + ": " + d.Message
	if d.Object.Name != "" {
		s += " [" + d.Object.String() + "]"
	}
	return s
}

// diagnostics decodes a DIAGNOSTIC or OBJECT_DIAGNOSTIC table (docs/export.md); nil when
// it is empty.
func (x *export) diagnostics(table int) []Diagnostic {
	n := x.count[table]
	if n == 0 {
		return nil
	}
	ds := make([]Diagnostic, n)
	for i := range ds {
		r := x.rec(table, i)
		d := &ds[i]
		d.Severity = Severity(r.int())
		d.Code = r.str()
		d.Message = r.str()
		d.File = r.str()
		d.Line = r.u32()
		d.Column = r.u32()
		d.Field = r.str()
		d.Object.Kind = Kind(r.int())
		d.Object.Namespace = r.str()
		d.Object.Name = r.str()
	}
	return ds
}

// errorsOnly returns the diagnostics of severity error.
func errorsOnly(ds []Diagnostic) []Diagnostic {
	var out []Diagnostic
	for _, d := range ds {
		if d.Severity == SeverityError {
			out = append(out, d)
		}
	}
	return out
}
