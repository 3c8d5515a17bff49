package apt

import (
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/disco-build/disco/stages/deb822"
)

// Release is a repository's Release file (the text of InRelease, or
// Release beside Release.gpg): what the suite is and the size and digests
// of every index it has.
type Release struct {
	Origin, Label, Suite, Codename, Version, Description string

	// Date is when the file was made; zero when it has none (or one apt
	// cannot read, which apt only warns about).
	Date time.Time
	// ValidUntil is zero when the file does not expire.
	ValidUntil time.Time

	Architectures []string
	Components    []string
	// AcquireByHash: indexes may be fetched as by-hash/SHA256/<digest>
	// beside their path, which mirrors keep while they update.
	AcquireByHash bool
	// NotAutomatic and ButAutomaticUpgrades set apt's default pin
	// priority (1 or 100 instead of 500).
	NotAutomatic, ButAutomaticUpgrades bool
	// NoSupportForArchitectureAll lists the index kinds ("Packages") whose
	// Architecture: all entries are in every architecture's index rather
	// than in binary-all.
	NoSupportForArchitectureAll []string
	// SignedBy is what the Release file says the next one must be signed
	// with; apt applies it to the next update only.
	SignedBy string

	// Files lists the indexes by path relative to the suite's directory
	// ("main/binary-amd64/Packages.xz").
	Files map[string]*FileInfo

	// StrongHashes tells that at least one index has a SHA-256 or SHA-512
	// digest; apt refuses a Release file with only MD5 and SHA-1 ones.
	StrongHashes bool
}

// FileInfo is an index as the Release file lists it. Digests are lower
// case hex; those the Release file does not give are "".
type FileInfo struct {
	Path                      string
	Size                      int64
	MD5, SHA1, SHA256, SHA512 string
}

// hashFields are the digest lists of a Release file, their digest length
// in hex digits, and whether apt counts them as strong.
var hashFields = []struct {
	name   string
	hexLen int
	strong bool
	set    func(*FileInfo) *string
}{
	{"MD5Sum", 32, false, func(f *FileInfo) *string { return &f.MD5 }},
	{"SHA1", 40, false, func(f *FileInfo) *string { return &f.SHA1 }},
	{"SHA256", 64, true, func(f *FileInfo) *string { return &f.SHA256 }},
	{"SHA512", 128, true, func(f *FileInfo) *string { return &f.SHA512 }},
}

// ParseRelease reads the text of a Release file (the first paragraph, as
// apt reads it). Digest lines must read "digest size path" with a digest
// of the right length and the same size in every list; a Valid-Until apt
// cannot read is an error, a Date apt cannot read is left zero. file names
// the Release file in errors.
func ParseRelease(text, file string) (*Release, error) {
	sc := deb822.NewScanner(text, file, deb822.Options{})
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("%s: no sections in Release file", file)
	}
	p := sc.Paragraph()
	r := &Release{
		Origin: p.Value("Origin"), Label: p.Value("Label"), Suite: p.Value("Suite"),
		Codename: p.Value("Codename"), Version: p.Value("Version"), Description: p.Value("Description"),
		Architectures: strings.Fields(p.Value("Architectures")),
		Components:    strings.Fields(p.Value("Components")),
		AcquireByHash: yes(p.Value("Acquire-By-Hash")),
		NotAutomatic:  yes(p.Value("NotAutomatic")), ButAutomaticUpgrades: yes(p.Value("ButAutomaticUpgrades")),
		NoSupportForArchitectureAll: strings.Fields(p.Value("No-Support-for-Architecture-all")),
		SignedBy:                    p.Value("Signed-By"),
		Files:                       map[string]*FileInfo{},
	}
	if t, err := parseDate(p.Value("Date")); err == nil {
		r.Date = t
	}
	if v, ok := p.Get("Valid-Until"); ok && v != "" {
		t, err := parseDate(v)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: invalid 'Valid-Until' entry in Release file: %w", file, p.Field("Valid-Until").Line, err)
		}
		r.ValidUntil = t
	}
	for _, h := range hashFields {
		f := p.Field(h.name)
		if f == nil {
			continue
		}
		if line, err := r.addDigests(f, h.hexLen, h.set); err != nil {
			return nil, fmt.Errorf("%s:%d: %s: %w", file, f.Line+line, h.name, err)
		}
		r.StrongHashes = r.StrongHashes || h.strong && strings.TrimSpace(f.Value) != ""
	}
	return r, nil
}

