package stages

import (
	"errors"
	"fmt"
	"io"

	"github.com/disco-build/disco/stages/rpm"
)

// The install stage reads payloads ahead of placing them: one goroutine
// (the feed) takes each package in install order, checks its payload
// against the header's payload digests (rpm.Package.VerifyPayload), then
// decompresses it and checks every file against its header digest, and
// hands the entries and their content to the installer, which places them
// in the same order as if it read the payloads itself. Decompressing and
// hashing so overlap with writing the tree, and results and errors stay
// the same.
//
// Verifying the payload before decompressing it costs one more read of
// the compressed bytes (from the page cache) and no more hashing: once
// VerifyPayload passed, the payload reader does not hash the payload
// again. A package whose payload does not match never reaches the tree:
// the feed sends its error instead of the package's start, which the
// installer waits for before running the package's %pre.
//
// Content travels in a few reused buffers (feedBufs of feedBufSize): the
// feed packs file contents into one buffer after the other and, when it
// moves to the next, sends the old one back in the stream, so the
// installer returns it only after placing everything it held.

const (
	feedBufSize = 256 << 10
	feedBufs    = 8
	feedBatch   = 32 // items sent at once (a package's end or a wait sends fewer)
)

type feedKind int

const (
	feedStart   feedKind = iota // a package begins: skipped, or err
	feedEntry                   // a payload entry, or err (as Next failed)
	feedData                    // a piece of the last entry's content
	feedEnd                     // the package's payload ended
	feedRelease                 // buf is free again
)

type feedItem struct {
	kind    feedKind
	skipped map[int]string    // feedStart
	entry   *rpm.PayloadEntry // feedEntry
	data    []byte            // feedData
	last    bool              // feedData: the content's last piece
	sha     string            // feedData, last: the content's verified SHA-256, or ""
	err     error             // feedStart, feedEntry: as place reports it; feedData: reading the content
	buf     []byte            // feedRelease
}

// feed reads payloads ahead of the installer.
type feed struct {
	out   chan []feedItem
	free  chan []byte
	done  chan struct{}
	batch []feedItem // items not sent yet (feed side)
	buf   []byte     // the buffer being filled (feed side)
	off   int
	in    []feedItem // items received and not taken yet (installer side)
}

// startFeed starts reading ops' payloads; stop must be called.
func startFeed(ops []opened, excludeDocs bool) *feed {
	f := &feed{out: make(chan []feedItem, 4), free: make(chan []byte, feedBufs), done: make(chan struct{})}
	for range feedBufs {
		f.free <- make([]byte, feedBufSize)
	}
	go f.run(ops, excludeDocs)
	return f
}

// stop ends the feed and waits until it has let go of the packages.
func (f *feed) stop() {
	close(f.done)
	for range f.out {
	}
}

// send queues an item; false when the installer is gone.
func (f *feed) send(it feedItem) bool {
	f.batch = append(f.batch, it)
	if len(f.batch) < feedBatch && it.kind != feedEnd {
		return true
	}
	return f.flush()
}

func (f *feed) flush() bool {
	if len(f.batch) == 0 {
		return true
	}
	select {
	case f.out <- f.batch:
		f.batch = make([]feedItem, 0, feedBatch)
		return true
	case <-f.done:
		return false
	}
}

func (f *feed) run(ops []opened, excludeDocs bool) {
	defer close(f.out)
	defer f.flush() // what the last package or an error left
	var ok bool
	if f.buf, ok = f.take(); !ok {
		return
	}
	for _, o := range ops {
		if !f.pkg(o, excludeDocs) {
			return
		}
	}
}

// take waits for a free buffer, after sending what is queued (the
// installer frees buffers as it reaches their release).
func (f *feed) take() ([]byte, bool) {
	if !f.flush() {
		return nil, false
	}
	select {
	case b := <-f.free:
		return b, true
	case <-f.done:
		return nil, false
	}
}

// pkg feeds one package; false when the feed must stop (an error was
// sent, or the installer is gone).
func (f *feed) pkg(o opened, excludeDocs bool) bool {
	nevra := o.pkg.NEVRA()
	skipped, err := skippedFiles(o.pkg, excludeDocs)
	if err != nil {
		f.send(feedItem{kind: feedStart, err: err})
		return false
	}
	if _, err := o.pkg.VerifyPayload(); err != nil {
		f.send(feedItem{kind: feedStart, err: fmt.Errorf("%s: %w", nevra, err)})
		return false
	}
	pr, err := o.pkg.Payload()
	if err != nil {
		f.send(feedItem{kind: feedStart, err: fmt.Errorf("%s: %w", nevra, err)})
		return false
	}
	defer pr.Close()
	if !f.send(feedItem{kind: feedStart, skipped: skipped}) {
		return false
	}
	for {
		pe, err := pr.Next()
		if errors.Is(err, io.EOF) {
			return f.send(feedItem{kind: feedEnd})
		}
		if err != nil {
			f.send(feedItem{kind: feedEntry, err: fmt.Errorf("%s: %w", nevra, err)})
			return false
		}
		if _, skip := skipped[pe.File.Index]; skip {
			continue // Next reads (and checks) its content
		}
		if !f.send(feedItem{kind: feedEntry, entry: pe}) {
			return false
		}
		if hasContent(pe) && !f.content(pr) {
			return false
		}
	}
}

