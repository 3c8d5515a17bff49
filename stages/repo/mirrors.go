package repo

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// ParseMirrorList reads a mirrorlist body: one repository base URL per line,
// blank lines and lines starting with '#' ignored. name labels errors
// ("NAME:LINE: message"). A line that is not an absolute URL is an error, so
// an HTML error page is not taken for a list of mirrors.
func ParseMirrorList(name string, body []byte) ([]string, error) {
	var urls []string
	sc := bufio.NewScanner(bytes.NewReader(body))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		u, err := url.Parse(line)
		if err != nil || u.Scheme == "" || (u.Host == "" && u.Scheme != "file") {
			return nil, &ParseError{name, n, fmt.Sprintf("%q is not an absolute URL", line)}
		}
		urls = append(urls, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(urls) == 0 {
		return nil, fmt.Errorf("%s: mirrorlist has no URLs", name)
	}
	return urls, nil
}

// Metalink is what a metalink document says about repomd.xml.
type Metalink struct {
	Size      int64
	Timestamp int64
	Hashes    []Checksum    // of repomd.xml
	URLs      []MetalinkURL // highest preference first
}

// MetalinkURL is one place repomd.xml can be fetched from.
type MetalinkURL struct {
	URL        string // ends in repodata/repomd.xml
	Protocol   string
	Preference int
}

// BaseURLs gives the repository base URLs (each URL without its trailing
// "repodata/repomd.xml"), in preference order.
func (m *Metalink) BaseURLs() []string {
	out := make([]string, 0, len(m.URLs))
	for _, u := range m.URLs {
		out = append(out, strings.TrimSuffix(u.URL, "repodata/repomd.xml"))
	}
	return out
}

type metalinkXML struct {
	Files []struct {
		Name      string `xml:"name,attr"`
		Size      int64  `xml:"size"`
		Timestamp int64  `xml:"timestamp"`
		Hashes    []struct {
			Type  string `xml:"type,attr"`
			Value string `xml:",chardata"`
		} `xml:"verification>hash"`
		URLs []struct {
			Protocol   string `xml:"protocol,attr"`
			Preference int    `xml:"preference,attr"`
			URL        string `xml:",chardata"`
		} `xml:"resources>url"`
	} `xml:"files>file"`
}

// ParseMetalink reads a metalink document (as Fedora's mirror manager
// serves) and returns its entry for repomd.xml, URLs ordered by preference
// (highest first, ties in document order). name labels errors.
func ParseMetalink(name string, body []byte) (*Metalink, error) {
	var doc metalinkXML
	if err := xml.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("%s: metalink: %w", name, err)
	}
	for _, f := range doc.Files {
		if f.Name != "repomd.xml" {
			continue
		}
		m := &Metalink{Size: f.Size, Timestamp: f.Timestamp}
		for _, h := range f.Hashes {
			m.Hashes = append(m.Hashes, Checksum{Type: strings.ToLower(h.Type), Value: strings.ToLower(strings.TrimSpace(h.Value))})
		}
		for _, u := range f.URLs {
			m.URLs = append(m.URLs, MetalinkURL{URL: strings.TrimSpace(u.URL), Protocol: u.Protocol, Preference: u.Preference})
		}
		sort.SliceStable(m.URLs, func(i, j int) bool { return m.URLs[i].Preference > m.URLs[j].Preference })
		if len(m.URLs) == 0 {
			return nil, fmt.Errorf("%s: metalink lists no URLs for repomd.xml", name)
		}
		return m, nil
	}
	return nil, fmt.Errorf("%s: metalink has no entry for repomd.xml", name)
}
