package fetch

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/disco-build/disco/stages/store"
)

// Item is one package to fetch.
type Item struct {
	Name   string   // for messages, e.g. "bash-5.2-1.x86_64"
	URLs   []string // candidates in order of preference: http(s)://, file:// or a path
	SHA256 string   // hex sha256 of the package's bytes
	Size   int64    // expected size in bytes; 0 or less if unknown
	Proxy  string   // "" = from the environment, "_none_" = direct, else a proxy URL
}

// NoProxy is the Item.Proxy value that disables any proxy for the item.
const NoProxy = "_none_"

// Options configure a Fetcher. Zero values take the defaults noted.
type Options struct {
	Parallel       int           // items fetched at once (default 6)
	PerHost        int           // requests in flight per host of the first URL, redirects not counted (default 4)
	Retries        int           // retries per URL after the first attempt (default 4; negative = none)
	BackoffBase    time.Duration // delay before the first retry, doubled each time (default 500ms)
	BackoffMax     time.Duration // longest delay (default 30s)
	RequestTimeout time.Duration // limit on one attempt, headers and body (default 10m)
	StallTimeout   time.Duration // retry when no byte arrives for this long (default 30s)

	// Verify, if set, runs on the complete, hash-checked file before it is
	// renamed into the store (e.g. an OpenPGP signature check). An error
	// fails the item without trying other URLs. It may be called from
	// several goroutines at once.
	Verify func(name, path string) error

	Progress func(Event)                                      // receives Events, one call at a time
	Now      func() time.Time                                 // clock for Summary.Duration (default time.Now)
	Sleep    func(ctx context.Context, d time.Duration) error // backoff sleeper (default: timer or ctx)
	Getenv   func(string) string                              // environment for proxies (default os.Getenv)
	// TLS, if set, configures HTTPS (e.g. RootCAs for a private mirror).
	TLS *tls.Config
	// DialContext, if set, replaces the network dialer (tests use it to
	// give loopback servers host names).
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Summary is what a Fetch did.
type Summary struct {
	Packages   int           // items asked for
	Downloaded int           // items fetched into the store now
	FromCache  int           // items already present and valid
	Failed     int           // items that could not be fetched
	Bytes      int64         // bytes received, including retried partial bytes
	Duration   time.Duration // wall time by Options.Now
}

// Seconds returns the duration in seconds.
func (s Summary) Seconds() float64 { return s.Duration.Seconds() }

// Fetcher downloads Items into a store. It is safe for concurrent use.
type Fetcher struct {
	store  *store.Store
	opts   Options
	client *clientSet
	hosts  *hostLimiter
	mu     sync.Mutex // serialises Progress calls
}

// New returns a Fetcher storing into st.
func New(st *store.Store, opts Options) *Fetcher {
	opts = withDefaults(opts)
	return &Fetcher{store: st, opts: opts, client: newClientSet(opts), hosts: newHostLimiter(opts.PerHost)}
}

func withDefaults(o Options) Options {
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	if o.Parallel <= 0 {
		o.Parallel = 6
	}
	if o.PerHost <= 0 {
		o.PerHost = 4
	}
	if o.Retries == 0 {
		o.Retries = 4
	} else if o.Retries < 0 {
		o.Retries = 0
	}
	def(&o.BackoffBase, 500*time.Millisecond)
	def(&o.BackoffMax, 30*time.Second)
	def(&o.RequestTimeout, 10*time.Minute)
	def(&o.StallTimeout, 30*time.Second)
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	return o
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

// result is the outcome of one item.
type result struct {
	cached bool
	err    error
}

// Fetch puts every item into the store. The error joins one error per
// failed item, in item order, each naming the item and its last cause.
func (f *Fetcher) Fetch(ctx context.Context, items []Item) (Summary, error) {
	start := f.opts.Now()
	var total int64
	for _, it := range items {
		total += max(it.Size, 0)
	}
	f.emit(Event{Kind: Planned, Items: len(items), Total: total})
	results := make([]result, len(items))
	var received atomic.Int64
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(f.opts.Parallel, max(len(items), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = f.fetchItem(ctx, items[i], &received)
			}
		}()
	}
	for i := range items {
		next <- i
	}
	close(next)
	wg.Wait()
	return f.summarise(items, results, received.Load(), start)
}

func (f *Fetcher) summarise(items []Item, results []result, received int64, start time.Time) (Summary, error) {
	s := Summary{Packages: len(items), Bytes: received}
	var errs []error
	for i, r := range results {
		switch {
		case r.err != nil:
			s.Failed++
			errs = append(errs, fmt.Errorf("%s: %w", items[i].Name, r.err))
		case r.cached:
			s.FromCache++
		default:
			s.Downloaded++
		}
	}
	s.Duration = f.opts.Now().Sub(start)
	if len(errs) > 0 {
		return s, fmt.Errorf("fetch: %d of %d packages failed:\n%w", s.Failed, s.Packages, errors.Join(errs...))
	}
	return s, nil
}

func (f *Fetcher) emit(e Event) {
	if f.opts.Progress == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.opts.Progress(e)
}
