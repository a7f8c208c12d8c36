package main

import (
	"fmt"
	"io"
	"strings"

	contour "github.com/libcontour/libcontour/bindings/go"
)

// printDiff writes what changed between two graphs (contour.DiffGraphs: statuses,
// virtual hosts per listener with their routes, diagnostics that appeared or went), one
// line per change, at most max lines (0: all) and then how
// many more there were.
func printDiff(w io.Writer, d *contour.Diff, indent string, max int) {
	n := 0
	line := func(format string, args ...interface{}) {
		if max == 0 || n < max {
			fmt.Fprintf(w, indent+format+"\n", args...)
		}
		n++
	}
	for _, s := range d.Statuses {
		switch s.Change {
		case contour.ChangeAdded:
			line("status %s/%s: %s: %s", s.New.Namespace, s.New.Name, s.New.State, s.New.Description)
		case contour.ChangeRemoved:
			line("status %s/%s: removed (was %s)", s.Old.Namespace, s.Old.Name, s.Old.State)
		default:
			if s.Old.State == s.New.State && s.Old.Description == s.New.Description {
				line("status %s/%s: %s, virtual hosts %v -> %v", s.New.Namespace, s.New.Name, s.New.State, s.Old.VirtualHosts, s.New.VirtualHosts)
			} else {
				line("status %s/%s: %s -> %s: %s", s.New.Namespace, s.New.Name, s.Old.State, s.New.State, s.New.Description)
			}
		}
	}
	for _, v := range d.VirtualHosts {
		var what []string
		if v.TLSChanged {
			what = append(what, "tls/tcpproxy changed")
		}
		for _, r := range v.Routes {
			what = append(what, fmt.Sprintf("%s %s %s", r.MatchType, r.Path, r.Change))
		}
		line("vhost %s %s: %s%s", v.Listener, v.FQDN, v.Change, joinWhat(what))
	}
	for _, diag := range d.AddedDiagnostics {
		line("diagnostic + %s", diag)
	}
	for _, diag := range d.ResolvedDiagnostics {
		line("diagnostic - %s", diag)
	}
	if max > 0 && n > max {
		fmt.Fprintf(w, "%s... and %d more\n", indent, n-max)
	}
}

func joinWhat(what []string) string {
	const most = 4
	if len(what) == 0 {
		return ""
	}
	if len(what) > most {
		what = append(what[:most:most], fmt.Sprintf("and %d more", len(what)-most))
	}
	return " (" + strings.Join(what, ", ") + ")"
}
