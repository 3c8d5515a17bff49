package manifest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
)

// Write writes the manifest as JSON lines, one entry a line, sorted by
// path; the bytes depend only on the entries.
func (m *Manifest) Write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	if err := m.Walk(func(e *Entry) error { return enc.Encode(e) }); err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	return bw.Flush()
}

// Read reads a manifest written by Write.
func Read(r io.Reader) (*Manifest, error) {
	m := &Manifest{entries: map[string]*Entry{}}
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	for line := 1; ; line++ {
		var e Entry
		err := dec.Decode(&e)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("manifest: entry %d: %w", line, err)
		}
		if err := CheckPath(e.Path); err != nil {
			return nil, fmt.Errorf("manifest: entry %d: %w", line, err)
		}
		m.entries[e.Path] = &e
	}
	if m.entries["/"] == nil {
		return nil, fmt.Errorf("manifest: no root entry")
	}
	return m, nil
}
