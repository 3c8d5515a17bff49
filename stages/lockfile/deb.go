package lockfile

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// debPackage is how a Debian package is written: the fields Debian has,
// with the version whole.
type debPackage struct {
	Name     string `json:"name"`
	Version  string `json:"version"`
	Arch     string `json:"arch"`
	Repo     string `json:"repo"`
	Location string `json:"location"`
	SHA256   string `json:"sha256"`
	Size     int64  `json:"size"`
}

// MarshalJSON writes a Debian entry's packages as debPackages; an RPM
// entry is written as its fields say.
func (m Machine) MarshalJSON() ([]byte, error) {
	type plain Machine
	if m.Format == "" {
		return encodeJSON(plain(m))
	}
	debs := make([]debPackage, len(m.Packages))
	for i, p := range m.Packages {
		debs[i] = debPackage{Name: p.Name, Version: p.Version, Arch: p.Arch, Repo: p.Repo, Location: p.Location, SHA256: p.SHA256, Size: p.Size}
	}
	// The outer Packages, at depth 0, hides plain's.
	return encodeJSON(struct {
		plain
		Packages []debPackage `json:"packages"`
	}{plain(m), debs})
}

// UnmarshalJSON reads an entry of either format, refusing unknown fields
// as the whole file is read.
func (m *Machine) UnmarshalJSON(b []byte) error {
	type plain Machine
	var raw struct {
		plain
		Packages json.RawMessage `json:"packages"`
	}
	if err := decodeStrict(b, &raw); err != nil {
		return err
	}
	*m = Machine(raw.plain)
	m.Packages = nil
	switch m.Format {
	case "":
		if len(raw.Packages) > 0 {
			return decodeStrict(raw.Packages, &m.Packages)
		}
		return nil
	case FormatDeb:
	default:
		return fmt.Errorf("unknown package format %q", m.Format)
	}
	var debs []debPackage
	if len(raw.Packages) > 0 {
		if err := decodeStrict(raw.Packages, &debs); err != nil {
			return err
		}
	}
	if debs != nil {
		m.Packages = make([]Package, len(debs))
	}
	for i, d := range debs {
		m.Packages[i] = Package{Name: d.Name, Version: d.Version, Arch: d.Arch, Repo: d.Repo, Location: d.Location, SHA256: d.SHA256, Size: d.Size}
	}
	return nil
}

func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
