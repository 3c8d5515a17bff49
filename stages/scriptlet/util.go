package scriptlet

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"sync"
)

// capped keeps the first limit bytes written to it and counts the rest.
type capped struct {
	mu      sync.Mutex
	limit   int
	buf     bytes.Buffer
	dropped int64
}

func (c *capped) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	room := c.limit - c.buf.Len()
	if room >= len(p) {
		c.buf.Write(p)
		return len(p), nil
	}
	if room > 0 {
		c.buf.Write(p[:room])
	}
	c.dropped += int64(len(p) - max(room, 0))
	return len(p), nil
}

func (c *capped) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dropped == 0 {
		return c.buf.String()
	}
	return c.buf.String() + fmt.Sprintf("\n[%d more bytes of output dropped]\n", c.dropped)
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

// tmpName is the script file's name under /var/tmp: rpm's rpm-tmp.XXXXXX
// pattern, with the X's derived from the scriptlet so that messages naming
// the file are the same on every build.
func tmpName(s Script) string {
	h := sha256.Sum256([]byte(s.Package + "\x00" + s.Name + "\x00" + s.Body))
	return "rpm-tmp." + hex.EncodeToString(h[:])[:6]
}
