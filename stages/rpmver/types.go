// Package rpmver holds RPM's version model: EVR (epoch, version, release),
// dependency sense flags and versioned dependencies, with comparison exactly
// as rpm's rpmvercmp and range matching as rpm/libsolv evaluate them.
//
// Entry points: Compare (rpmvercmp on two version strings), ParseEVR,
// CompareEVR (dependency-matching order: a missing release matches any),
// LabelCompare (package order, as rpm.labelCompare), Dep.Matches and Overlap
// (rpmdsCompare range intersection), ParseDep, and ParseRich for rich
// (boolean) dependencies. They are hand-written because no maintained Go
// library follows rpm 4.18 exactly (caret, tilde, release-less ranges).
package rpmver

// EVR is an epoch, version and release. HasEpoch tells an explicit epoch
// (even 0) from none; rpm compares a missing epoch as 0.
type EVR struct {
	Epoch    int    `json:"epoch,omitempty"`
	HasEpoch bool   `json:"-"`
	Version  string `json:"version"`
	Release  string `json:"release,omitempty"`
}

// Flags is rpm's sense of a dependency: the comparison bits of RPMSENSE_*.
type Flags uint8

// The comparison bits, with rpm's own values (RPMSENSE_LESS etc.).
const (
	Any Flags = 0
	LT  Flags = 1 << 1
	GT  Flags = 1 << 2
	EQ  Flags = 1 << 3
	LE        = LT | EQ
	GE        = GT | EQ
)

// Dep is one dependency or provide: a name (which for a rich dependency is
// the whole "(a or b)" expression, as rpm stores it), a sense and an EVR.
// Pre marks Requires(pre) and friends as primary.xml's pre="1" does.
type Dep struct {
	Name  string `json:"name"`
	Flags Flags  `json:"flags,omitempty"`
	EVR   EVR    `json:"evr,omitempty"`
	Pre   bool   `json:"pre,omitempty"`
}
