package repo

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/xml"
	"errors"
	"fmt"
	"hash"
	"io"
	"strings"
)

// Checksum is a digest as rpm-md writes it: a type ("sha256", ...) and a
// lower-case hex value.
type Checksum struct {
	Type  string
	Value string
}

func (c Checksum) String() string { return c.Type + ":" + c.Value }

// newHash returns the hash for an rpm-md checksum type ("sha" is yum's old
// name for sha1).
func newHash(typ string) (hash.Hash, error) {
	switch typ {
	case "sha1", "sha":
		return sha1.New(), nil
	case "sha224":
		return sha256.New224(), nil
	case "sha256":
		return sha256.New(), nil
	case "sha384":
		return sha512.New384(), nil
	case "sha512":
		return sha512.New(), nil
	}
	return nil, fmt.Errorf("unsupported checksum type %q", typ)
}

// RepoMD is a repository's repodata/repomd.xml.
type RepoMD struct {
	Revision string
	Data     []RepoMDData
}

// RepoMDData is one <data> entry of repomd.xml: a metadata file.
type RepoMDData struct {
	Type         string // "primary", "filelists", "other", ...
	Location     string // href, relative to Base (xml:base) or the repo base URL
	Base         string // xml:base, or ""
	Checksum     Checksum
	OpenChecksum Checksum // of the decompressed content
	Size         int64
	OpenSize     int64
	Timestamp    int64
}

// Find returns the entry of the given type, or nil.
func (m *RepoMD) Find(typ string) *RepoMDData {
	for i := range m.Data {
		if m.Data[i].Type == typ {
			return &m.Data[i]
		}
	}
	return nil
}

type repomdXML struct {
	XMLName  xml.Name `xml:"repomd"`
	Revision string   `xml:"revision"`
	Data     []struct {
		Type     string `xml:"type,attr"`
		Checksum struct {
			Type  string `xml:"type,attr"`
			Value string `xml:",chardata"`
		} `xml:"checksum"`
		OpenChecksum struct {
			Type  string `xml:"type,attr"`
			Value string `xml:",chardata"`
		} `xml:"open-checksum"`
		Location struct {
			Href string `xml:"href,attr"`
			Base string `xml:"http://www.w3.org/XML/1998/namespace base,attr"`
		} `xml:"location"`
		Timestamp float64 `xml:"timestamp"`
		Size      int64   `xml:"size"`
		OpenSize  int64   `xml:"open-size"`
	} `xml:"data"`
}

// ParseRepoMD parses a repomd.xml body; name labels errors, which give
// the line for a document that is not well-formed XML.
func ParseRepoMD(name string, body []byte) (*RepoMD, error) {
	if err := wellFormed(name, body); err != nil {
		return nil, err
	}
	var doc repomdXML
	if err := xml.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	md := &RepoMD{Revision: strings.TrimSpace(doc.Revision)}
	for _, d := range doc.Data {
		e := RepoMDData{
			Type:         d.Type,
			Location:     d.Location.Href,
			Base:         d.Location.Base,
			Checksum:     Checksum{strings.ToLower(d.Checksum.Type), strings.ToLower(strings.TrimSpace(d.Checksum.Value))},
			OpenChecksum: Checksum{strings.ToLower(d.OpenChecksum.Type), strings.ToLower(strings.TrimSpace(d.OpenChecksum.Value))},
			Size:         d.Size,
			OpenSize:     d.OpenSize,
			Timestamp:    int64(d.Timestamp),
		}
		if e.Type == "" || e.Location == "" {
			return nil, fmt.Errorf("%s: <data> entry %q without type or location", name, e.Type)
		}
		// Checksums are checked (type and hex) when a file is used, so an
		// entry disco never reads cannot make a repository unreadable.
		md.Data = append(md.Data, e)
	}
	return md, nil
}

// wellFormed reads body to its end as XML: one document element and,
// around it, only comments, processing instructions and white space
// (xml.Unmarshal stops after the element and takes anything behind it).
func wellFormed(name string, body []byte) error {
	d := xml.NewDecoder(bytes.NewReader(body))
	roots := 0
	for depth := 0; ; {
		tok, err := d.Token()
		if err == io.EOF {
			if roots == 0 {
				return fmt.Errorf("%s: no document element", name)
			}
			return nil
		}
		line, _ := d.InputPos()
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			return fmt.Errorf("%s:%d: %s", name, se.Line, se.Msg)
		}
		if err != nil {
			return fmt.Errorf("%s:%d: %w", name, line, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			for i, a := range t.Attr {
				for _, b := range t.Attr[:i] {
					if a.Name == b.Name {
						return fmt.Errorf("%s:%d: attribute %s repeated in <%s>", name, line, a.Name.Local, t.Name.Local)
					}
				}
			}
			if depth == 0 {
				if roots++; roots > 1 {
					return fmt.Errorf("%s:%d: <%s> after the document element", name, line, t.Name.Local)
				}
			}
			depth++
		case xml.EndElement:
			depth--
		case xml.CharData:
			if depth == 0 && len(bytes.TrimSpace(t)) > 0 {
				return fmt.Errorf("%s:%d: text outside the document element", name, line)
			}
		}
	}
}
