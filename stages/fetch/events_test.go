package fetch

import "testing"

// TestEventsOfAFetch checks the events a real fetch sends, in order for one item.
func TestEventsOfAFetch(t *testing.T) {
	r := newRig(t)
	a, _ := r.item("a", "/a.rpm", 1, 300_000)
	r.srv.fault("/a.rpm", failFirst(500, 1))
	if _, err := r.fetch(a); err != nil {
		t.Fatal(err)
	}
	var kinds []EventKind
	for _, e := range r.events {
		if len(kinds) == 0 || kinds[len(kinds)-1] != e.Kind {
			kinds = append(kinds, e.Kind)
		}
	}
	want := []EventKind{Planned, Started, Retry, Progress, Done}
	if len(kinds) != len(want) {
		t.Fatalf("event kinds %v, want %v", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Fatalf("event kinds %v, want %v", kinds, want)
		}
	}
	last := r.events[len(r.events)-2]
	if last.Bytes != 300_000 || last.Total != 300_000 || last.Name != "a" {
		t.Errorf("last progress %+v", last)
	}
}
