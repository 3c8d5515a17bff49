package aptsolve

import "sort"

// aptHashSize is apt's APT::Cache-HashTableSize default.
const aptHashSize = 196613

// aptHash is pkgCache::sHash: djb2 over the lower-cased name, modulo the
// table size.
func aptHash(s string) uint32 {
	h := uint32(5381)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		h = 33*h + uint32(c)
	}
	return h % aptHashSize
}

// hashLess orders package names as apt's PkgBegin iterator walks them:
// by hash bucket, then within a bucket shorter names first, then bytewise
// (StringViewCompareFast).
func hashLess(a, b string) bool {
	ha, hb := aptHash(a), aptHash(b)
	if ha != hb {
		return ha < hb
	}
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// hashOrder returns the loaded packages in apt's iteration order.
func (c *cache) hashOrder() []int32 {
	ids := make([]int32, len(c.pkgs))
	for i := range ids {
		ids[i] = int32(i)
	}
	sort.Slice(ids, func(a, b int) bool { return hashLess(c.pkgs[ids[a]].name, c.pkgs[ids[b]].name) })
	return ids
}
