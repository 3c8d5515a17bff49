// Package fetch downloads the packages a lock names into the shared
// content-addressed store (stages/store), in parallel, verifying every byte
// before anything can use it.
//
// Entry points: New builds a Fetcher from a store and Options; Fetcher.Fetch
// takes Items (name, candidate URLs, sha256, size, proxy) and returns a
// Summary plus one error listing every item that failed with its last cause.
// Options.Progress receives the Fetcher's Events (events.go); the caller
// shows them (disco's CLI draws them on its status line, runtime/progress).
//
// Per item: an object already in the store and valid is "from cache";
// otherwise each candidate URL is tried in order (mirror failover). On one
// URL, transient failures (network errors, HTTP 5xx/408/429, a stall with no
// bytes for StallTimeout, a per-attempt timeout, a truncated body) are
// retried with exponential backoff (longer if the server sends
// Retry-After, never beyond BackoffMax), resuming the partial download with an
// HTTP Range request; the partial file is kept for the whole run, also
// across mirrors, since every mirror serves the same bytes. Permanent
// failures (other HTTP 4xx, missing files, a wrong size or sha256) move on
// to the next URL. The bytes are hashed as they arrive; a wrong sha256 or
// size never enters the store. Options.Verify (e.g. an OpenPGP check) runs
// on the complete, hash-checked file before it is renamed into the store.
//
// URLs may be http(s)://, file:// or plain paths. Proxies come from
// HTTP_PROXY, HTTPS_PROXY and NO_PROXY (read through Options.Getenv) unless
// an item names its own proxy (a repo's proxy= option; "_none_" means go
// direct).
//
// Why hand-written: grab/go-getter and similar download libraries do not
// combine a content-addressed atomic store, per-item proxies, per-host
// limits and resumable mirror failover; net/http does the protocol work and
// golang.org/x/net/http/httpproxy the NO_PROXY matching.
package fetch
