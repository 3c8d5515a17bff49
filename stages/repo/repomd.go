package repo

import (
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/xml"
	"fmt"
	"hash"
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

// ParseRepoMD parses a repomd.xml body; name labels errors.
func ParseRepoMD(name string, body []byte) (*RepoMD, error) {
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
