package vfat

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
)

// maxLFN is the longest long name, in UTF-16 code units.
const maxLFN = 255

// shortChars are the characters besides A-Z and 0-9 allowed in 8.3 names.
const shortChars = "!#$%&'()-@^_`{}~"

// assignNames sorts n's children, checks their names and gives each its
// short name, recursively.
func (n *node) assignNames() error {
	sort.Slice(n.children, func(i, j int) bool { return n.children[i].name < n.children[j].name })
	used := map[[11]byte]bool{}
	folded := map[string]string{}
	for _, c := range n.children {
		if err := checkLong(c.name); err != nil {
			return fmt.Errorf("%s: %w", c.path, err)
		}
		key := strings.ToUpper(c.name)
		if other, ok := folded[key]; ok {
			return fmt.Errorf("%s: FAT names ignore case, so it clashes with %q", c.path, other)
		}
		folded[key] = c.name
		if s, ok := exactShort(c.name); ok {
			c.short = s
			used[s] = true
		}
	}
	for _, c := range n.children {
		if c.short == ([11]byte{}) {
			c.lfn = true
			c.short = aliasFor(c.name, used)
			used[c.short] = true
		}
	}
	for _, c := range n.children {
		if c.dir {
			if err := c.assignNames(); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkLong rejects names VFAT cannot hold.
func checkLong(name string) error {
	if name == "." || name == ".." || strings.TrimRight(name, " .") == "" {
		return fmt.Errorf("name %q is not allowed on FAT", name)
	}
	for _, r := range name {
		if r < 0x20 || strings.ContainsRune(`"*/:<>?\|`, r) || r == 0x7f {
			return fmt.Errorf("name %q has %q, which FAT does not allow", name, r)
		}
	}
	if n := len(utf16.Encode([]rune(name))); n > maxLFN {
		return fmt.Errorf("name is %d UTF-16 units long, FAT allows %d", n, maxLFN)
	}
	return nil
}

func shortChar(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(shortChars, c) >= 0
}

// exactShort returns name as an 8.3 entry name if it already is one (upper
// case, at most 8+3 valid characters, at most one dot), so it needs no LFN.
func exactShort(name string) ([11]byte, bool) {
	var s [11]byte
	base, ext, _ := strings.Cut(name, ".")
	if len(base) < 1 || len(base) > 8 || len(ext) > 3 || strings.Contains(ext, ".") ||
		(strings.Contains(name, ".") && ext == "") {
		return s, false
	}
	for _, part := range []string{base, ext} {
		for i := 0; i < len(part); i++ {
			if !shortChar(part[i]) {
				return s, false
			}
		}
	}
	return pad(base, ext), true
}

// aliasFor makes the "BASE~N.EXT" short alias of a long name, unique among
// used, in the manner of Windows' basis-name algorithm.
func aliasFor(name string, used map[[11]byte]bool) [11]byte {
	name = strings.TrimLeft(strings.ReplaceAll(name, " ", ""), ".")
	base, ext := name, ""
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		base, ext = name[:i], name[i+1:]
	}
	b := clean(strings.ReplaceAll(base, ".", ""), 8)
	if b == "" {
		b = "_"
	}
	e := clean(ext, 3)
	for n := 1; ; n++ {
		tail := "~" + strconv.Itoa(n)
		s := pad(b[:min(len(b), 8-len(tail))]+tail, e)
		if !used[s] {
			return s
		}
	}
}

// clean upper-cases s, replaces characters invalid in short names with
// '_' and keeps at most max of them.
func clean(s string, max int) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if b.Len() == max {
			break
		}
		if r < 0x80 && shortChar(byte(r)) {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

func pad(base, ext string) [11]byte {
	var s [11]byte
	copy(s[:], base+strings.Repeat(" ", 8-len(base))+ext+strings.Repeat(" ", 3-len(ext)))
	return s
}

// checksum is the short name checksum LFN entries carry.
func checksum(s [11]byte) byte {
	var sum byte
	for _, c := range s {
		sum = (sum&1)<<7 + sum>>1 + c
	}
	return sum
}

// checkLabel rejects labels that are not 11 short-name characters or
// spaces.
func checkLabel(l string) error {
	if len(l) > 11 {
		return fmt.Errorf("label %q is longer than 11 characters", l)
	}
	for i := 0; i < len(l); i++ {
		if l[i] != ' ' && !shortChar(l[i]) {
			return fmt.Errorf("label %q has %q; use upper case letters, digits, spaces and %s", l, l[i], shortChars)
		}
	}
	return nil
}