// hasContent reports whether the payload carries content for the entry.
func hasContent(pe *rpm.PayloadEntry) bool { return pe.HardLinkOf == "" && pe.File.IsRegular() }

// content sends the current entry's content in pieces, the last with the
// verified digest or the error reading it.
func (f *feed) content(pr *rpm.PayloadReader) bool {
	for {
		if f.off == len(f.buf) {
			if !f.send(feedItem{kind: feedRelease, buf: f.buf}) {
				return false
			}
			var ok bool
			if f.buf, ok = f.take(); !ok {
				return false
			}
			f.off = 0
		}
		start := f.off
		var err error
		for f.off < len(f.buf) && err == nil {
			var n int
			n, err = pr.Read(f.buf[f.off:])
			f.off += n
		}
		piece := f.buf[start:f.off:f.off]
		switch {
		case errors.Is(err, io.EOF):
			return f.send(feedItem{kind: feedData, data: piece, last: true, sha: pr.VerifiedSHA256()})
		case err != nil:
			f.send(feedItem{kind: feedData, data: piece, last: true, err: err})
			return false
		case !f.send(feedItem{kind: feedData, data: piece}):
			return false
		}
	}
}

// skippedFiles checks a package's paths and lists the files not placed:
// %ghost files and, with excludeDocs, documentation.
func skippedFiles(p *rpm.Package, excludeDocs bool) (map[int]string, error) {
	nevra := p.NEVRA()
	files, err := p.Files()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", nevra, err)
	}
	skipped := map[int]string{}
	for i, f := range files {
		if err := rpm.ValidatePath(nevra, f.Path); err != nil {
			return nil, err
		}
		if f.IsGhost() {
			skipped[i] = "ghost"
		} else if excludeDocs && f.Flags&rpm.FileDoc != 0 {
			skipped[i] = "excluded doc"
		}
	}
	return skipped, nil
}

// errFeedEnded is a feed that stopped without saying why (a bug).
var errFeedEnded = errors.New("payload feed ended early")

// next returns the next item that is not a buffer release, handing
// released buffers back.
func (f *feed) next() feedItem {
	for {
		if len(f.in) == 0 {
			b, ok := <-f.out
			if !ok {
				return feedItem{kind: feedEntry, err: errFeedEnded}
			}
			f.in = b
		}
		it := f.in[0]
		f.in = f.in[1:]
		if it.kind != feedRelease {
			return it
		}
		f.free <- it.buf
	}
}

// feedContent reads one entry's content from the feed; it is a
// tree.Verified.
type feedContent struct {
	f    *feed
	has  bool   // the entry has content items
	cur  []byte // unread part of the current piece
	last bool   // cur is the last piece
	done bool   // the last piece was taken (then err, sha)
	err  error
	sha  string
}

// piece makes cur the next piece; false at the end of the content.
func (c *feedContent) piece() bool {
	if !c.has || c.last {
		c.done = true
		return false
	}
	it := c.f.next()
	if it.kind != feedData {
		c.has, c.done, c.err = false, true, errFeedEnded
		return false
	}
	c.cur, c.last, c.err, c.sha = it.data, it.last, it.err, it.sha
	return true
}

func (c *feedContent) Read(b []byte) (int, error) {
	for len(c.cur) == 0 {
		if c.last || !c.has {
			c.done = true
			return 0, c.end()
		}
		if !c.piece() {
			return 0, c.end()
		}
	}
	n := copy(b, c.cur)
	c.cur = c.cur[n:]
	return n, nil
}

// WriteTo writes the content straight from the feed's buffers.
func (c *feedContent) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for {
		if len(c.cur) > 0 {
			n, err := w.Write(c.cur)
			total += int64(n)
			c.cur = c.cur[n:]
			if err != nil {
				return total, err
			}
		}
		if c.last || !c.has || !c.piece() {
			c.done = true
			if err := c.end(); err != io.EOF {
				return total, err
			}
			return total, nil
		}
	}
}

// end is what a read past the content returns.
func (c *feedContent) end() error {
	if c.err != nil {
		return c.err
	}
	return io.EOF
}

// VerifiedSHA256 implements tree.Verified.
func (c *feedContent) VerifiedSHA256() string {
	if c.done && c.err == nil {
		return c.sha
	}
	return ""
}

// skip reads past what the installer left of the content and returns
// the error reading it, if any.
func (c *feedContent) skip() error {
	for !c.done && c.has && !c.last {
		c.piece()
	}
	c.done = true
	return c.err
}