// yes reads apt's boolean values.
func yes(v string) bool {
	switch strings.ToLower(v) {
	case "yes", "true", "with", "on", "enable":
		return true
	}
	return false
}

// addDigests reads one digest list; on error it returns the line of the
// field (0 for its first) at fault.
func (r *Release) addDigests(f *deb822.Field, hexLen int, set func(*FileInfo) *string) (int, error) {
	for i, line := range strings.Split(f.Value, "\n") {
		w := strings.Fields(line)
		if len(w) == 0 {
			continue
		}
		if len(w) != 3 {
			return i, fmt.Errorf("want \"digest size path\", got %q", strings.TrimSpace(line))
		}
		if len(w[0]) != hexLen || !isHex(w[0]) {
			return i, fmt.Errorf("%s: bad digest %q", w[2], w[0])
		}
		size, err := strconv.ParseInt(w[1], 10, 64)
		if err != nil || size < 0 {
			return i, fmt.Errorf("%s: bad size %q", w[2], w[1])
		}
		fi := r.Files[w[2]]
		if fi == nil {
			fi = &FileInfo{Path: w[2], Size: size}
			r.Files[w[2]] = fi
		} else if fi.Size != size {
			return i, fmt.Errorf("%s: size %d, but %d in another digest list", w[2], size, fi.Size)
		}
		*set(fi) = strings.ToLower(w[0])
	}
	return 0, nil
}

func isHex(s string) bool {
	_, err := hex.DecodeString(s)
	return err == nil
}

var months = []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

// parseDate reads a date as apt's RFC1123StrToTime does: "Sun, 06 Nov 1994
// 08:49:37 GMT" (zone GMT, UTC, Z or a numeric zero offset), or asctime's
// "Sun Nov  6 08:49:37 1994".
func parseDate(s string) (time.Time, error) {
	w := strings.Fields(s)
	bad := fmt.Errorf("cannot read date %q", s)
	if len(w) == 0 || len(w[0]) < 3 || !slices.Contains([]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}, strings.ToLower(w[0][:3])) {
		return time.Time{}, bad
	}
	var day, month, year, clock string
	switch {
	case len(w[0]) == 4 && w[0][3] == ',' && len(w) == 6:
		day, month, year, clock = w[1], w[2], w[3], w[4]
		if !zeroZone(w[5]) {
			return time.Time{}, bad
		}
	case len(w[0]) == 3 && len(w) == 5:
		month, day, clock, year = w[1], w[2], w[3], w[4]
	default:
		return time.Time{}, bad
	}
	m := slices.Index(months, strings.ToLower(month))
	d, err1 := strconv.Atoi(day)
	y, err2 := strconv.Atoi(year)
	t, err3 := time.Parse("15:04:05", clock)
	if m < 0 || err1 != nil || err2 != nil || err3 != nil || d < 1 || d > 31 {
		return time.Time{}, bad
	}
	return time.Date(y, time.Month(m+1), d, t.Hour(), t.Minute(), t.Second(), 0, time.UTC), nil
}

func zeroZone(z string) bool {
	switch z {
	case "GMT", "UTC", "Z":
		return true
	}
	n, err := strconv.Atoi(z)
	return err == nil && n == 0
}

// checkTimes applies apt's date checks at now: expired when past
// Valid-Until (unless allowExpired, apt's Check-Valid-Until=false), not
// yet valid when Date is more than ten seconds ahead (apt's
// Acquire::Max-FutureTime).
func (r *Release) checkTimes(file string, now time.Time, allowExpired bool) error {
	if !r.ValidUntil.IsZero() && now.After(r.ValidUntil) && !allowExpired {
		return fmt.Errorf("%s: %w: invalid since %s (Valid-Until %s)", file, ErrExpired,
			now.Sub(r.ValidUntil).Round(time.Second), r.ValidUntil.Format(time.RFC1123))
	}
	if !r.Date.IsZero() && r.Date.Sub(now) > 10*time.Second {
		return fmt.Errorf("%s: %w: invalid for another %s (Date %s)", file, ErrNotYetValid,
			r.Date.Sub(now).Round(time.Second), r.Date.Format(time.RFC1123))
	}
	return nil
}
