package rpmdb

import (
	"encoding/binary"
	"strings"

	"github.com/disco-build/disco/stages/rpm"
)

// index is one secondary index table of the rpmdb.
type index struct {
	table string
	tag   rpm.Tag
	text  bool // key column TEXT (string tags) rather than BLOB
	array bool // the tag has many values per package: an index on hnum too
	rich  bool // rich dependencies also index the names inside them
}

// indexes are rpm's secondary indexes in rpm's order (rpmdb.c dbiTags).
var indexes = []index{
	{"Name", rpm.TagName, true, false, false},
	{"Basenames", rpm.TagBaseNames, true, true, false},
	{"Group", rpm.TagGroup, true, false, false},
	{"Requirename", rpm.TagRequireName, true, true, true},
	{"Providename", rpm.TagProvideName, true, true, false},
	{"Conflictname", rpm.TagConflictName, true, true, true},
	{"Obsoletename", rpm.TagObsoleteName, true, true, false},
	{"Triggername", rpm.TagTriggerName, true, true, false},
	{"Dirnames", rpm.TagDirNames, true, true, false},
	{"Installtid", TagInstallTID, false, false, false},
	{"Sigmd5", TagSigMD5, false, false, false},
	{"Sha1header", TagSHA1Header, true, false, false},
	{"Filetriggername", tagFileTriggerName, true, true, false},
	{"Transfiletriggername", tagTransFileTriggerName, true, true, false},
	{"Recommendname", rpm.TagRecommendName, true, true, true},
	{"Suggestname", rpm.TagSuggestName, true, true, true},
	{"Supplementname", rpm.TagSupplementName, true, true, true},
	{"Enhancename", rpm.TagEnhanceName, true, true, true},
}

const (
	tagFileTriggerName       rpm.Tag = 5069
	tagFileTriggerIndex      rpm.Tag = 5070
	tagTransFileTriggerName  rpm.Tag = 5079
	tagTransFileTriggerIndex rpm.Tag = 5080
)

// key is one row of a secondary index for one header: the key (a string
// for TEXT indexes, raw bytes for BLOB ones) and the element it came from.
type key struct {
	text string
	blob []byte
	idx  uint32
}

// Dependency sense bits deciding which requires rpm leaves out of the
// Requirename index (rpmds.h isTransientReq: needed only while installing).
const (
	sensePreReq     = 1 << 6
	installOnlyMask = (1<<9 | 1<<10 | 1<<24 | 1<<26 | 1<<7 | 1<<5) &^ sensePreReq
	eraseOnlyMask   = (1<<11 | 1<<12 | 1<<20 | 1<<21) &^ sensePreReq
)

func transientReq(flags uint64) bool {
	return flags&installOnlyMask != 0 && flags&eraseOnlyMask == 0
}

// keys lists the rows rpm's tag2index (lib/rpmdb.c) adds to ix for the
// installed header h; integer keys are in the image's byte order.
func (ix index) keys(h *rpm.Header, order binary.AppendByteOrder) []key {
	e, ok := h.Get(ix.tag)
	if !ok {
		if ix.tag == rpm.TagGroup {
			return []key{{text: "Unknown"}} // rpm's legacy default
		}
		return nil
	}
	switch {
	case e.Type == rpm.TypeBin:
		return []key{{blob: e.Data}}
	case e.Type == rpm.TypeString || e.Type == rpm.TypeI18NString:
		return []key{{text: e.Strings()[0]}}
	case e.Type == rpm.TypeStringArray:
		return ix.stringKeys(h, e.Strings())
	}
	return intKeys(e, order)
}

// intKeys are integer values in the byte order of the machine rpm runs on:
// rpm stores the values as they are in memory.
func intKeys(e rpm.Entry, order binary.AppendByteOrder) []key {
	var out []key
	for i, v := range e.Ints() {
		var b []byte
		switch e.Type {
		case rpm.TypeChar, rpm.TypeInt8:
			b = []byte{byte(v)}
		case rpm.TypeInt16:
			b = order.AppendUint16(nil, uint16(v))
		case rpm.TypeInt32:
			b = order.AppendUint32(nil, uint32(v))
		default:
			b = order.AppendUint64(nil, v)
		}
		out = append(out, key{blob: b, idx: uint32(i)})
	}
	return out
}

func (ix index) stringKeys(h *rpm.Header, vals []string) []key {
	var flags, trig []uint64
	switch ix.tag {
	case rpm.TagRequireName:
		flags = h.Ints(rpm.TagRequireFlags)
	case tagFileTriggerName:
		trig = h.Ints(tagFileTriggerIndex)
	case tagTransFileTriggerName:
		trig = h.Ints(tagTransFileTriggerIndex)
	}
	var out []key
	for i, v := range vals {
		k := key{text: v, idx: uint32(i)}
		if trig != nil {
			k.idx = uint32(at(trig, i))
		}
		if i < len(flags) && transientReq(flags[i]) {
			continue
		}
		if ix.tag == rpm.TagTriggerName && indexOf(vals[:i], v) >= 0 {
			continue
		}
		out = append(out, k)
		if ix.rich && strings.HasPrefix(v, "(") {
			for _, name := range richNames(v) {
				out = append(out, key{text: name, idx: k.idx})
			}
		}
	}
	return out
}

func at(v []uint64, i int) uint64 {
	if i < len(v) {
		return v[i]
	}
	return 0
}

func indexOf(v []string, s string) int {
	for i, x := range v {
		if x == s {
			return i
		}
	}
	return -1
}
