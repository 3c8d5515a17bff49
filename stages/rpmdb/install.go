package rpmdb

import (
	"encoding/binary"
	"fmt"

	"github.com/disco-build/disco/stages/rpm"
)

// Tags rpm adds to a header when it installs the package (rpmtag.h).
const (
	TagInstallTime  rpm.Tag = 1008
	TagInstallColor rpm.Tag = 1127
	TagInstallTID   rpm.Tag = 1128
	TagInstPrefixes rpm.Tag = 1099
	TagSigMD5       rpm.Tag = 261
	TagSHA1Header   rpm.Tag = 269
)

// FileState is what happened to one file of a package at install time
// (rpmfileState), stored in RPMTAG_FILESTATES.
type FileState uint8

// The file states rpm records.
const (
	FileNormal       FileState = 0 // installed
	FileReplaced     FileState = 1 // another package's copy won
	FileNotInstalled FileState = 2 // skipped: excluded docs, languages, %_netsharedpath...
	FileNetShared    FileState = 3
	FileWrongColor   FileState = 4 // a multilib file of the other color
)

// Installed is one package as installed: its headers and the facts the
// install decided for it.
type Installed struct {
	Package *rpm.Package

	// FileStates has one state per file, in header (BASENAMES) order; nil
	// means every file was installed normally. %ghost files, which no
	// payload carries, are FileNormal as rpm records them; excluded docs
	// and languages are FileNotInstalled.
	FileStates []FileState

	// InstPrefixes are the prefixes a relocatable package was installed
	// under; nil means its PREFIXES unchanged (no relocation). Ignored for
	// a package without PREFIXES.
	InstPrefixes []string
}

// Options are the facts shared by every package of one install transaction.
type Options struct {
	// InstallTime is RPMTAG_INSTALLTIME, seconds since the epoch: the
	// build's SOURCE_DATE_EPOCH, never the clock.
	InstallTime uint32
	// TID is RPMTAG_INSTALLTID, the transaction id; 0 means InstallTime.
	TID uint32
	// Color is RPMTAG_INSTALLCOLOR, the transaction color rpm would use
	// for the image (%_transaction_color: 3 on x86_64 and aarch64).
	Color uint32
	// BigEndian stores integer index keys (Installtid) big-endian, for
	// images of big-endian machines (s390x); rpm writes them in the byte
	// order of the machine it runs on.
	BigEndian bool
}

func (o Options) byteOrder() binary.AppendByteOrder {
	if o.BigEndian {
		return binary.BigEndian
	}
	return binary.LittleEndian
}

// InstalledHeader returns the header blob rpm stores in the rpmdb for pkg:
// the main header's immutable region unchanged, then the signature tags
// merged as headerMergeLegacySigs does and the install-time tags psm.c's
// dbAdd puts in (FILESTATES, INSTALLTIME, INSTALLCOLOR, INSTALLTID, and
// INSTPREFIXES for a relocatable package).
func InstalledHeader(pkg Installed, opts Options) ([]byte, error) {
	p := pkg.Package
	if p == nil || p.Header == nil {
		return nil, fmt.Errorf("rpmdb: package without a header")
	}
	if p.IsSource() {
		return nil, fmt.Errorf("rpmdb: %s: a source package cannot be installed", p.NEVRA())
	}
	extra, err := mergeSignature(p.Header, p.Signature)
	if err != nil {
		return nil, fmt.Errorf("rpmdb: %s: %w", p.NEVRA(), err)
	}
	inst, err := installTags(p.Header, pkg, opts)
	if err != nil {
		return nil, fmt.Errorf("rpmdb: %s: %w", p.NEVRA(), err)
	}
	extra = append(extra, retrofits(p)...)
	blob, err := export(p.Header, append(extra, inst...))
	if err != nil {
		return nil, fmt.Errorf("rpmdb: %s: %w", p.NEVRA(), err)
	}
	return blob, nil
}

// installTags are the entries rpm's dbAdd (lib/psm.c) and relocation code
// add to the header of a package it installs.
func installTags(h *rpm.Header, pkg Installed, opts Options) ([]entry, error) {
	tid := opts.TID
	if tid == 0 {
		tid = opts.InstallTime
	}
	out := []entry{
		int32Entry(TagInstallTime, opts.InstallTime),
		int32Entry(TagInstallColor, opts.Color),
		int32Entry(TagInstallTID, tid),
	}
	n := len(h.Strings(rpm.TagBaseNames))
	if !h.Has(rpm.TagDirNames) {
		n = len(h.Strings(rpm.TagOldFilenames)) // compressed by retrofits
	}
	if pkg.FileStates != nil && len(pkg.FileStates) != n {
		return nil, fmt.Errorf("%d file states for %d files", len(pkg.FileStates), n)
	}
	if n > 0 {
		states := make([]byte, n)
		for i, s := range pkg.FileStates {
			states[i] = byte(s)
		}
		out = append(out, entry{tag: rpm.TagFileStates, typ: rpm.TypeChar, count: uint32(n), data: states})
	}
	if prefixes := h.Strings(rpm.TagPrefixes); len(prefixes) > 0 {
		if pkg.InstPrefixes != nil {
			prefixes = pkg.InstPrefixes
		}
		out = append(out, stringArrayEntry(TagInstPrefixes, prefixes))
	}
	return out, nil
}
