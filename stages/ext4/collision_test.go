package ext4

import (
	"fmt"
	"strings"
	"testing"
)

// TestHtreeHashCollision builds a directory where two names with the same
// hash straddle a leaf boundary, so the second leaf's index entry carries
// the continuation bit; e2fsck must accept it and lookups must find both.
func TestHtreeHashCollision(t *testing.T) {
	needOracle(t)
	seed := hashSeed(testOpts())
	seen := map[uint32]string{}
	var a, b string
	for i := 0; a == ""; i++ {
		n := fmt.Sprintf("c%d", i)
		h := dxHash(n, seed)
		if prev, ok := seen[h]; ok {
			a, b = prev, n
		}
		seen[h] = n
	}
	h := dxHash(a, seed)
	names := []string{a, b}
	for i := 0; ; i++ {
		f := fmt.Sprintf("filler-%d-%s", i, strings.Repeat("x", i%7))
		if dxHash(f, seed) >= h {
			continue
		}
		names = append(names, f)
		if len(names) > 400 && straddles(names, seed, max(a, b)) {
			break
		}
		if i > 1e6 {
			t.Fatal("no layout found")
		}
	}
	var es []Entry
	for _, n := range names {
		es = append(es, Entry{Path: "/d/" + n, Mode: S_IFIFO | 0o600})
	}
	img := writeImage(t, es, testOpts())
	fsck(t, img)
	out := debugfs(t, img, []string{"htree /d", "stat /d/" + a, "stat /d/" + b})
	if !strings.Contains(out[0], "(**)") {
		t.Errorf("no continuation entry in the htree:\n%.2000s", out[0])
	}
	for i, n := range []string{a, b} {
		if !strings.Contains(out[1+i], "Type: FIFO") {
			t.Errorf("lookup of %s failed:\n%s", n, out[1+i])
		}
	}
}

// straddles tells whether a leaf starts with second, the later (by name)
// of the colliding pair, which leaves the earlier in the previous leaf.
func straddles(names []string, seed [4]uint32, second string) bool {
	d := &inode{num: 12, mode: S_IFDIR}
	d.parent = d
	for _, n := range names {
		d.kids = append(d.kids, dirent{name: n, ino: &inode{num: 13, mode: S_IFIFO}})
	}
	number(d, &inode{mode: S_IFDIR})
	if err := encodeDir(d, seed, 0); err != nil || !d.dirHtree {
		return false
	}
	for _, blk := range d.dir[1:] {
		if string(blk[8:8+blk[6]]) == second {
			return true
		}
	}
	return false
}
