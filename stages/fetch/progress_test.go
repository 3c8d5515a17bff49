package fetch

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func feed(r *Renderer) {
	r.Event(Event{Kind: Planned, Items: 3, Total: 3 << 20})
	r.Event(Event{Kind: Done, Name: "cached-1", Total: 1 << 20, Cached: true})
	r.Event(Event{Kind: Started, Name: "new-1", Total: 1 << 20})
	r.Event(Event{Kind: Progress, Name: "new-1", Bytes: 1 << 19, Total: 1 << 20})
	r.Event(Event{Kind: Retry, Name: "new-1", Attempt: 1, Delay: time.Second, Err: errors.New("HTTP 500")})
	r.Event(Event{Kind: Done, Name: "new-1", Total: 1 << 20})
	r.Event(Event{Kind: Done, Name: "bad-1", Total: 1 << 20, Err: errors.New("HTTP 404")})
	r.Finish(Summary{Packages: 3, Downloaded: 1, FromCache: 1, Failed: 1, Bytes: 1 << 20, Duration: 2 * time.Second})
}

func TestRendererPlain(t *testing.T) {
	var b strings.Builder
	feed(NewRenderer(&b, false))
	want := `new-1: retry 1 in 1s after: HTTP 500
fetched new-1 (1.0 MiB)
failed bad-1: HTTP 404
3 packages: 1 fetched (1.0 MiB in 2.0s), 1 from cache, 1 failed
`
	if b.String() != want {
		t.Errorf("plain output:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestRendererTerminal(t *testing.T) {
	var b strings.Builder
	feed(NewRenderer(&b, true))
	out := b.String()
	for _, want := range []string{
		"\r\x1b[K[==========                    ] 1/3 packages 1.0 MiB/3.0 MiB\r",
		"1/3 packages 1.5 MiB/3.0 MiB new-1",
		"\r\x1b[Knew-1: retry 1 in 1s after: HTTP 500\n",
		"\r\x1b[Kfailed bad-1: HTTP 404\n",
		"\r\x1b[K3 packages: 1 fetched",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("terminal output lacks %q:\n%q", want, out)
		}
	}
	if strings.Contains(out, "fetched new-1") {
		t.Errorf("terminal output logs each download:\n%q", out)
	}
}

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
