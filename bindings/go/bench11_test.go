package contour

import (
	"fmt"
	"testing"
)

// BenchmarkUpdateOneObject: a controller's step on a 10,000-object cluster — one object
// replaced (SetSource), the graph brought up to date (ResolveUpdate) and compared with the
// previous one (DiffGraphs) — against a full Resolve and the whole graph copied out.
func BenchmarkUpdateOneObject(b *testing.B) {
	s, err := NewSnapshot(nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.SetSource("cluster", genCluster(10000)); err != nil {
		b.Fatal(err)
	}
	// A delegated child (root → api → v1 → users) whose route changes each time.
	child := func(i int) []byte {
		return []byte(irChild("team-7", "users", fmt.Sprintf("  - match: /api/v1/users/x%d\n    services: [{name: users, port: 80}]\n", i%2)))
	}
	prev, err := s.Resolve(nil)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { prev.Close() }()
	b.Run("incremental", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if err := s.SetSource("IngressRoute/team-7/users", child(i)); err != nil {
				b.Fatal(err)
			}
			next, err := s.ResolveUpdate(prev, nil)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := DiffGraphs(prev, next); err != nil {
				b.Fatal(err)
			}
			prev.Close()
			prev = next
		}
	})
	b.Run("full", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if err := s.SetSource("IngressRoute/team-7/users", child(i)); err != nil {
				b.Fatal(err)
			}
			next, err := s.Resolve(nil)
			if err != nil {
				b.Fatal(err)
			}
			_ = next.Listeners()
			_ = next.Statuses()
			_ = next.Diagnostics()
			prev.Close()
			prev = next
		}
	})
}
