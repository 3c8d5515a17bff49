package fetch

import "time"

// EventKind says what an Event reports.
type EventKind int

const (
	// Planned is sent once before any work: Items and Total are the number
	// of items and the sum of their sizes.
	Planned EventKind = iota
	// Started: an item is not in the store and its download begins.
	Started
	// Progress: Bytes of Total have been received for the item.
	Progress
	// Retry: an attempt on URL failed with Err; the next one starts after
	// Delay (Attempt is the number of the failed attempt). A Retry with
	// Delay 0 means moving on to the next URL.
	Retry
	// Done: the item finished; Err is nil on success, Cached says it was
	// already in the store.
	Done
)

// Event reports progress. Events are delivered one at a time (the Fetcher
// serialises the calls), so a handler needs no locking of its own.
type Event struct {
	Kind    EventKind
	Name    string // the item's name (empty for Planned)
	URL     string // the URL in use (Progress, Retry, Done after a download)
	Bytes   int64  // bytes of this item received so far (Progress, Done)
	Total   int64  // the item's expected size; for Planned, of all items
	Items   int    // Planned: number of items
	Attempt int    // Retry: the failed attempt's number on this URL, from 1
	Delay   time.Duration
	Cached  bool
	Err     error
}
